"""Round-60 classes (docs/pia-conditions.md, round 60). Azure network rules admitting subnets of another
subscription or tenant were not read; the SOC's Security Lake account, declared as the SIEM, could not
subscribe; FSx for OpenZFS NFS exports to any client passed, and an OpenZFS child volume and a DynamoDB
table's Kinesis streaming destination were refused by the closed world. Each test of a fix fails on the code
before the round."""

from __future__ import annotations

from ruletest import case, only, patch, res, run, with_

PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
JUDGEABLE = "require-judgeable-data-types"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # a preview-unknown value (fed from another resource)
FOREIGN = "of subscription '9f9f9f9f-1111-4222-8333-444444444444', which the stack's PIA record does not name"


def test_a_network_rule_admits_only_subnets_of_the_stack():
    only(run(PUBLIC, case("r60p-02")), "store", "`networkRuleSet.virtualNetworkRules[0]` admits subnet")
    only(run(PUBLIC, case("r60p-02")), "store", FOREIGN)
    only(run(PUBLIC, case("r60p-03")), "vault", "`properties.networkAcls.virtualNetworkRules[0]`")
    assert any(FOREIGN in m for n, m in run(PUBLIC, case("r60p-01")) if n == "san-group")
    for stem in ("r60p-50", "r60p-51"):
        assert run(PUBLIC, case(stem)) == [], stem


def test_a_network_rule_that_cannot_be_read_blocks():
    unread = patch(case("r60p-50"), "store", networkRuleSet={
        "defaultAction": "Deny", "virtualNetworkRules": [{"virtualNetworkResourceId": "subnet-app"}]})
    only(run(PUBLIC, unread), "store", "no readable ARM subnet id fed from a subnet of this stack")
    unfed = patch(case("r60p-51"), "san-group", networkAcls={
        "virtualNetworkRules": [{"virtualNetworkResourceId": UNKNOWN}]})
    for r in unfed:
        if r["name"] == "san-group":
            r["refs"] = {"resourceGroupName": "rg", "elasticSanName": "san"}
    only(run(PUBLIC, unfed), "san-group", "`networkAcls.virtualNetworkRules[0]`")


def test_a_network_rule_of_its_own_admits_only_subnets_of_the_stack():
    only(run(PUBLIC, case("r60p-06")), "sql-vnet-rule", "`virtualNetworkSubnetId` admits subnet")
    subnet = res("subnet", "azure-native:network:Subnet", {
        "resourceGroupName": "rg-corpus", "virtualNetworkName": "vnet-corpus", "subnetName": "data",
        "addressPrefix": "10.40.1.0/24"})
    fed = patch(case("r60p-06"), "sql-vnet-rule", virtualNetworkSubnetId=UNKNOWN)
    for r in fed:
        if r["name"] == "sql-vnet-rule":
            r["refs"] = {**r["refs"], "virtualNetworkSubnetId": "subnet"}
    assert run(PUBLIC, with_(fed, subnet)) == []


def test_the_soc_account_declared_as_the_siem_may_subscribe_to_the_lake():
    assert run(PUBLIC, case("r60p-52")) == []
    only(run(PUBLIC, case("r60p-04")), "soc-reader", "nor one the endpoints record declares as the SIEM")


def test_openzfs_exports_only_to_the_stacks_networks():
    only(run(PUBLIC, case("r60p-40")), "zfs", "clientConfigurations[0].clients` is '*'")
    only(run(PUBLIC, case("r60p-41")), "zfs-dossiers", "`nfsExports.clientConfigurations[0].clients` is '*'")
    default = patch(case("r60p-70"), "zfs", rootVolumeConfiguration=None)
    only(run(PUBLIC, default), "zfs", "FSx exports the volume to the wildcard client (*) by default")
    for rule in (PUBLIC, CMK, JUDGEABLE):
        assert run(rule, case("r60p-70")) == [], rule


def test_an_openzfs_volume_is_under_its_file_systems_key():
    loose = [dict(r, refs={}) if r["name"] == "zfs-dossiers" else r for r in case("r60p-70")]
    only(run(CMK, loose), "zfs-dossiers", "`parentVolumeId` '04da6b54")


def test_a_kinesis_streaming_destination_lands_in_a_stream_of_the_stack():
    only(run(CMK, case("r60p-44")), "table-changes", "is no Kinesis stream of this stack")
    stream = res("changes", "aws:kinesis/stream:Stream", {
        "name": "dossier-changes", "encryptionType": "KMS",
        "kmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "retentionPeriod": 24, "streamModeDetails": {"streamMode": "ON_DEMAND"}})
    for rule in (CMK, JUDGEABLE):
        assert not [f for f in run(rule, with_(case("r60p-44"), stream)) if f[0] == "table-changes"], rule
