"""Round-58 classes (docs/pia-conditions.md, round 58): round 57's first lead. A Security Lake lake's
`replicationConfiguration.regions` copies its objects into the lake of each region named, under that lake's
keys; before the round no rule read it, so a lake replicating to a region whose lake the stack does not
declare, or to regions unknown in preview, passed require-customer-managed-keys. The fix's test fails on the
code before the round. A lake's expiration is no PIA condition (the 10-year record is the trail's Object Lock
bucket): r58p-51 keeps that decision."""

from __future__ import annotations

from ruletest import case, only, run

CMK = "require-customer-managed-keys"
RETENTION = "require-audit-log-retention"
JUDGEABLE = "require-judgeable-data-types"


def test_a_security_lake_replicates_only_to_lakes_of_the_stack():
    only(run(CMK, case("r58p-01")), "lake", "copies the lake's objects to 'eu-central-1'")
    only(run(CMK, case("r58p-02")), "lake", "is unknown during preview")
    for rule in (CMK, JUDGEABLE):
        assert run(rule, case("r58p-50")) == [], rule


def test_a_security_lake_expiration_is_not_the_audit_record():
    for rule in (CMK, RETENTION, JUDGEABLE):
        assert run(rule, case("r58p-51")) == [], rule
