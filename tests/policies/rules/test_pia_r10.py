"""Round-10 blind probe classes (docs/pia-conditions.md, round 10): the keys themselves, S3 Express and S3
Tables, Entra membership through PIM for Groups and owners, Identity Center exclusive attachments, event
rules on the default bus only, TLS at Front Door, ELB listeners facing the internet."""

import pytest
from ruletest import KEY, base, only, patch, res, run, with_

AWS = base("aws")
AZURE = base("azure")
T = {"classification": "vertrouwelijk"}
CMK = "require-customer-managed-keys"
SOD = "require-separation-of-duties"
DBA, KEYS = "00000000-0000-0000-0000-0000000000aa", "00000000-0000-0000-0000-0000000000bb"


def kv_key(properties):
    return res(
        "cmk",
        "azure-native:keyvault:Key",
        {"keyName": "cmk", "vaultName": "kv-corpus", "properties": properties},
    )


UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's value of an output not yet known
ROTATE = {"lifetimeActions": [{"action": {"type": "rotate"}, "trigger": {"timeAfterCreate": "P1Y"}}]}
NOTIFY = {"lifetimeActions": [{"action": {"type": "notify"}, "trigger": {"timeBeforeExpiry": "P30D"}}]}


@pytest.mark.parametrize(
    "policy, fragment",
    [
        (None, "no rotation policy"),
        (NOTIFY, "no rotation policy"),
        ({"lifetimeActions": UNKNOWN}, "unknown"),
    ],
)
def test_key_vault_key_must_rotate(policy, fragment):
    props = {"kty": "RSA"} if policy is None else {"kty": "RSA", "rotationPolicy": policy}
    found = run(CMK, with_(AZURE, kv_key(props)))
    assert len(found) == 1 and found[0][0] == "cmk" and fragment in found[0][1], found
    assert (
        run(
            CMK,
            with_(
                AZURE,
                kv_key(
                    {
                        "kty": "RSA-HSM",
                        "rotationPolicy": {
                            "lifetimeActions": ROTATE["lifetimeActions"] + NOTIFY["lifetimeActions"]
                        },
                    }
                ),
            ),
        )
        == []
    )


def table(key_arn, **kw):
    sse = {"enabled": True, "kmsKeyArn": key_arn}
    return res("t", "aws:dynamodb/table:Table", {"name": "t", "serverSideEncryption": sse, "tags": T}, **kw)


def test_replica_key_is_judged_by_its_primary_in_the_stack():
    foreign = res(
        "rk",
        "aws:kms/replicaKey:ReplicaKey",
        {"primaryKeyArn": "arn:aws:kms:us-east-1:111122223333:key/mrk-1", "tags": T},
    )
    only(run(CMK, with_(AWS, foreign)), "rk", "not a key of this stack")
    primary = res("mrk", "aws:kms/key:Key", {"multiRegion": True, "enableKeyRotation": False, "tags": T})
    ours = {**foreign, "refs": {"primaryKeyArn": "mrk"}}
    found = run(CMK, with_(AWS, primary, ours))
    assert {n for n, _ in found} == {"mrk", "rk"} and any("primary key mrk" in m for _, m in found), found
    primary["inputs"]["enableKeyRotation"] = True
    assert run(CMK, with_(AWS, primary, ours)) == []


def test_key_arn_of_another_account():
    other = "arn:aws:kms:eu-west-1:999988887777:key/0f0e"
    only(run(CMK, with_(AWS, table(other))), "t", "belongs to account 999988887777")
    assert run(CMK, with_(AWS, table(KEY))) == []
    # a key of the stack made through the other account's provider is judged where it is defined
    prov = {
        "type": "pulumi:providers:aws",
        "urn": "urn:prov:o",
        "inputs": {"region": "eu-west-1", "allowedAccountIds": '["999988887777"]'},
    }
    theirs = res("okey", "aws:kms/key:Key", {"enableKeyRotation": True, "tags": T}, provider=prov)
    assert run(CMK, with_(AWS, theirs, table(other, refs={"serverSideEncryption": "okey"}))) == []
    # the recorded state carries a key's own ARN (the mock account's): it is not a key in use
    own = f"arn:aws:kms:eu-west-1:123456789012:key/{'1' * 8}"
    assert run(CMK, patch(AWS, "key", arn=own)) == []


def volume(**kw):
    return res(
        "v",
        "aws:ebs/volume:Volume",
        {"availabilityZone": "eu-west-1a", "size": 8, "encrypted": True, "tags": T},
        **kw,
    )


