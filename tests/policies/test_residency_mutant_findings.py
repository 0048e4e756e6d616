"""What the mutants of the compliant residency cases found (tests/policies/test_residency_mutants.py): an
account in a destination block is a grantee (the corpus cases are tests/corpus/residency/evil/m0*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, grant_message, messages, pinned_res

OTHER = "444455556666"
OWN = "123456789012"


CENTRALIZE = "aws:observabilityadmin/centralizationRuleForOrganization:CentralizationRuleForOrganization"


def _centralize(account: str) -> object:
    source = {"regions": ["eu-west-1"], "scope": "OrganizationId = 'o-abc123def4'", "account": OTHER}
    return pinned_res(CENTRALIZE, "c", {"ruleName": "central", "rule": {
        "source": source, "destination": {"account": account, "region": "eu-west-1"}}})


def test_an_account_a_destination_block_delivers_into_is_a_grantee():
    assert messages(REPLICATION, _centralize(OTHER), ALLOWED) == [
        grant_message("rule.destination.account", OTHER)]
    # the own pinned account passes; an account in a source block sends data in
    assert messages(REPLICATION, _centralize(OWN), ALLOWED) == []


def test_a_replication_owner_override_to_another_account_is_a_grantee():
    rep = pinned_res("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "r", {
        "bucket": "src", "role": f"arn:aws:iam::{OWN}:role/replication", "rules": [{
            "id": "all", "status": "Enabled", "destination": {
                "bucket": "arn:aws:s3:::dst", "account": OTHER,
                "accessControlTranslation": {"owner": "Destination"}, "expectedBucketOwner": OTHER}}]})
    assert messages(REPLICATION, rep, ALLOWED) == [grant_message("rules.0.destination.account", OTHER)]
