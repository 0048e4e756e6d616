"""The recording half of the offline engine: what record_callable / record_program capture."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest
from gate.errors import GateError, ProgramError
from gate.graph import canonical_order
from gate.recording import (
    REDACTED,
    SECRET_SIG,
    SIG_KEY,
    STACK_TYPE,
    UNKNOWN,
    Graph,
    is_secret,
    record_callable,
    record_program,
    redact,
    secret,
)
from hypothesis import given, settings
from hypothesis import strategies as st

PLAINTEXT = "fixture-plaintext-secret-3141"


@pytest.fixture(scope="module")
def base(gate_programs) -> Graph:
    return record_program(gate_programs / "multi", "base")


def one(graph: Graph, typ: str, name: str):
    found = [r for r in graph.by_type(typ) if r.name == name]
    assert len(found) == 1, [r.urn for r in graph.by_type(typ)]
    return found[0]


def test_default_provider_is_synthesized_from_stack_config(base):
    key = one(base, "aws:kms/key:Key", "key")
    provider = base.effective_provider(key)
    assert provider is not None
    assert provider.type == "pulumi:providers:aws"
    assert provider.name == "default_" + provider.inputs["version"].replace(".", "_")
    assert provider.inputs["region"] == "eu-west-1"
    assert key.provider_ref == f"{provider.urn}::{provider.id}"
    assert base.region(key) == "eu-west-1"
    # one default provider per package and version, registered before its first user
    defaults = [r for r in base.by_type("pulumi:providers:aws") if r.name.startswith("default")]
    assert defaults == [provider]
    assert base.resources.index(provider) < base.resources.index(key)


def test_explicit_providers_in_other_regions(base):
    topic = one(base, "aws:sns/topic:Topic", "topic-us")
    bucket = one(base, "aws:s3/bucket:Bucket", "bucket-fra")
    assert base.effective_provider(topic).name == "use1"
    assert base.effective_provider(topic).inputs["region"] == "us-east-1"
    assert base.region(topic) == "us-east-1"
    assert base.region(bucket) == "eu-central-1"
    assert topic.outputs["arn"] == f"arn:aws:sns:us-east-1:123456789012:{topic.outputs['name']}"


def test_providers_of_other_packages_get_defaults_too(base):
    psk = one(base, "random:index/randomPassword:RandomPassword", "psk")
    assert base.effective_provider(psk).type == "pulumi:providers:random"


def test_mock_outputs_are_plausible_and_wired(base):
    key = one(base, "aws:kms/key:Key", "key")
    vpc = one(base, "aws:ec2/vpc:Vpc", "net-vpc")
    policy = json.loads(one(base, "aws:s3/bucketPolicy:BucketPolicy", "bucket-policy").inputs["policy"])
    assert key.outputs["arn"] == f"arn:aws:kms:eu-west-1:123456789012:key/{key.id}"
    assert vpc.id.startswith("vpc-")
    assert policy["Statement"][0]["Condition"]["k"] == key.outputs["arn"]
    assert policy["Statement"][0]["Resource"].startswith("arn:aws:s3:::bucket-")


def test_parent_urn_and_component_children(base):
    net = one(base, "fixture:net:Network", "net")
    vpc = one(base, "aws:ec2/vpc:Vpc", "net-vpc")
    stack = base.stack_resource
    assert stack.urn == "urn:pulumi:base::fixture::pulumi:pulumi:Stack::fixture-base"
    assert net.urn == "urn:pulumi:base::fixture::fixture:net:Network::net"   # no Stack$ in the type chain
    assert net.parent == stack.urn and not net.custom and not net.provider_ref
    assert vpc.urn == "urn:pulumi:base::fixture::fixture:net:Network$aws:ec2/vpc:Vpc::net-vpc"
    assert vpc.parent == net.urn
    assert net.outputs == {"vpcId": vpc.id}


def test_dependencies_and_property_dependencies(base):
    bucket = one(base, "aws:s3/bucket:Bucket", "bucket")
    key = one(base, "aws:kms/key:Key", "key")
    policy = one(base, "aws:s3/bucketPolicy:BucketPolicy", "bucket-policy")
    assert policy.property_dependencies["bucket"] == [bucket.urn]
    assert set(policy.property_dependencies["policy"]) == {bucket.urn, key.urn}
    assert set(policy.dependencies) == {bucket.urn, key.urn}


def test_protect_is_recorded(base):
    assert one(base, "aws:kms/key:Key", "key").protect
    assert not one(base, "aws:s3/bucket:Bucket", "bucket").protect


def test_unknowns_stay_unknown(base):
    param = one(base, "aws:ssm/parameter:Parameter", "psk")
    assert param.inputs["value"] == {SIG_KEY: SECRET_SIG, "value": UNKNOWN}   # RandomPassword.result
    assert base.outputs["pskValue"] == UNKNOWN


def test_secrets_are_recorded_as_secret_and_redacted_in_checkpoints(base):
    token = one(base, "aws:ssm/parameter:Parameter", "token")
    assert token.inputs["value"] == secret(PLAINTEXT)      # in memory: the value, marked secret
    assert is_secret(base.outputs["token"])
    db = one(base, "aws:ssm/parameter:Parameter", "db-password")
    assert db.inputs["value"] == secret(REDACTED)        # `secure:` config cannot be decrypted offline
    text = json.dumps(base.to_checkpoint())
    assert PLAINTEXT not in text
    assert json.loads(text)["deployment"]["resources"][0]["outputs"]["token"] == secret(REDACTED)


def test_checkpoint_has_the_stack_export_shape(base):
    cp = base.to_checkpoint()
    assert cp["version"] == 3
    resources = cp["deployment"]["resources"]
    assert resources[0]["type"] == STACK_TYPE
    for r in resources:
        assert {"urn", "custom", "type", "inputs", "outputs", "dependencies", "propertyDependencies",
                "protect"} <= set(r)
        if r["custom"]:
            assert r["id"]
        if r["custom"] and not r["type"].startswith("pulumi:providers:"):
            urn, _, pid = r["provider"].rpartition("::")
            assert any(p["urn"] == urn and p["id"] == pid for p in resources)
    again = Graph.from_checkpoint(json.loads(json.dumps(cp)))
    assert again.stack == "base" and again.project == "fixture"
    assert [r.urn for r in again.resources] == [r.urn for r in canonical_order(base.resources)]
    assert again.region(one(again, "aws:sns/topic:Topic", "topic-us")) == "us-east-1"


def test_a_checkpoint_lists_resources_in_one_order_whatever_the_registration_order(base):
    """Each resource after what it needs, the stack first, ties by URN: the same program gives the same
    checkpoint bytes though the SDK registers from executor threads in varying order."""
    import random

    expected = base.to_checkpoint()["deployment"]["resources"]
    for seed in range(5):
        shuffled = list(base.resources)
        random.Random(seed).shuffle(shuffled)
        graph = Graph(project=base.project, stack=base.stack, resources=shuffled)
        assert graph.to_checkpoint()["deployment"]["resources"] == expected
    position = {r["urn"]: i for i, r in enumerate(expected)}
    assert expected[0]["type"] == STACK_TYPE
    for i, r in enumerate(expected):
        needs = [r.get("parent"), r.get("provider", "").rpartition("::")[0], *r["dependencies"],
                 *(u for v in r["propertyDependencies"].values() for u in v)]
        assert all(position[u] < i for u in needs if u), r["urn"]


def test_stack_reference_resolved_from_given_outputs(gate_programs, base):
    outputs = json.loads(json.dumps(base.to_checkpoint()))["deployment"]["resources"][0]["outputs"]
    consumer = record_program(gate_programs / "multi", "consumer", stack_outputs={"base": outputs})
    subnet = one(consumer, "aws:ec2/subnet:Subnet", "subnet")
    assert subnet.inputs["vpcId"] == one(base, "aws:ec2/vpc:Vpc", "net-vpc").id
    assert consumer.outputs["fromBase"] == subnet.inputs["vpcId"]
    ref = one(consumer, "pulumi:pulumi:StackReference", "organization/fixture/base")
    assert ref.external and ref.inputs == {"name": "organization/fixture/base"}
    assert consumer.stack_references == {"organization/fixture/base": True,
                                         "organization/fixture/does-not-exist": False}


def test_unresolvable_stack_reference_gives_unknowns_not_a_crash(gate_programs):
    consumer = record_program(gate_programs / "multi", "consumer")
    assert one(consumer, "aws:ec2/subnet:Subnet", "subnet-missing").inputs["vpcId"] == UNKNOWN
    assert consumer.outputs["fromMissing"] == UNKNOWN
    assert consumer.outputs["fromBase"] == UNKNOWN


def test_stack_reference_from_an_earlier_state_file(gate_programs, base, tmp_path):
    (tmp_path / "base.state.json").write_text(json.dumps(base.to_checkpoint()), encoding="utf-8")
    consumer = record_program(gate_programs / "multi", "consumer", state_dir=tmp_path)
    assert one(consumer, "aws:ec2/subnet:Subnet", "subnet").inputs["vpcId"].startswith("vpc-")


def test_one_unknown_output_does_not_hide_the_known_ones(gate_programs):
    consumer = record_program(gate_programs / "multi", "consumer",
                              stack_outputs={"base": {"vpcId": "vpc-1", "later": UNKNOWN,
                                                      "pskValue": UNKNOWN}})
    assert one(consumer, "aws:ec2/subnet:Subnet", "subnet").inputs["vpcId"] == "vpc-1"


def test_azure_ids_and_locations(gate_programs):
    graph = record_program(gate_programs / "multi", "azure")
    rg = one(graph, "azure-native:resources:ResourceGroup", "rg")
    vnet = one(graph, "azure-native:network:VirtualNetwork", "vnet")
    sa = one(graph, "azure-native:storage:StorageAccount", "sa")
    assert rg.id == "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fixture"
    assert vnet.id.startswith(rg.id + "/providers/Microsoft.Network/virtualNetworks/")
    assert vnet.inputs["resourceGroupName"] == "rg-fixture"
    assert graph.region(rg) == "westeurope"                 # default provider from azure-native:location
    assert graph.region(sa) == "swedencentral"              # explicit provider's location
    assert graph.effective_provider(rg).inputs["location"] == "westeurope"


def test_record_callable_runs_are_independent():
    def program():
        aws.s3.Bucket("b")
        pulumi.export("x", 1)

    first = record_callable(program, config={"aws:region": "eu-west-1"})
    second = record_callable(program, stack="other", config={"aws:region": "eu-north-1"})
    assert len(first.resources) == len(second.resources) == 3
    assert first.region(first.by_type("aws:s3/bucket:Bucket")[0]) == "eu-west-1"
    assert second.region(second.by_type("aws:s3/bucket:Bucket")[0]) == "eu-north-1"
    assert second.stack_resource.urn == (
        "urn:pulumi:other::dosis-eloket::pulumi:pulumi:Stack::dosis-eloket-other")
    assert first.outputs == {"x": 1}


def test_record_callable_without_region_config_leaves_region_unknown():
    graph = record_callable(lambda: aws.s3.Bucket("b"))
    assert graph.region(graph.by_type("aws:s3/bucket:Bucket")[0]) is None


def test_an_existing_resource_read_with_get_is_known_by_its_id_only():
    """A real preview reads its state from the cloud; offline nothing but the id is known, so neither the
    program's hints nor the provider's region may place it (policies fail closed on the unknowns)."""

    def program():
        aws.s3.Bucket.get("partner", "partner-us-audit", bucket="partner-us-audit", region="eu-west-1")
        aws.s3.Bucket("own", bucket="own-bucket")

    graph = record_callable(program, config={"aws:region": "eu-west-1"})
    (read,) = [r for r in graph.by_type("aws:s3/bucket:Bucket") if r.name == "partner"]
    assert read.external and read.id == "partner-us-audit"
    assert read.outputs["id"] == "partner-us-audit"
    assert {k: v for k, v in read.outputs.items() if k != "id"} == dict.fromkeys(
        {*read.outputs} - {"id"}, UNKNOWN)
    assert read.outputs["region"] == UNKNOWN and read.outputs["bucket"] == UNKNOWN
    (own,) = [r for r in graph.by_type("aws:s3/bucket:Bucket") if r.name == "own"]
    assert own.outputs["bucket"] == "own-bucket" and "arn:aws:s3" in own.outputs["arn"]


def test_program_errors_become_gate_errors():
    def program():
        raise ValueError("nope")

    with pytest.raises(ProgramError, match="ValueError: nope"):
        record_callable(program)


def test_record_program_rejects_bad_stack_names(gate_programs):
    with pytest.raises(GateError, match="invalid stack name"):
        record_program(gate_programs / "multi", "../base")


def test_invokes_answer_with_plausible_values():
    def program():
        east = aws.Provider("east", region="us-east-1")
        doc = aws.iam.get_policy_document_output(statements=[{
            "effect": "Deny", "actions": ["s3:*"], "resources": ["*"],
            "principals": [{"type": "*", "identifiers": ["*"]}],
            "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
        }])
        aws.s3.BucketPolicy("p", bucket="b", policy=doc.json)
        pulumi.export("account", aws.get_caller_identity().account_id)
        pulumi.export("home", aws.get_region().region)
        pulumi.export("east", aws.get_region(opts=pulumi.InvokeOptions(provider=east)).region)

    graph = record_callable(program, config={"aws:region": "eu-west-1"})
    policy = json.loads(graph.by_type("aws:s3/bucketPolicy:BucketPolicy")[0].inputs["policy"])
    assert policy["Statement"] == [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Principal": "*",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    assert graph.outputs == {"account": "123456789012", "home": "eu-west-1", "east": "us-east-1"}


def test_resource_options_are_recorded():
    def program():
        comp = pulumi.ComponentResource("test:index:Holder", "holder")
        aws.s3.Bucket("b", opts=pulumi.ResourceOptions(
            parent=comp, ignore_changes=["tags"], retain_on_delete=True, delete_before_replace=True,
            aliases=[pulumi.Alias(name="old-b", parent=pulumi.ROOT_STACK_RESOURCE)],
            custom_timeouts=pulumi.CustomTimeouts(create="5m")))

    graph = record_callable(program, config={"aws:region": "eu-west-1"})
    bucket = graph.by_type("aws:s3/bucket:Bucket")[0]
    assert bucket.urn == "urn:pulumi:test::dosis-eloket::test:index:Holder$aws:s3/bucket:Bucket::b"
    assert bucket.ignore_changes == ["tags"] and bucket.retain_on_delete
    assert "urn:pulumi:test::dosis-eloket::aws:s3/bucket:Bucket::old-b" in bucket.aliases   # + SDK's own
    cp = bucket.to_checkpoint()
    assert cp["deleteBeforeReplace"] is True and cp["customTimeouts"] == {"create": "5m"}
    assert cp["ignoreChanges"] == ["tags"] and cp["retainOnDelete"] is True


def test_main_may_name_a_python_file(make_program):
    program = make_program("raise SystemExit('not this one')\n",
                           pulumi_yaml="name: scratch\nruntime: python\nmain: app.py\n")
    (program / "app.py").write_text("import pulumi\npulumi.export('cwd_ok', __file__.endswith('app.py'))\n")
    assert record_program(program, "dev").outputs == {"cwd_ok": True}


def test_duplicate_urns_are_a_program_error():
    def program():
        aws.s3.Bucket("same")
        aws.s3.Bucket("same")

    with pytest.raises(ProgramError, match="duplicate resource URN"):
        record_callable(program, config={"aws:region": "eu-west-1"})


def test_input_echo_that_does_not_fit_the_output_type_becomes_unknown():
    import pulumi_azure_native as azure_native

    def program():
        server = azure_native.sql.Server("s", resource_group_name="rg", minimal_tls_version="1.2", identity={
            "type": "UserAssigned", "user_assigned_identities": ["/subscriptions/x/id1"]})
        pulumi.export("identity", server.identity)   # list in, map of objects out
        pulumi.export("tls", server.minimal_tls_version)
        pulumi.export("location", server.location)

    graph = record_callable(program, config={"azure-native:location": "westeurope"})
    assert graph.outputs == {"identity": UNKNOWN, "tls": "1.2", "location": "westeurope"}
    assert graph.by_type("azure-native:sql:Server")[0].inputs["identity"]["userAssignedIdentities"] == [
        "/subscriptions/x/id1"]


def test_aws_per_resource_region_overrides_the_provider():
    graph = record_callable(lambda: aws.sns.Topic("t", region="eu-north-1"),
                            config={"aws:region": "eu-west-1"})
    topic = graph.by_type("aws:sns/topic:Topic")[0]
    assert graph.region(topic) == "eu-north-1"
    assert topic.outputs["arn"].startswith("arn:aws:sns:eu-north-1:123456789012:")


def test_program_warnings_are_kept_and_logged_errors_fail_the_preview():
    graph = record_callable(lambda: pulumi.log.warn("heads up"))
    assert graph.diagnostics == [{"severity": "warning", "message": "heads up", "urn": ""}]

    def program():
        pulumi.log.error("location differs")
        pulumi.log.error("second")

    with pytest.raises(ProgramError, match="program logged an error: location differs \\(and 1 more\\)"):
        record_callable(program)


def test_recording_is_deterministic(gate_programs, base):
    again = record_program(gate_programs / "multi", "base").to_checkpoint()["deployment"]["resources"]
    first = base.to_checkpoint()["deployment"]["resources"]
    key = lambda r: r["urn"]  # noqa: E731  (registration order may interleave; content must not differ)
    assert sorted(again, key=key) == sorted(first, key=key)


def test_recording_leaves_a_tests_own_mocks_in_place():
    from pulumi.runtime import settings

    class Plain(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return f"{args.name}-id", args.inputs

        def call(self, args):
            return {}

    pulumi.runtime.set_mocks(Plain(), project="p", stack="s", preview=False)
    monitor = settings.SETTINGS.monitor
    record_callable(lambda: aws.s3.Bucket("b"))
    assert settings.SETTINGS.monitor is monitor
    assert pulumi.get_stack() == "s" and not pulumi.runtime.is_dry_run()


def test_default_provider_inputs_keep_secure_config_secret():
    graph = record_callable(lambda: aws.s3.Bucket("b"), config={
        "aws:region": "eu-west-1", "aws:secretKey": {"secure": "v1:abc"}})
    provider = graph.effective_provider(graph.by_type("aws:s3/bucket:Bucket")[0])
    assert provider.inputs["secretKey"] == secret(REDACTED) and provider.inputs["region"] == "eu-west-1"


def test_program_sees_the_cli_environment(make_program):
    import os

    program = make_program(
        "import json, os, pulumi\n"
        "keys = ('PULUMI_STACK', 'PULUMI_PROJECT', 'PULUMI_DRY_RUN')\n"
        "pulumi.export('env', {k: os.environ[k] for k in keys})\n"
        "pulumi.export('size', json.loads(os.environ['PULUMI_CONFIG'])['scratch:size'])\n",
        stacks={"dev": "config:\n  size: 3\n"})
    graph = record_program(program, "dev")
    env = {"PULUMI_STACK": "dev", "PULUMI_PROJECT": "scratch", "PULUMI_DRY_RUN": "true"}
    assert graph.outputs == {"env": env, "size": "3"}
    assert "PULUMI_STACK" not in os.environ or os.environ["PULUMI_STACK"] != "dev"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@given(value=_json, path=st.lists(st.sampled_from(["a", "b", 0]), max_size=3))
@settings(max_examples=150, deadline=None)
def test_redact_removes_every_secret_value(value, path):
    needle = "s3cr3t-needle"
    wrapped: object = secret({"inner": needle, "more": [needle]})
    for step in reversed(path):
        wrapped = {step: wrapped} if isinstance(step, str) else [wrapped]
    doc = {"x": value, "y": wrapped}
    cleaned = redact(doc)
    assert needle not in json.dumps(cleaned)
    assert json.dumps(redact(value)) == json.dumps(value) or SIG_KEY in json.dumps(value)