def test_ebs_volume_on_the_account_default_key():
    only(run(CMK, with_(AWS, volume())), "v", "`kmsKeyId` is not set")
    default = res("dk", "aws:ebs/defaultKmsKey:DefaultKmsKey", {"keyArn": KEY})
    assert run(CMK, with_(AWS, default, volume())) == []
    managed = res(
        "dk",
        "aws:ebs/defaultKmsKey:DefaultKmsKey",
        {"keyArn": "arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs"},
    )
    key = "'arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs'; use a customer-managed key"
    assert run(CMK, with_(AWS, managed, volume())) == [  # the default key itself, and the volume using it
        ("dk", f"`keyArn` is the AWS-managed key {key}"),
        ("v", f"`kmsKeyId (the account default)` is the AWS-managed key {key}"),
    ]
    elsewhere = {
        **default,
        "provider": {
            "type": "pulumi:providers:aws",
            "urn": "urn:prov:dub",
            "inputs": {"region": "eu-central-1", "allowedAccountIds": '["111122223333"]'},
        },
    }
    only(run(CMK, with_(AWS, elsewhere, volume())), "v", "`kmsKeyId` is not set")


def test_s3_tables_and_directory_buckets():
    bucket = res("tb", "aws:s3tables/tableBucket:TableBucket", {"name": "tb", "tags": T})
    only(run(CMK, with_(AWS, bucket)), "tb", "not set (AES256)")
    keyed = {
        **bucket,
        "inputs": {
            **bucket["inputs"],
            "encryptionConfiguration": {"sseAlgorithm": "aws:kms", "kmsKeyArn": KEY},
        },
    }
    inherits = res(
        "tt", "aws:s3tables/table:Table", {"name": "x", "namespace": "n", "format": "ICEBERG", "tags": T}
    )
    assert run(CMK, with_(AWS, keyed, inherits)) == []
    aes = {
        **inherits,
        "inputs": {**inherits["inputs"], "encryptionConfiguration": {"sseAlgorithm": "AES256"}},
    }
    only(run(CMK, with_(AWS, keyed, aes)), "tt", "'AES256'")
    fast = res(
        "fast",
        "aws:s3/directoryBucket:DirectoryBucket",
        {"bucket": "f--euw1-az1--x-s3", "location": {"name": "euw1-az1"}, "tags": T},
    )
    only(run(CMK, with_(AWS, fast)), "fast", "no server-side encryption")


def sod_azure(*extra):
    return run(SOD, with_(AZURE, *extra))


@pytest.mark.parametrize(
    "kind", ["privilegedAccessGroupEligibilitySchedule", "privilegedAccessGroupAssignmentSchedule"]
)
@pytest.mark.parametrize("assignment", ["member", "owner"])
def test_pim_for_groups_gives_the_group_its_holders(kind, assignment):
    t = f"azuread:index/{kind}:{kind[0].upper()}{kind[1:]}"
    pim = res("pim", t, {"groupId": KEYS, "principalId": DBA, "assignmentType": assignment})
    assert sod_azure(pim), f"{kind} {assignment}"
    other = res(
        "pim",
        t,
        {
            "groupId": KEYS,
            "principalId": "00000000-0000-0000-0000-0000000000b1",
            "assignmentType": assignment,
        },
    )
    assert sod_azure(other) == []
    unknown = res("pim", t, {"groupId": KEYS, "assignmentType": assignment})
    assert sod_azure(unknown), "an unknown principal fails closed"


def test_group_owner_holds_what_the_group_holds():
    alice = "00000000-0000-0000-0000-00000000a11c"
    dba = res("dba-grp", "azuread:index/group:Group", {"displayName": "dba", "members": [alice]})
    keys = res("keys-grp", "azuread:index/group:Group", {"displayName": "keys", "owners": [alice]})
    ra = [
        r | {"refs": {**r.get("refs", {}), "principalId": g}}
        for r, g in (
            (next(x for x in AZURE if x["name"] == "ra-dba"), "dba-grp"),
            (next(x for x in AZURE if x["name"] == "ra-keys"), "keys-grp"),
        )
    ]
    assert sod_azure(dba, keys, *ra)
    keys["inputs"]["owners"] = ["00000000-0000-0000-0000-0000000000ff"]
    assert sod_azure(dba, keys, *ra) == []


PS = "arn:aws:sso:::permissionSet/ssoins-1/ps-1"


