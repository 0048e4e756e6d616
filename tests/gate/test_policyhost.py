"""The policy host judges a checkpoint with the CLI's semantics, in-process and over real gRPC alike."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from gate.errors import UsageError
from gate.policyhost import discover_packs, evaluate, load_pack_config, require_pack_dir

PACKS = Path(__file__).parent / "packs"
FIXTURE_PACK = PACKS / "fixture_pack"
UNKNOWN_BOOL = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "AAAA"}
P = "urn:pulumi:test::proj::"
STACK_CONFIG = {"aws:region": "eu-west-1", "proj:system": "dosis"}


def _res(type_: str, name: str, inputs: dict, *, provider: str = "", parent: str = "", deps=(), custom=True,
         protect=False) -> dict:
    urn = f"{P}{type_}::{name}"
    return {"urn": urn, "custom": custom, "id": f"{name}-id", "type": type_, "inputs": inputs,
            "outputs": dict(inputs), "parent": parent, "provider": provider, "dependencies": list(deps),
            "propertyDependencies": {}, "protect": protect}


def fixture_state() -> dict:
    stack = _res("pulumi:pulumi:Stack", "proj-test", {}, custom=False)
    aws_default = _res("pulumi:providers:aws", "default_7_0_0", {"region": "eu-west-1"}, parent=stack["urn"])
    aws_us = _res("pulumi:providers:aws", "us", {"region": "us-east-1"}, parent=stack["urn"])
    azure = _res("pulumi:providers:azure-native", "default_3_0_0", {"location": "westeurope"})
    ref = lambda p: f"{p['urn']}::{p['id']}"  # noqa: E731
    key = _res("aws:kms/key:Key", "key", {"enableKeyRotation": True}, provider=ref(aws_default))
    data = _res("aws:s3/bucket:Bucket", "data",
                {"tags": {"classification": "x"}, "versioning": {"enabled": True}},
                provider=ref(aws_default), deps=[key["urn"]], protect=True)
    logs = _res("aws:s3/bucket:Bucket", "logs",
                {"tags": {}, "versioning": {"enabled": UNKNOWN_BOOL}, "password": SECRET},
                provider=ref(aws_us))
    legacy = _res("aws:s3/bucket:Bucket", "legacy",
                  {"tags": {"classification": "x"}, "versioning": {"enabled": False}, "retentionDays": 7},
                  provider=ref(aws_default))
    queue = _res("aws:sqs/queue:Queue", "q", {"name": "q"}, provider=ref(aws_default))
    account = _res("azure-native:storage:StorageAccount", "sa", {"location": "West Europe"},
                   provider=ref(azure))
    resources = [stack, aws_default, aws_us, azure, key, data, logs, legacy, queue, account]
    return {"version": 3, "deployment": {"manifest": {}, "resources": resources}}


def run(mode: str = "inprocess", pack_config: dict | None = None, state: dict | None = None):
    return evaluate(fixture_state() if state is None else state, stack="test", project="proj",
                    stack_config=STACK_CONFIG, packs=[FIXTURE_PACK], pack_config=pack_config, mode=mode)


def found(report) -> set[tuple[str, str, str]]:
    return {(v.policy, v.level, v.urn.rsplit("::", 1)[-1]) for v in report.violations}


def test_inprocess_applies_cli_semantics():
    report = run()
    assert found(report) == {
        ("require-tag", "mandatory", "logs"),
        ("eu-region", "mandatory", "logs"),
        ("versioning-known", "advisory", "logs"),
        ("waivable", "advisory", "legacy"),
        ("crashes", "mandatory", "q"),
        ("protected", "advisory", "logs"),
        ("protected", "advisory", "legacy"),
        ("stack-has-key", "mandatory", "logs"),
        ("stack-has-key", "mandatory", "legacy"),
        ("environment", "advisory", "proj-test"),
        ("queue-encrypted", "mandatory", "q"),  # an async validate is awaited
    }
    assert report.blocked
    by = {(v.policy, v.urn.rsplit("::", 1)[-1]): v for v in report.violations}
    # Message = policy description + newline + violation message; the resource's own URN and type.
    tag = by[("require-tag", "logs")]
    assert tag.message == "Buckets carry the configured tag.\nmissing tag 'classification'"
    assert (tag.type, tag.severity, tag.pack) == ("aws:s3/bucket:Bucket", "high", "fixture-pack")
    # The provider resource (explicit, from the state) reaches args.provider.
    assert "region us-east-1 is outside the EU (provider us)" in by[("eu-region", "logs")].message
    # Unknown values: the servicer's advisory note, not a pass and not a crash.
    assert by[("versioning-known", "logs")].message == (
        "can't run policy 'versioning-known' from policy pack 'fixture-pack@v0.0.1' during preview: "
        "boolean value at .versioning.enabled can't be known during preview")
    # A raising policy fails closed, naming the policy and the error.
    crash = by[("crashes", "q")]
    assert crash.blocking and "policy 'crashes' failed" in crash.message and "boom on queue" in crash.message
    # Waived findings carry the parsed waiver and do not block.
    waived = by[("waivable", "legacy")]
    assert waived.waiver == {"rule": "bucket-is-legacy", "resource": waived.urn,
                             "reason": "legacy bucket kept", "owner": "team-a", "expires": "2099-12-31"}
    assert not waived.blocking
    # Stack policies: the URN they report, the type looked up in the state.
    assert by[("stack-has-key", "legacy")].type == "aws:s3/bucket:Bucket"
    # The CLI's environment: stack config via pulumi.Config, project/stack settings, PULUMI_DRY_RUN.
    assert by[("environment", "proj-test")].message.endswith(
        "stack test of proj, aws:region eu-west-1, dry run true")


def test_policy_runs_count_checks_and_disabled_policies_never_run():
    runs = {r.policy: r for r in run().policies}
    assert runs["never"].level == "disabled" and runs["never"].resources_checked == 0
    assert runs["require-tag"].resources_checked == 3  # resource_types fast path: the three buckets only
    assert runs["require-tag"].violations == 1
    assert runs["stack-has-key"].resources_checked == 10
    assert "never" not in {v.policy for v in run().violations}


def test_summary_counts_types_and_effective_regions():
    report = run()
    assert report.resources == 10
    assert report.resource_types["aws:s3/bucket:Bucket"] == 3
    # Own region/location input first (normalised Azure name), else the provider's.
    assert report.regions == {"eu-west-1": 4, "us-east-1": 1, "westeurope": 1}


def test_region_is_unknown_when_neither_resource_nor_provider_has_one():
    from gate.state_view import index_state, summarize

    state = fixture_state()
    resources = state["deployment"]["resources"]
    resources[1]["inputs"] = {}  # the default aws provider without a region
    resources[8]["inputs"]["region"] = "eu-north-1"  # the queue's own region wins over its provider's
    _, regions = summarize(index_state(state))
    assert regions == {"eu-north-1": 1, "unknown": 3, "us-east-1": 1, "westeurope": 1}


def test_config_all_downgrades_every_policy():
    report = run(pack_config={"fixture-pack": {"all": "advisory"}})
    # Only the fail-closed finding of the raising policy still blocks.
    assert {v.policy for v in report.violations if v.blocking} == {"crashes"}
    assert {v.level for v in report.violations if v.policy != "crashes"} == {"advisory"}
    # As in the CLI, "all" sets every policy's level, the pack's disabled ones included.
    assert "never" in {v.policy for v in report.violations}


def test_config_properties_and_levels_per_policy(tmp_path):
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"require-tag": {"tag": "owner", "enforcementLevel": "advisory"},
                               "eu-region": "disabled"}))
    report = run(pack_config=load_pack_config([f"fixture_pack={cfg}"]))  # matched by directory name
    tags = {(v.urn.rsplit("::", 1)[-1], v.level) for v in report.violations if v.policy == "require-tag"}
    assert tags == {("data", "advisory"), ("logs", "advisory"), ("legacy", "advisory")}
    assert "eu-region" not in {v.policy for v in report.violations}


def test_config_violating_the_schema_is_exit_2_naming_pack_and_key(tmp_path):
    cfg = tmp_path / "bad.json"
    cfg.write_text(json.dumps({"require-tag": {"tag": 5}}))
    with pytest.raises(UsageError, match=r"bad\.json: policy pack fixture-pack: require-tag\.tag: 5 is not"):
        run(pack_config=load_pack_config([f"fixture-pack={cfg}"]))


@pytest.mark.parametrize(("config", "match"), [
    ({"require-tag": {"tags": "owner"}},   # misspelt: the rule would judge with its default tag
     r"cfg\.json: policy pack fixture-pack: require-tag\.tags: not a property of the policy \(known: tag\)"),
    ({"eu-region": {"enforcementLevel": "mandatory", "strict": True}},
     r"cfg\.json: policy pack fixture-pack: eu-region\.strict: the policy takes no properties"),
])
def test_a_property_no_schema_names_is_exit_2(tmp_path, config, match):
    """Round 16 (round 15's limit): a policy property the policy's schema does not name is refused."""
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps(config))
    with pytest.raises(UsageError, match=match):
        run(pack_config=load_pack_config([f"fixture-pack={cfg}"]))


@pytest.mark.parametrize(("content", "match"), [
    ("{not json", r"bad\.json: not JSON \(line 1"),
    ('{"eu-region": "strict"}', r"bad\.json: eu-region: 'strict' is not a valid enforcement level"),
    ('{"eu-region": {"enforcementLevel": 3}}', r"bad\.json: eu-region\.enforcementLevel"),
    ('{"eu-region": 3}', r"bad\.json: eu-region: must be an enforcement level string or an object"),
    ("[1]", r"bad\.json: policy pack config must be a JSON object"),
])
def test_bad_config_files_name_the_file(tmp_path, content, match):
    cfg = tmp_path / "bad.json"
    cfg.write_text(content)
    with pytest.raises(UsageError, match=match):
        load_pack_config([f"fixture-pack={cfg}"])


def test_config_for_an_unknown_policy_without_level_is_rejected(tmp_path):
    cfg = tmp_path / "cfg.json"
    cfg.write_text('{"no-such-policy": {"x": 1}}')
    with pytest.raises(UsageError, match=r"no-such-policy: no policy of that name in pack fixture-pack"):
        run(pack_config=load_pack_config([f"fixture-pack={cfg}"]))


def test_missing_config_file_and_bad_spec():
    with pytest.raises(UsageError, match=r"nope\.json: cannot read policy pack config"):
        load_pack_config(["fixture-pack=nope.json"])
    with pytest.raises(UsageError, match="expected PACK=FILE"):
        load_pack_config(["fixture-pack"])


def test_discovery_and_pack_dirs(tmp_path):
    assert discover_packs(PACKS) == [FIXTURE_PACK]
    assert discover_packs(FIXTURE_PACK) == [FIXTURE_PACK]
    with pytest.raises(UsageError, match=r"not a policy pack \(no PulumiPolicy\.yaml\)"):
        require_pack_dir(tmp_path)
    with pytest.raises(UsageError, match="not a policy pack"):
        evaluate(fixture_state(), stack="test", project="proj", stack_config={}, packs=[tmp_path])


def test_a_pack_that_fails_to_load_is_bad_input(tmp_path):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text("import no_such_module_xyz\n")
    with pytest.raises(UsageError, match=r"__main__\.py: pack failed to load: ModuleNotFoundError"):
        evaluate(fixture_state(), stack="test", project="proj", stack_config={}, packs=[tmp_path])
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: nodejs\n")
    with pytest.raises(UsageError, match="only python packs are supported"):
        evaluate(fixture_state(), stack="test", project="proj", stack_config={}, packs=[tmp_path])


@pytest.mark.parametrize("state", [[], {"version": 3}, {"deployment": {"resources": {}}},
                                   {"deployment": {"resources": [{"urn": 1}]}}])
def test_not_a_checkpoint_is_bad_input(state):
    with pytest.raises(UsageError, match="state: "):
        run(state=state)


def test_numbers_reach_policies_as_floats_and_secrets_redacted():
    state = fixture_state()
    seen = {}

    from pulumi_policy import PolicyPack  # noqa: F401  (the pack below is captured, not served)

    pack = Path(__file__).parent / "packs" / "fixture_pack"
    report = evaluate(state, stack="test", project="proj", stack_config={}, packs=[pack])
    assert report.resources == 10
    from gate.state_view import plain

    seen = plain(state["deployment"]["resources"][7]["inputs"])
    assert seen["retentionDays"] == 7.0 and isinstance(seen["retentionDays"], float)
    assert plain(SECRET) == "[secret]"
    assert plain({"s": {**SECRET, "value": 3}}) == {"s": 3.0}


def test_pending_deletes_are_not_judged():
    state = fixture_state()
    doomed = copy.deepcopy(state["deployment"]["resources"][6])
    doomed["delete"] = True
    doomed["urn"] += "-old"
    state["deployment"]["resources"].append(doomed)
    assert run(state=state).resources == 10


@pytest.mark.slow
def test_grpc_mode_gives_identical_verdicts():
    """The real Analyzer protocol against a pack subprocess, exactly as the CLI launches it."""
    cfg = {"fixture-pack": {"require-tag": {"tag": "classification"}, "protected": "mandatory"}}
    inproc = run("inprocess", cfg)
    grpc = run("grpc", cfg)

    def key(v):  # the detail of a raised error differs only in how the error is rendered
        message = v.message.split("failed, so the resource")[0] if v.policy == "crashes" else v.message
        return (v.pack, v.policy, v.level, v.severity, v.urn, v.type, message, json.dumps(v.waiver))

    assert [key(v) for v in grpc.violations] == [key(v) for v in inproc.violations]
    assert grpc.blocked == inproc.blocked is True
    crash = next(v for v in grpc.violations if v.policy == "crashes")
    assert "boom on queue" in crash.message
    assert [(r.policy, r.level, r.violations) for r in grpc.policies] == \
        [(r.policy, r.level, r.violations) for r in inproc.policies]


INITIAL_CONFIG_PACK = '''
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy


def sees_inputs(args, report_violation):
    if args.resource_type == "aws:s3/bucket:Bucket":
        report_violation(f"arn in inputs: {'arn' in args.props}, limit {args.get_config().get('limit')}")


def sees_outputs(args, report_violation):
    for r in args.resources:
        if r.resource_type == "aws:s3/bucket:Bucket":
            report_violation(f"arn {r.props.get('arn')}", r.urn)


PolicyPack(name="io-pack", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    ResourceValidationPolicy(name="inputs", description="Resource policies judge inputs.",
                             validate=sees_inputs),
    ResourceValidationPolicy(name="leveled", description="Keeps its level.", validate=sees_inputs),
    StackValidationPolicy(name="outputs", description="Stack policies judge outputs.", validate=sees_outputs),
], initial_config={"inputs": {"limit": 3},
                   "leveled": {"limit": 4, "enforcementLevel": EnforcementLevel.MANDATORY}})
'''


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["inprocess", "grpc"])
def test_inputs_outputs_and_the_initial_config_quirk(tmp_path, mode):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text(INITIAL_CONFIG_PACK)
    state = fixture_state()
    data = state["deployment"]["resources"][5]
    data["outputs"] = {**data["inputs"], "arn": "arn:aws:s3:::data"}
    state["deployment"]["resources"] = state["deployment"]["resources"][:6]
    report = evaluate(state, stack="test", project="proj", stack_config={}, packs=[tmp_path], mode=mode)
    got = [(v.policy, v.level, v.message.split("\n")[1]) for v in report.violations]
    assert got == [
        # initial_config without enforcementLevel reaches the CLI as ADVISORY (proto zero value).
        ("inputs", "advisory", "arn in inputs: False, limit 3.0"),
        ("leveled", "mandatory", "arn in inputs: False, limit 4.0"),
        ("outputs", "mandatory", "arn arn:aws:s3:::data"),
    ]


REAL_PACKS = [Path(__file__).parents[2] / "policies" / name for name in ("eu_residency", "pia_conditions")]


@pytest.mark.slow
@pytest.mark.skipif(not all((p / "PulumiPolicy.yaml").is_file() for p in REAL_PACKS),
                    reason="the project's packs are not there yet")
def test_real_packs_give_identical_verdicts_in_both_modes():
    def judge(mode: str):
        report = evaluate(fixture_state(), stack="test", project="dosis-eloket", stack_config=STACK_CONFIG,
                          packs=REAL_PACKS, mode=mode)
        found = [(v.pack, v.policy, v.level, v.urn, v.type, v.message, v.waiver) for v in report.violations]
        return report, found

    inproc, got_inproc = judge("inprocess")
    grpc, got_grpc = judge("grpc")
    assert got_grpc == got_inproc
    assert grpc.blocked == inproc.blocked
    assert {r.pack for r in inproc.policies} == {"eu-residency", "pia-conditions"}
