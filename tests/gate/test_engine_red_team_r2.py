"""Engine red team, round 2 (docs/gate-red-team.md): each closure has a test that fails without it.

Code a program leaves for later (gate.deferred), what a checkpoint says about itself (gate.checkpoint_refs)
and shard outputs that are not one run (gate.shard_seal).
"""

from __future__ import annotations

import asyncio
import atexit
import copy
import json
import signal
import threading
import weakref
from pathlib import Path

import pulumi_aws as aws
import pytest
from gate.checkpoint_schema import validate_checkpoint
from gate.errors import GateError, ProgramError
from gate.recording import record_callable
from gate.shard_seal import check_shards, program_digest, write_seals

EU = {"aws:region": "eu-west-1"}


def _regions(graph) -> list[tuple[str, str | None]]:
    return sorted((r.name, r.inputs.get("region")) for r in graph.by_type("aws:s3/bucket:Bucket"))


def test_exit_time_code_runs_inside_the_recording():
    class Janitor:
        def __del__(self):
            aws.s3.Bucket("del", region="us-east-1")

    class Marker:
        pass

    mark = Marker()

    def program():
        atexit.register(lambda: aws.s3.Bucket("atexit", region="us-east-1"))
        weakref.finalize(mark, lambda: aws.s3.Bucket("finalize", region="us-east-1"))
        cycle = [Janitor()]
        cycle.append(cycle)

    assert _regions(record_callable(program, config=EU)) == [
        ("atexit", "us-east-1"), ("del", "us-east-1"), ("finalize", "us-east-1")]


def test_a_daemon_thread_left_running_fails_the_recording():
    stop = threading.Event()

    def program():
        threading.Thread(target=stop.wait, daemon=True).start()

    try:
        with pytest.raises(ProgramError, match=r"^a daemon thread the program started \(Event.wait at "
                                               r"threading.py:\d+\) is still running when the program ends; "
                                               "what it does while a real deploy is still running cannot be "
                                               "recorded: join it first$"):
            record_callable(program, config=EU)
    finally:
        stop.set()


def test_an_asyncio_task_never_awaited_fails_the_recording():
    async def later():
        await asyncio.sleep(30)

    def program():
        program.task = asyncio.ensure_future(later())

    want = (r"an asyncio task the program started \(test_an_asyncio_task_never_awaited_fails_the_recording"
            r".<locals>.later at test_engine_red_team_r2.py:\d+\) was never awaited and is still pending")
    with pytest.raises(ProgramError, match=want):
        record_callable(program, config=EU)


def test_a_timer_on_the_event_loop_fails_the_recording():
    def later():
        aws.s3.Bucket("late", region="us-east-1")

    def program():
        asyncio.get_event_loop().call_later(30, later)

    with pytest.raises(ProgramError, match=r"the program scheduled test_a_timer_on_the_event_loop_fails_the_"
                                           r"recording.<locals>.later at .* \(call_later/call_at\)"):
        record_callable(program, config=EU)


def test_a_signal_handler_or_an_armed_alarm_fails_the_recording():
    def handler(*_):
        return None

    before = signal.getsignal(signal.SIGUSR1)
    try:
        with pytest.raises(ProgramError, match=r"^the program installs a handler for signal SIGUSR1 "
                                               r"\(test_a_signal_handler.*<locals>.handler at .*\); what it "
                                               "does when the signal comes cannot be recorded: remove it$"):
            record_callable(lambda: signal.signal(signal.SIGUSR1, handler), config=EU)
    finally:
        signal.signal(signal.SIGUSR1, before)
    previous = signal.signal(signal.SIGALRM, signal.SIG_IGN)
    try:
        with pytest.raises(ProgramError, match=r"^the program armed a timer signal \(signal.alarm/"):
            record_callable(lambda: signal.alarm(60), config=EU)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _state() -> dict:
    prov = "urn:pulumi:s::p::pulumi:providers:aws::default"
    return {"version": 3, "deployment": {"resources": [
        {"urn": "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", "custom": False, "type": "pulumi:pulumi:Stack"},
        {"urn": prov, "custom": True, "id": "new", "type": "pulumi:providers:aws",
         "inputs": {"region": "eu-west-1"}},
        {"urn": "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", "custom": True, "id": "b",
         "type": "aws:s3/bucket:Bucket", "provider": f"{prov}::new"},
    ]}}


def test_a_judgeable_checkpoint_passes():
    state = _state()
    old = copy.deepcopy(state["deployment"]["resources"][1])
    state["deployment"]["resources"].append({**old, "id": "old", "delete": True})
    state["deployment"]["resources"].append({"urn": "urn:pulumi:s::p::acme:index:Site::site", "custom": False,
                                             "type": "acme:index:Site"})
    validate_checkpoint(state, "s.json")


