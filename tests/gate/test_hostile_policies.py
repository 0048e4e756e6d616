"""Policies and packs that misbehave never make the gate pass: both modes, same verdicts, same counts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from gate.deadlines import Deadlines
from gate.errors import UsageError
from gate.policyhost import evaluate

P = "urn:pulumi:test::proj::"
FAST = Deadlines(policy=1.0, pack_start=20.0, configure=20.0)

HOSTILE_PACK = '''
import os, sys, time
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy

def ok(args, report):
    if args.props.get("bad"):
        report("bad")

def raises(args, report):
    raise RuntimeError("boom")

def exits(args, report):
    sys.exit(0)

def hard_exit(args, report):
    os._exit(0)

class Odd(BaseException):
    pass

def base_exc(args, report):
    raise Odd("odd")

def sleeps(args, report):
    if args.name == "b":
        time.sleep(3600)

def spins(args, report):
    if args.name == "a":
        while True:
            pass

def stack_sleeps(args, report):
    time.sleep(3600)

def policy(name, fn):
    return ResourceValidationPolicy(name=name, description=name + " passes", validate=fn)

PolicyPack(name="hostile", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    policy("ok", ok), policy("raises", raises), policy("exits", exits), policy("hard-exit", hard_exit),
    policy("base-exc", base_exc), policy("sleeps", sleeps), policy("spins", spins),
    StackValidationPolicy(name="stack-sleeps", description="stack passes", validate=stack_sleeps),
])
'''


def _pack(tmp_path: Path, name: str, main: str) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (d / "__main__.py").write_text(textwrap.dedent(main))
    return d


def _state(*names: str) -> dict:
    res = [{"urn": f"{P}pulumi:pulumi:Stack::proj-test", "type": "pulumi:pulumi:Stack", "custom": False}]
    res += [{"urn": f"{P}aws:s3/bucket:Bucket::{n}", "type": "aws:s3/bucket:Bucket", "custom": True,
             "inputs": {}, "outputs": {}} for n in names]
    return {"version": 3, "deployment": {"resources": res}}


def _run(pack: Path, mode: str, state: dict | None = None):
    return evaluate(state or _state("a", "b", "c"), stack="test", project="proj", packs=[pack], mode=mode,
                    deadlines=FAST)


@pytest.mark.slow
def test_every_misbehaving_policy_is_a_mandatory_violation_in_both_modes(tmp_path: Path) -> None:
    pack = _pack(tmp_path, "hostile", HOSTILE_PACK)
    reports = {mode: _run(pack, mode) for mode in ("inprocess", "grpc")}
    for report in reports.values():
        assert report.blocked
        failed = [(v.policy, v.urn.rsplit("::", 1)[-1]) for v in report.violations if v.level == "mandatory"]
        assert [n for p, n in failed if p == "raises"] == ["proj-test", "a", "b", "c"]
        # Exits, BaseExceptions and overruns: failed once, then not run again (the finding says so).
        for policy in ("exits", "hard-exit", "base-exc", "stack-sleeps"):
            assert [p for p, _ in failed].count(policy) == 1, policy
        assert ("sleeps", "b") in failed and ("spins", "a") in failed
        assert [p for p, _ in failed].count("sleeps") == [p for p, _ in failed].count("spins") == 1
        assert not any(p == "ok" for p, _ in failed)
        deadline = next(v.message for v in report.violations if v.policy == "sleeps")
        assert "did not finish within 1 s" in deadline
    inproc, grpc = reports["inprocess"], reports["grpc"]
    assert [(v.policy, v.level, v.urn) for v in inproc.violations] == \
        [(v.policy, v.level, v.urn) for v in grpc.violations]
    assert [(r.policy, r.resources_checked, r.violations) for r in inproc.policies] == \
        [(r.policy, r.resources_checked, r.violations) for r in grpc.policies]


@pytest.mark.parametrize("mode", ["inprocess", "grpc"])
@pytest.mark.parametrize(("main", "expect"), [
    ("import time\ntime.sleep(3600)\n", "within"),
    ("raise RuntimeError('cannot load')\n", "cannot load"),
    ("import sys\nsys.exit(0)\n", ""),
    ("import os\nos._exit(0)\n", ""),
])
def test_a_pack_that_cannot_start_is_bad_input(tmp_path: Path, mode: str, main: str, expect: str) -> None:
    pack = _pack(tmp_path, "broken", main)
    deadlines = Deadlines(policy=1.0, pack_start=2.0, configure=5.0)
    with pytest.raises(UsageError) as info:
        evaluate(_state("a"), stack="test", project="proj", packs=[pack], mode=mode, deadlines=deadlines)
    assert expect in str(info.value)
    assert "seek of closed file" not in str(info.value)
