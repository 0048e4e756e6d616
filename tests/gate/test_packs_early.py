"""The packs are loaded once while the first stacks start recording (round 14, docs/gate-performance.md):
that load only imports, its result is dropped, and a pack that fails to load still fails where the stack
is judged, with its own message."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from gate.deadlines import Deadlines
from gate.errors import UsageError
from gate.judge import StackJudge
from gate.project import load_project
from gate.runner import record_stacks

GOOD = """
import early_pack_helper
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def ok(args, report):
    pass

PolicyPack(name="early", enforcement_level=EnforcementLevel.MANDATORY,
           policies=[ResourceValidationPolicy(name="ok", description="ok", validate=ok)])
"""
HELPER = "import os\nSTACK = os.environ.get('PULUMI_STACK')\nCONFIG = os.environ.get('PULUMI_CONFIG')\n"


def _pack(tmp_path: Path, name: str, main: str, helper: str | None = None) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (d / "__main__.py").write_text(textwrap.dedent(main))
    if helper is not None:
        (d / "early_pack_helper.py").write_text(helper)
    return d


def _judge(packs: list[Path], pack_start: float = 20.0) -> StackJudge:
    args = SimpleNamespace(policy_mode="inprocess", settings=SimpleNamespace(records=None))
    return StackJudge(args, (packs, {}), Path.cwd(), None, Deadlines(pack_start=pack_start))


def test_the_early_load_imports_the_packs_under_the_first_stacks_environment(gate_programs, tmp_path):
    project = load_project(gate_programs / "multi")
    sys.modules.pop("early_pack_helper", None)
    try:
        _judge([_pack(tmp_path, "good", GOOD, HELPER)]).prepare(project, "base")
        helper = sys.modules["early_pack_helper"]
        assert helper.STACK == "base"                        # as the first evaluation would have seen it
        assert '"aws:region"' in (helper.CONFIG or "")       # the stack's own config, namespaced
    finally:
        sys.modules.pop("early_pack_helper", None)


@pytest.mark.parametrize("main", ["raise RuntimeError('cannot load')\n", "import sys\nsys.exit(3)\n",
                                  "import os\nos._exit(0)\n"])
def test_a_pack_that_fails_early_is_left_to_the_evaluation(gate_programs, tmp_path, main):
    """Its error is reported, as before, by the stack's own evaluation (exit 2 naming the pack)."""
    project = load_project(gate_programs / "multi")
    _judge([_pack(tmp_path, "broken", main)]).prepare(project, "base")   # no error here


def test_a_pack_that_hangs_early_fails_at_once_with_the_deadline_message(gate_programs, tmp_path):
    project = load_project(gate_programs / "multi")
    judge = _judge([_pack(tmp_path, "slow", "import time\ntime.sleep(3600)\n")], pack_start=1.0)
    with pytest.raises(UsageError, match=r"pack did not load within 1 s \(pack start deadline\)"):
        judge.prepare(project, "base")


def test_the_grpc_mode_loads_nothing_early(gate_programs, tmp_path):
    project = load_project(gate_programs / "multi")
    judge = _judge([_pack(tmp_path, "slow", "import time\ntime.sleep(3600)\n")], pack_start=0.1)
    judge.args.policy_mode = "grpc"
    judge.prepare(project, "base")   # would overrun its deadline if it loaded


def test_started_is_called_once_before_any_stack_is_judged(gate_programs, tmp_path):
    program = gate_programs / "multi"
    project = load_project(program)
    events: list[str] = []
    runs = record_stacks(program, project, project.stacks(), tmp_path, jobs=2, fork=False,
                         recorded=lambda stack, run: events.append(stack),
                         started=lambda: events.append("started"))
    assert events[0] == "started" and events.count("started") == 1
    assert sorted(events[1:]) == sorted(runs)
