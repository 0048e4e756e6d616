"""Property: on any state the gate accepts, both policy modes give the same verdicts and counts; any
state it refuses is refused before a policy runs (exit 2), never judged differently per mode."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from gate.checkpoint_schema import validate_checkpoint
from gate.deadlines import Deadlines
from gate.errors import GateError
from gate.policyhost import evaluate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow
P = "urn:pulumi:test::proj::"

PACK = '''
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy

def walk(v, depth=0):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from walk(x, depth + 1)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x, depth + 1)
    else:
        yield v, depth

def strings(args, report):
    if any(isinstance(v, str) and "x" in v for v, _ in walk(args.props)):
        report("an x")

def numbers(args, report):
    for v, _ in walk(args.props):
        if isinstance(v, float) and abs(v) > 1e6:
            report("big number " + repr(v))

def deep(args, report):
    if any(d > 6 for _, d in walk(args.props)):
        report("deep")

def picky(args, report):
    if args.props.get("k") is None:
        raise ValueError("no k")

def stack(args, report):
    for r in args.resources:
        if len(r.props) > 3:
            report("wide", r.urn)

policies = [ResourceValidationPolicy(name=n, description=n, validate=f)
            for n, f in (("strings", strings), ("numbers", numbers), ("deep", deep), ("picky", picky))]
PolicyPack(name="parity", enforcement_level=EnforcementLevel.MANDATORY,
           policies=policies + [StackValidationPolicy(name="wide", description="wide", validate=stack)])
'''

scalars = (st.none() | st.booleans() | st.text(max_size=8)
           | st.integers(min_value=-(2**64), max_value=2**64)
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.sampled_from([2**53 + 1, 2**63, -(2**63), 1e308, -0.0, 5e-324, "\u0000", "é", "x"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=20)
deep_values = st.integers(min_value=1, max_value=90).map(lambda n: _nest(n))


def _nest(n: int) -> dict:
    v: object = "x"
    for i in range(n):
        v = {"k": v} if i % 2 else [v]
    return {"k": v}


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("parity") / "parity"
    d.mkdir()
    (d / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (d / "__main__.py").write_text(textwrap.dedent(PACK))
    return d


def _state(inputs: list) -> dict:
    res = [{"urn": f"{P}pulumi:pulumi:Stack::proj-test", "type": "pulumi:pulumi:Stack", "custom": False}]
    res += [{"urn": f"{P}aws:s3/bucket:Bucket::r{i}", "type": "aws:s3/bucket:Bucket", "custom": True,
             "inputs": v} for i, v in enumerate(inputs)]
    return {"version": 3, "deployment": {"resources": res}}


def _summary(report) -> tuple:
    return (report.blocked, [(v.policy, v.level, v.urn) for v in report.violations],
            [(r.policy, r.level, r.resources_checked, r.violations) for r in report.policies])


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.dictionaries(st.text(max_size=4), values, max_size=4) | deep_values,
                min_size=1, max_size=4))
def test_both_modes_agree_on_hostile_states(pack: Path, inputs: list) -> None:
    state = _state(inputs)
    try:
        validate_checkpoint(state, "state")
    except GateError:
        return   # refused up front (exit 2): no mode judges it
    deadlines = Deadlines(policy=5.0)
    got = [_summary(evaluate(state, stack="test", project="proj", packs=[pack], mode=mode,
                             deadlines=deadlines)) for mode in ("inprocess", "grpc")]
    assert got[0] == got[1]
