"""The portal-prod stack, recorded offline from its real config file (stacks/Pulumi.portal-prod.yaml)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from gate.recording import UNKNOWN, Graph, is_secret, record_program

from components.aws import analysis
from components.aws.role_specs import ROLE_FUNCTIONS
from policies.core.eea import PORTAL_REGION
from policies.core.iam.statements import people_trust_requires_mfa

PROJECT = Path(__file__).parents[2]
CONTRACT_OUTPUTS = {
    "vpnGatewayId",
    "vpcId",
    "vpcCidr",
    "appSubnetCidrs",
    "appSecurityGroupId",
    "privateRouteTableIds",
    "socTopicArn",
    "region",
    "logsKmsKeyArn",  # requested by interconnect-prod for its VPN log group
    "vpnAmazonSideAsn",  # the one source of the AWS-side BGP ASN (interconnect-prod reads it)
}
STATEFUL = {
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:rds/instance:Instance",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:secretsmanager/secret:Secret",
    "aws:ecr/repository:Repository",
}
# Service roles may carry these AWS managed policies (read-only recording of configuration).
ALLOWED_SERVICE_MANAGED = {"arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"}
SECRET_INPUTS = {
    "password",
    "passwordWo",
    "secretString",
    "secretBinary",
    "masterPassword",
    "authToken",
    "privateKey",
    "privateKeyWo",
    "presharedKey",
}


def _record(**overrides: Any) -> Graph:
    """Run the project's one program (stacks/__main__.py) for portal-prod, config file plus `overrides`."""
    return record_program(PROJECT, "portal-prod", config=overrides)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return _record()


def _custom(graph: Graph):
    return [r for r in graph.resources if r.custom and not r.type.startswith("pulumi:")]


