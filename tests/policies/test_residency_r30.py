"""Red-team round 30 of the residency pack: an account named by a bare id under any key that names an account
is a grantee (the corpus cases are tests/corpus/residency/{evil,good}/r30-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, grant_message, messages, pinned_res, res

OTHER = "999988887777"
OWN = "123456789012"


def _opensearch(account: str) -> object:
    return pinned_res("aws:opensearch/authorizeVpcEndpointAccess:AuthorizeVpcEndpointAccess", "a", {
        "domainName": "eloket-events", "account": account})


def test_an_account_under_any_account_key_is_a_grantee():
    assert messages(REPLICATION, _opensearch(OTHER), ALLOWED) == [grant_message("account", OTHER)]
    copy = pinned_res("aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy", "c", {
        "sourceDbClusterSnapshotIdentifier": "s", "targetDbClusterSnapshotIdentifier": "t",
        "sharedAccounts": [OTHER]})
    assert messages(REPLICATION, copy, ALLOWED) == [grant_message("sharedAccounts", OTHER)]
    dx = pinned_res("aws:directconnect/gatewayAssociationProposal:GatewayAssociationProposal", "dx", {
        "dxGatewayId": "g", "dxGatewayOwnerAccountId": OTHER, "associatedGatewayId": "tgw-0a1"})
    assert messages(REPLICATION, dx, ALLOWED) == [grant_message("dxGatewayOwnerAccountId", OTHER)]


def test_a_typed_account_target_and_a_comma_separated_list_name_grantees():
    share = pinned_res("aws:directoryservice/sharedDirectory:SharedDirectory", "s", {
        "directoryId": "d-1", "target": {"id": OTHER, "type": "ACCOUNT"}})
    assert messages(REPLICATION, share, ALLOWED) == [grant_message("target.id", OTHER)]
    doc = pinned_res("aws:ssm/document:Document", "d", {
        "name": "x", "documentType": "Automation", "content": "{}",
        "permissions": {"type": "Share", "account_ids": f"{OWN}, {OTHER}"}})
    assert messages(REPLICATION, doc, ALLOWED) == [grant_message("permissions.account_ids", OTHER)]


def test_the_own_account_a_source_or_destination_block_and_a_narrowing_key_grant_nothing():
    assert messages(REPLICATION, _opensearch(OWN), ALLOWED) == []
    rep = pinned_res("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "r", {
        "bucket": "src", "role": f"arn:aws:iam::{OWN}:role/rep",
        "rules": [{"id": "all", "status": "Enabled",
                   "destination": {"bucket": "arn:aws:s3:::eloket-archive", "account": OWN}}]})
    assert messages(REPLICATION, rep, ALLOWED) == []  # another account there is a grantee since the mutants
    agg = pinned_res("aws:cfg/configurationAggregator:ConfigurationAggregator", "g", {
        "name": "all", "accountAggregationSource": {"accountIds": [OTHER], "allRegions": True}})
    assert messages(REPLICATION, agg, ALLOWED) == []
    rule = pinned_res("aws:cfg/organizationManagedRule:OrganizationManagedRule", "r", {
        "name": "s3-encrypted", "ruleIdentifier": "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        "excludedAccounts": [OTHER]})
    assert messages(REPLICATION, rule, ALLOWED) == []


def _fms(**blocks: object) -> object:
    return pinned_res("aws:fms/policy:Policy", "waf", {
        "name": "eloket-waf", "excludeResourceTags": False,
        "resourceType": "AWS::ElasticLoadBalancingV2::LoadBalancer", **blocks})


def test_a_firewall_manager_policy_scoped_to_organisation_accounts_grants_nothing():
    scoped = _fms(securityServicePolicyData={"type": "WAFV2"}, includeMap={"accounts": [OWN, OTHER]},
                  excludeMap={"accounts": ["111122223333"]})
    assert messages(REPLICATION, scoped, ALLOWED) == []
    # only the scope blocks are scopes: the same account anywhere else is a grantee
    elsewhere = _fms(securityServicePolicyData={"type": "WAFV2", "accounts": [OTHER]})
    assert messages(REPLICATION, elsewhere, ALLOWED) == [
        grant_message("securityServicePolicyData.accounts", OTHER)]
    # and only in a Firewall Manager policy: the same block in another type is judged
    other = pinned_res("aws:ssm/document:Document", "d", {
        "name": "x", "documentType": "Automation", "content": "{}", "includeMap": {"accounts": [OTHER]}})
    assert messages(REPLICATION, other, ALLOWED) == [grant_message("includeMap.accounts", OTHER)]


def test_under_a_provider_that_pins_no_account_even_the_own_account_blocks():
    view = res("aws:opensearch/authorizeVpcEndpointAccess:AuthorizeVpcEndpointAccess", "a", {
        "domainName": "eloket-events", "account": OWN})
    assert messages(REPLICATION, view, ALLOWED) == [grant_message("account", OWN)]