def permission_set(attach):
    ps = res(
        "ps",
        "aws:ssoadmin/permissionSet:PermissionSet",
        {"name": "ops", "instanceArn": "arn:aws:sso:::instance/ssoins-1"},
    )
    return [ps, {**attach, "refs": {"permissionSetArn": "ps"}}]


def test_identity_center_exclusive_attachments():
    t = "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive"
    admin = res(
        "m", t, {"permissionSetArn": PS, "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}
    )
    assert run(SOD, with_(AWS, *permission_set(admin)))
    read = res(
        "m", t, {"permissionSetArn": PS, "managedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}
    )
    assert run(SOD, with_(AWS, *permission_set(read))) == []
    t = "aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive"
    missing = res("c", t, {"permissionSetArn": PS, "customerManagedPolicyReferences": [{"name": "nowhere"}]})
    assert any(
        "'nowhere' is not in this stack" in m for _, m in run(SOD, with_(AWS, *permission_set(missing)))
    )


def root_rule(bus):
    rule = res(
        "root-rule",
        "aws:cloudwatch/eventRule:EventRule",
        {"name": "root-used", "eventPattern": '{"detail": {"userIdentity": {"type": ["Root"]}}}'},
    )
    if bus is not None:
        rule["inputs"]["eventBusName"] = bus
    target = res(
        "root-target",
        "aws:cloudwatch/eventTarget:EventTarget",
        {"rule": "root-used", "arn": "arn:aws:sns:eu-west-1:111122223333:soc"},
    )
    return [rule, target]


@pytest.mark.parametrize(
    "bus, ok",
    [
        (None, True),
        ("default", True),
        ("arn:aws:events:eu-west-1:111122223333:event-bus/default", True),
        ("soc-bus", False),
    ],
)
def test_siem_event_rules_count_on_the_default_bus_only(bus, ok):
    found = run("require-siem-logging", with_(AWS, *root_rule(bus), drop=("root-filter", "root-alarm")))
    assert (found == []) is ok, found


TLS = "require-tls-1-2"


@pytest.mark.parametrize(
    "settings, bad",
    [
        ({"certificateType": "ManagedCertificate"}, False),
        ({"certificateType": "ManagedCertificate", "minimumTlsVersion": "TLS10"}, True),
        ({"certificateType": "ManagedCertificate", "cipherSuiteSetType": "TLS10_2019"}, True),
        ({"certificateType": "ManagedCertificate", "cipherSuiteSetType": "TLS12_2022"}, False),
    ],
)
def test_front_door_custom_domain(settings, bad):
    d = res("d", "azure-native:cdn:AFDCustomDomain", {"hostName": "www.example.be", "tlsSettings": settings})
    assert bool(run(TLS, [d])) is bad


@pytest.mark.parametrize(
    "route, bad",
    [
        ({"forwardingProtocol": "HttpsOnly", "httpsRedirect": "Enabled"}, False),
        ({"forwardingProtocol": "HttpOnly", "supportedProtocols": ["Https"]}, True),
        ({"supportedProtocols": ["Https"]}, False),  # MatchRequest over HTTPS only
        ({}, True),  # defaults: HTTP and HTTPS, no redirect, MatchRequest
    ],
)
def test_front_door_route(route, bad):
    assert bool(run(TLS, [res("r", "azure-native:cdn:Route", route)])) is bad


PUB = "disallow-public-data-access"


def listener(port, protocol="TCP", **kw):
    inputs = {
        "loadBalancerArn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/nlb/1",
        "port": port,
        "protocol": protocol,
    }
    return res("l", "aws:lb/listener:Listener", inputs, **kw)


def test_listeners_facing_the_internet():
    public = res("nlb", "aws:lb/loadBalancer:LoadBalancer", {"name": "nlb", "loadBalancerType": "network"})
    only(run(PUB, with_(AWS, public, listener(3306, refs={"loadBalancerArn": "nlb"}))), "l", "data port 3306")
    assert run(PUB, with_(AWS, public, listener(443, "TLS", refs={"loadBalancerArn": "nlb"}))) == []
    internal = patch([public], "nlb", internal=True)[0]
    assert run(PUB, with_(AWS, internal, listener(3306))) == []  # found by the name in its ARN
    only(run(PUB, with_(AWS, listener(8080))), "l", "not shown internal")
    only(run(PUB, with_(AWS, listener(5432.0))), "l", "data port 5432")  # the engine's numbers are floats
    assert run(PUB, with_(AWS, res("g", "aws:lb/listener:Listener", {"protocol": "GENEVE"}))) == []