def _doc(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else value


def test_exports_exactly_the_contract(graph):
    out = graph.outputs
    assert set(out) == CONTRACT_OUTPUTS
    assert out["region"] == PORTAL_REGION
    assert out["vpnGatewayId"].startswith("vgw-")
    assert out["vpcCidr"] == "10.20.0.0/16"
    assert len(out["appSubnetCidrs"]) == 3 and len(out["privateRouteTableIds"]) == 3
    assert out["appSecurityGroupId"].startswith("sg-")
    assert out["socTopicArn"].startswith(f"arn:aws:sns:{PORTAL_REGION}:")
    (logs_key,) = [k for k in graph.by_type("aws:kms/key:Key") if k.inputs["tags"]["purpose"] == "logs"]
    assert out["logsKmsKeyArn"] == logs_key.outputs["arn"]


# The XKS proxy credential is generated in the stack (issue 17); `random` resources never leave the engine.
XKS_CREDENTIAL = {"controller-keys-xks-id", "controller-keys-xks-secret"}


def _aws(graph: Graph):
    return [r for r in _custom(graph) if not r.type.startswith("random:")]


def test_every_resource_resolves_to_the_portal_region(graph):
    assert {graph.region(r) for r in _aws(graph)} == {PORTAL_REGION}
    # ... through an explicit provider pinned to its account, never the default one built from `aws:region`:
    # the workload account's, or the log-archive account's for the segregated archive (issue 17, LOG-05)
    providers = {graph.effective_provider(r).name for r in _aws(graph)}
    assert providers == {"portal", "log-archive"}
    config = yaml.safe_load((PROJECT / "stacks/Pulumi.portal-prod.yaml").read_text())["config"]
    accounts = {
        "portal": config["dosis-eloket:accountId"],
        "log-archive": config["dosis-eloket:logArchiveAccountId"],
    }
    for provider in graph.by_type("pulumi:providers:aws"):
        assert provider.inputs["region"] == PORTAL_REGION
        assert json.loads(provider.inputs["allowedAccountIds"]) == [accounts[provider.name]]
    archived = {r.name for r in _aws(graph) if graph.effective_provider(r).name == "log-archive"}
    assert archived and all(n.startswith(("log-archive", "portal-logs")) for n in archived), archived
    assert {r.name for r in _custom(graph) if r.type.startswith("random:")} == XKS_CREDENTIAL


def test_no_cloudfront_and_nat_only_for_declared_egress(graph):
    assert not [r for r in graph.resources if r.type.startswith("aws:cloudfront")]
    # NAT gateways exist for the declared MAGDA egress only (D36 §109); without it, none.
    assert len(graph.by_type("aws:ec2/natGateway:NatGateway")) == 3
    assert not _record(**{"dosis-eloket:magdaEgressCidrs": []}).by_type("aws:ec2/natGateway:NatGateway")


def test_every_data_store_and_log_group_uses_a_cmk(graph):
    keys = {k.outputs["arn"] for k in graph.by_type("aws:kms/key:Key")}
    assert len(keys) == 6  # logs, trail, database, secrets, static, files
    # The segregated archive (log-archive account) has its own imported-material key (issue 17, LOG-05).
    (archive_key,) = graph.by_type("aws:kms/externalKey:ExternalKey")
    assert graph.effective_provider(archive_key).name == "log-archive"
    assert archive_key.inputs["tags"]["purpose"] == "log-archive"
    keys.add(archive_key.outputs["arn"])
    for lg in graph.by_type("aws:cloudwatch/logGroup:LogGroup"):
        assert lg.inputs.get("kmsKeyId") in keys, lg.name
    for db in graph.by_type("aws:rds/instance:Instance"):
        assert db.inputs["storageEncrypted"] and db.inputs["kmsKeyId"] in keys
        assert db.inputs["masterUserSecretKmsKeyId"] in keys
    for typ, field in (
        ("aws:secretsmanager/secret:Secret", "kmsKeyId"),
        ("aws:sns/topic:Topic", "kmsMasterKeyId"),
        ("aws:cloudtrail/trail:Trail", "kmsKeyId"),
    ):
        for r in graph.by_type(typ):
            assert r.inputs.get(field) in keys, r.name
    for repo in graph.by_type("aws:ecr/repository:Repository"):
        assert repo.inputs["encryptionConfigurations"][0]["kmsKey"] in keys
    sse = graph.by_type(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    assert len(sse) == len(graph.by_type("aws:s3/bucket:Bucket")) == 4 + 3  # workload + log archive
    sse_s3 = [
        r
        for r in sse
        if r.inputs["rules"][0]["applyServerSideEncryptionByDefault"].get("kmsMasterKeyId") not in keys
    ]
    # Only log-delivery buckets: S3 server access logs and ALB access logs support SSE-S3 only.
    delivery = ["access-logs", "log-archive-access-logs", "log-archive-portal-logs"]
    assert sorted(r.name for r in sse_s3) == delivery
    for bucket in graph.by_type("aws:s3/bucket:Bucket"):
        if bucket.name in delivery:
            assert bucket.inputs["tags"]["log-delivery-target"] == "true", bucket.name
    for r in sse_s3:
        assert r.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"


def test_portal_data_stores_carry_no_dosis_data_tag(graph):
    stores = [
        *graph.by_type("aws:s3/bucket:Bucket"),
        *graph.by_type("aws:rds/instance:Instance"),
        *graph.by_type("aws:elasticache/cluster:Cluster"),
    ]
    assert all(r.inputs["tags"].get("dosis-data") == "none" for r in stores)
    (cache,) = graph.by_type("aws:elasticache/cluster:Cluster")
    assert cache.inputs["tags"]["data-retention"] == "transient"
    assert cache.inputs["transitEncryptionEnabled"] is True


def _roles(graph: Graph) -> dict[str, dict[str, Any]]:
    policies = {p.outputs.get("arn"): p for p in graph.by_type("aws:iam/policy:Policy")}
    roles = {}
    for role in graph.by_type("aws:iam/role:Role"):
        rid = role.id
        boundary = policies.get(role.inputs.get("permissionsBoundary"))
        roles[role.name] = {
            "human": (role.inputs.get("tags") or {}).get("human-role"),
            "arn": role.outputs["arn"],
            "trust": _doc(role.inputs["assumeRolePolicy"]),
            "identity": [
                _doc(p.inputs["policy"])
                for p in graph.by_type("aws:iam/rolePolicy:RolePolicy")
                if p.inputs["role"] == rid
            ],
            "managed": [
                a.inputs["policyArn"]
                for a in graph.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if a.inputs["role"] == role.inputs.get("name", rid)
            ],
            "boundary": _doc(boundary.inputs["policy"]) if boundary else None,
        }
    return roles


def test_every_human_role_requires_mfa_and_a_boundary(graph):
    humans = {r["human"]: r for r in _roles(graph).values() if r["human"]}
    assert set(humans) == set(ROLE_FUNCTIONS)
    for name, r in humans.items():
        assert people_trust_requires_mfa(r["trust"]), name
        assert r["boundary"] is not None, name
    for role in graph.by_type("aws:iam/role:Role"):
        if (role.inputs.get("tags") or {}).get("human-role"):
            assert role.inputs["maxSessionDuration"] <= 3600


def test_no_role_holds_two_of_the_three_functions(graph):
    for name, r in _roles(graph).items():
        if r["human"]:
            held = analysis.functions_held(r["identity"], r["boundary"], len(r["managed"]))
        else:
            assert set(r["managed"]) <= ALLOWED_SERVICE_MANAGED, name
            held = analysis.functions_held(r["identity"], r["boundary"])
        assert len(held) <= 1, (name, held)
        # each human role holds exactly its own function; workloads and services hold none
        expected = ROLE_FUNCTIONS[r["human"]] if r["human"] else None
        assert held == ({expected} if expected else set()), (name, held)


def test_key_admins_cannot_decrypt(graph):
    roles = _roles(graph)
    admin = next(r for r in roles.values() if r["human"] == "key-admin")
    for key in graph.by_type("aws:kms/key:Key"):
        policy = _doc(key.inputs["policy"])
        assert analysis.allows(policy, "kms:ScheduleKeyDeletion", admin["arn"]), key.name
        for action in ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptTo"):
            assert analysis.denies(policy, action, admin["arn"]), (key.name, action)
        for stmt in analysis.statements(policy):
            assert "kms:*" not in stmt["Action"], key.name
            assert stmt["Effect"] == "Deny" or "*" not in analysis.principals(stmt), key.name
    assert not analysis.role_may("kms:Decrypt", admin["identity"], admin["boundary"])


def test_key_users_reach_keys_only_through_services(graph):
    for key in graph.by_type("aws:kms/key:Key"):
        for stmt in analysis.statements(_doc(key.inputs["policy"])):
            if stmt["Effect"] == "Allow" and analysis.covers_action(stmt, "kms:Decrypt"):
                assert stmt.get("Condition"), (key.name, stmt.get("Sid"))


def _walk(value: Any, path: str = ""):
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")


def test_no_secret_value_in_the_recorded_graph(graph):
    # The one secret the design needs is the XKS proxy credential (KMS must hold it to call the proxy):
    # generated in the stack by `random`, marked secret, so state encrypts it and an export redacts it.
    secrets = []
    for r in graph.resources:
        for path, node in _walk(r.inputs):
            if is_secret(node):
                secrets.append((f"{r.name}{path}", node["value"]))
            assert not SECRET_INPUTS & set(node), f"{r.name}{path}: {SECRET_INPUTS & set(node)}"
    assert [p for p, _ in secrets] == ["controller-keys.xksProxyAuthenticationCredential.rawSecretAccessKey"]
    assert all(value == UNKNOWN for _, value in secrets)  # generated at deploy, never a literal in config
    assert not graph.by_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert {r.name for r in graph.resources if r.type.startswith("random:")} == XKS_CREDENTIAL


def test_every_stateful_resource_is_protected(graph):
    stateful = [r for r in graph.resources if r.type in STATEFUL]
    assert len(stateful) >= 25
    assert not [r.name for r in stateful if not r.protect]
    (db,) = graph.by_type("aws:rds/instance:Instance")
    assert db.inputs["deletionProtection"] is True


def test_every_taggable_resource_carries_the_mandatory_tags(graph):
    mandatory = {"classification", "controller", "system", "pia-reference"}
    missing = [
        r.name for r in _custom(graph) if "tags" in r.inputs and not mandatory <= set(r.inputs["tags"])
    ]
    assert not missing
    assert {r.inputs["tags"]["system"] for r in _custom(graph) if "tags" in r.inputs} == {"e-loket"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("dosis-eloket:accountId", "12345", "dosis-eloket:accountId: expected 12 digits"),
        (
            "dosis-eloket:certificateArn",
            "arn:aws:acm:us-east-1:111122223333:certificate/x",
            "dosis-eloket:certificateArn: certificate must live in eu-west-1",
        ),
        ("dosis-eloket:vpcCidr", "not-a-cidr", "dosis-eloket:vpcCidr: expected a private IPv4 CIDR"),
        ("dosis-eloket:vpcCidr", "8.8.0.0/16", "dosis-eloket:vpcCidr: expected a private IPv4 CIDR"),
        ("dosis-eloket:vpcCidr", "10.20.0.0/26", "dosis-eloket:vpcCidr: expected a private IPv4 CIDR"),
        ("dosis-eloket:cacheNodes", "three", "dosis-eloket:cacheNodes: expected a whole number"),
        ("dosis-eloket:vpcCdir", "10.0.0.0/16", "dosis-eloket:vpcCdir: unknown key"),
    ],
)
def test_bad_config_names_file_and_key(key, value, message):
    with pytest.raises(Exception) as info:
        _record(**{key: value})
    assert "stacks/Pulumi.portal-prod.yaml: " in str(info.value)
    assert message in str(info.value)


def test_nested_inputs_use_only_known_property_names(graph):
    """The SDK turns known snake_case keys of nested inputs into camelCase; a leftover underscore is a typo
    that pulumi-aws would reject (or silently ignore) at deploy time."""
    leftovers = [
        f"{r.name}{path}"
        for r in graph.resources
        for path, node in _walk(r.inputs)
        # tags and a function's environment are maps whose keys the program names (SECRETS_MANAGER_ENDPOINT)
        if not path.endswith((".tags", ".environment.variables")) and any("_" in k for k in node)
    ]
    assert not leftovers


def test_only_the_load_balancer_is_open_to_the_internet(graph):
    world = "0.0.0.0/0"
    for sg in graph.by_type("aws:ec2/securityGroup:SecurityGroup"):
        assert not any(world in e.get("cidrBlocks", []) for e in sg.inputs.get("egress", [])), sg.name
        open_ports = {i["fromPort"] for i in sg.inputs.get("ingress", []) if world in i.get("cidrBlocks", [])}
        assert open_ports <= ({80, 443} if sg.name == "eloket-alb" else set()), sg.name
    for rule in graph.by_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"):
        assert rule.inputs.get("cidrIpv4") != world, rule.name
    assert len(graph.by_type("aws:ec2/eip:Eip")) == 3  # the NAT gateways' addresses, no inbound use
    lbs = graph.by_type("aws:lb/loadBalancer:LoadBalancer")
    assert [lb.inputs["internal"] for lb in lbs] == [False]


def test_the_policy_packs_do_not_block_the_stack(graph):
    """The whole stack passes every CrossGuard pack of the project (the gate's in-process mode)."""
    from gate.policyhost import discover_packs, evaluate

    config = yaml.safe_load((PROJECT / "stacks" / "Pulumi.portal-prod.yaml").read_text())["config"]
    report = evaluate(
        graph.to_checkpoint(),
        stack="portal-prod",
        project="dosis-eloket",
        stack_config=config,
        packs=discover_packs(PROJECT / "policies"),
        # the project's pack configs, as `gate preview --policy-pack-config` passes them
        pack_config={
            name: json.loads((PROJECT / "policies" / "config" / f"{name}.json").read_text())
            for name in ("eu-residency", "pia-conditions")
            if (PROJECT / "policies" / "config" / f"{name}.json").exists()
        },
    )
    assert report.policies, "no policy evaluated"
    assert not report.blocked, [f"{v.policy}: {v.message}" for v in report.violations if v.blocking]
