"""Round-59 classes (docs/pia-conditions.md, round 59). Security Lake subscribers, subscriber notifications
and AWS log sources were refused by the closed world: a subscriber of another account and a notification
posted to an undeclared host got past their rule, and the stack's own SIEM subscriber was blocked. Chaos
Studio's network security group fault was read by the parameter names round 56 wrote from memory; the fault
library spells the access `access` in its own sample and keys in more than one case, so a second spelling or
a repeated key decided what the fault opens unread. Each test of a fix fails on the code before the round."""

from __future__ import annotations

from ruletest import case, only, patch, run

PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
JUDGEABLE = "require-judgeable-data-types"


def test_a_security_lake_subscriber_is_an_account_of_the_stack():
    only(run(PUBLIC, case("r59p-01")), "siem-partner",
         "'999988887777', which is no account the stack's PIA record names")
    only(run(PUBLIC, case("r59p-02")), "siem-partner-role", "role/partner-siem', which is no account")
    for rule in (PUBLIC, CMK, JUDGEABLE):
        assert run(rule, case("r59p-50")) == [], rule


def test_a_subscriber_notification_leaves_only_for_a_declared_host():
    only(run(PUBLIC, case("r59p-03")), "siem-notify", "no HTTPS host the endpoints record declares")
    for rule in (PUBLIC, JUDGEABLE):
        assert run(rule, case("r59p-51")) == [], rule


def test_a_log_source_collects_only_where_the_stack_has_a_lake():
    only(run(CMK, case("r59p-04")), "trail-source", "collects records in 'eu-central-1'")


def test_chaos_nsg_fault_parameters_as_the_fault_library_writes_them():
    only(run(PUBLIC, case("r59p-10")), "experiment", "a rule whose action 'Deny' or direction 'Inbound'")
    only(run(PUBLIC, case("r59p-11")), "experiment", "gives sourceaddresses more than once")
    only(run(PUBLIC, case("r59p-12")), "experiment", "gives direction more than once")
    assert run(PUBLIC, case("r59p-52")) == []


def test_an_aurora_dsql_cluster_is_judged_on_its_key_and_policy():
    only(run(CMK, case("r59p-21")), "dsql", "`kmsEncryptionKey` is 'AWS_OWNED_KMS_KEY'")
    only(run(PUBLIC, case("r59p-23")), "dsql-policy", "allows principals of account 999988887777")
    peered = patch(
        case("r59p-60"),
        "dsql",
        multiRegionProperties={
            "witnessRegion": "eu-west-3",
            "clusters": ["arn:aws:dsql:eu-central-1:999988887777:cluster/abc"],
        },
    )
    only(run(CMK, peered), "dsql", "peers the cluster with 1 cluster(s) not fed from a cluster of this stack")
    for stem in ("r59p-60", "r59p-61"):
        for rule in (CMK, PUBLIC, JUDGEABLE):
            assert run(rule, case(stem)) == [], (stem, rule)


def test_an_elastic_san_is_judged_on_its_groups_key_and_public_access():
    # round 60: its group's rule names a subnet of subscription 's', no provider's: blocked on the group too
    san = [f for f in run(PUBLIC, case("r59p-30")) if f[0] == "san"]
    only(san, "san", "`publicNetworkAccess` is 'Enabled'")
    only(run(CMK, case("r59p-31")), "san-group", "a key in kv-partner.vault.azure.net")
    only(run(CMK, case("r55p-22")), "san-group", "'EncryptionAtRestWithPlatformKey'")
    for rule in (CMK, PUBLIC, JUDGEABLE):
        assert run(rule, case("r59p-53")) == [], rule