def test_pending_operations_are_bad_input():
    state = _state()
    bucket = state["deployment"]["resources"].pop()
    state["deployment"]["pending_operations"] = [{"resource": bucket, "type": "creating"}]
    with pytest.raises(GateError, match=r"^s.json: deployment.pending_operations: 1 operation\(s\) of an "
                                        r"interrupted update \(creating urn:pulumi:s::p::aws:s3/bucket:"
                                        r"Bucket::b\)"
                                        ": what exists in the cloud is not in the resources; resolve them"):
        validate_checkpoint(state, "s.json")


@pytest.mark.parametrize(("ref", "why"), [
    ("urn:pulumi:s::p::pulumi:providers:aws::ghost::x", "names no live provider resource of this state"),
    ("urn:pulumi:s::p::pulumi:providers:aws::default::old",
     "names provider id 'old', but the live provider of that URN has id 'new'"),
])
def test_a_provider_reference_must_name_a_live_provider(ref, why):
    state = _state()
    state["deployment"]["resources"][2]["provider"] = ref
    where = "^s.json: urn:pulumi:s::p::aws:s3/bucket:Bucket::b: provider: "
    with pytest.raises(GateError, match=f"{where}.*{why}"):
        validate_checkpoint(state, "s.json")


@pytest.mark.parametrize("typ", ["aws:s3/bucket:Bucket", "aws:index:Thing"])
def test_a_provider_type_posing_as_a_component_is_bad_input(typ):
    state = _state()
    state["deployment"]["resources"].append({"urn": f"urn:pulumi:s::p::{typ}::x", "custom": False,
                                             "type": typ, "inputs": {"region": "us-east-1"}})
    with pytest.raises(GateError, match=r": custom: the resource claims not to be custom \(a component\) but "
                                        f"its type '{typ}' is a provider's resource type"):
        validate_checkpoint(state, "s.json")


def _shards(tmp_path: Path) -> dict[str, Path]:
    program = tmp_path / "program"
    program.mkdir()
    (program / "__main__.py").write_text("import pulumi\n")
    digest = program_digest(program)
    found = {}
    for k, stack in ((1, "a"), (2, "b")):
        d = tmp_path / f"s{k}"
        d.mkdir()
        (d / f"{stack}.report.json").write_text(json.dumps({"stack": stack, "blocked": stack == "b"}))
        (d / f"{stack}.state.json").write_text("{}")
        write_seals(d, [stack], shard=f"{k}/2", level=None, plan=["a", "b"], program=digest, judge="d" * 64)
        found[stack] = d / f"{stack}.report.json"
    return found


def test_merged_shards_must_be_unchanged_complete_and_of_one_program(tmp_path):
    found = _shards(tmp_path)
    check_shards(found)
    missing = (r"^stack\(s\) b of the project are in no shard given \(1 of 2 stacks; a shard missing\): "
               r"merge every shard's output of every level$")
    with pytest.raises(GateError, match=missing):
        check_shards({"a": found["a"]})
    seal = tmp_path / "s2" / "b.shard.json"
    data = json.loads(seal.read_text())
    seal.write_text(json.dumps({**data, "program": "0" * 64}))
    with pytest.raises(GateError, match=r"b.report.json: shard 2/2 judged another program than stack a's "
                                        r"shard 1/2 \(different commits or projects\)"):
        check_shards(found)
    seal.write_text(json.dumps(data))
    found["b"].write_text(json.dumps({"stack": "b", "blocked": False}))
    with pytest.raises(GateError, match=r"b.report.json: stack b's report, state or update graph does not "
                                        r"match its shard seal \(b.shard.json\): edited after the shard ran"):
        check_shards(found)
    seal.unlink()
    with pytest.raises(GateError, match=r"b.report.json: no readable b.shard.json beside it"):
        check_shards(found)


def test_encrypted_leaves_of_structured_config_are_secret_placeholders():
    from gate.stack_config import normalize_config

    flat, secret = normalize_config("p", {"sites": [{"region": {"secure": "v1:abc"}, "name": "a"}],
                                          "plain": {"secure": "v1:abc", "other": 1}})
    assert json.loads(flat["p:sites"]) == [{"region": "[secret]", "name": "a"}]
    assert secret == ["p:sites"] and json.loads(flat["p:plain"]) == {"secure": "v1:abc", "other": 1}


def test_a_provider_input_the_sdk_takes_from_the_environment_is_a_placeholder_when_deployed(monkeypatch):
    import pulumi
    from gate import driver
    from gate.recorder import Recorder

    real_init = Recorder.__init__

    def as_update(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        self.dry_run = False

    def program():
        aws.s3.Bucket("b", opts=pulumi.ResourceOptions(provider=aws.Provider("p")))

    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setattr(Recorder, "__init__", as_update)
    graph = driver.record_callable(program, config=EU)
    (provider,) = graph.by_type("pulumi:providers:aws")
    assert provider.inputs["region"] == "$AWS_REGION"
    (read,) = [r for r in graph.env_reads if r["name"] == "AWS_REGION"]
    assert "test_engine_red_team_r2.py:" in read["site"] and read["reached"] == [provider.urn]
