"""Parallel evaluation (gate.parallel_eval): the same report as one process, and never a silent pass."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from gate import parallel_eval
from gate.cli import main
from gate.deadlines import Deadlines
from gate.parallel_eval import WorkerFailed, run_forked, workers
from gate.policyhost import evaluate
from test_hostile_policies import HOSTILE_PACK, _pack, _state

FAST = Deadlines(policy=1.0, pack_start=20.0, configure=20.0)
# real packs are judged on equality, not on time: a loaded CI machine must not hit a deadline in one run only
ROOMY = Deadlines(policy=120.0, pack_start=120.0, configure=120.0)
NAMES = [f"r{i}" for i in range(12)] + ["a", "b", "c"]


def _judge(monkeypatch: pytest.MonkeyPatch, n: int, pack: Path | list[Path], state: dict, **kw):
    monkeypatch.setenv("GATE_EVAL_WORKERS", str(n))
    packs = pack if isinstance(pack, list) else [pack]
    deadlines = kw.pop("deadlines", FAST)
    return evaluate(state, stack="test", project="proj", packs=packs, deadlines=deadlines, **kw)


def _shape(report) -> tuple[list, list]:
    return ([v.to_json() for v in report.violations],
            [(r.pack, r.policy, r.level, r.resources_checked, r.violations) for r in report.policies])


def _forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = parallel_eval.forked

    def counting(tasks):
        calls.append(len(tasks))
        return real(tasks)
    monkeypatch.setattr(parallel_eval, "forked", counting)
    return calls


def test_hostile_policies_give_the_same_report_in_workers(tmp_path: Path, monkeypatch) -> None:
    """Exits, BaseExceptions and deadlines inside workers: the sequential findings, order and counts
    (a policy that exits in the first range is not reported again from the second)."""
    pack = _pack(tmp_path, "hostile", HOSTILE_PACK)
    state = _state(*NAMES)
    sequential = _shape(_judge(monkeypatch, 1, pack, state))
    calls = _forks(monkeypatch)
    for n in (2, 3):
        assert _shape(_judge(monkeypatch, n, pack, state)) == sequential, n
    assert calls == [1, 2]      # this process takes parts of the work itself
    messages = [v["message"] for v in sequential[0]]
    assert any("did not finish within 1 s" in m for m in messages)   # the deadline applied in a worker
    assert sum("SystemExit" in m for m in messages) == 2     # exits + hard-exit: once each


def test_project_packs_give_the_same_report_in_workers(monkeypatch) -> None:
    from bench_states import REAL_PACKS, generate_state, project_pack_config

    state = generate_state(400)
    config = project_pack_config(list(REAL_PACKS))
    def judge(n: int):
        return _shape(_judge(monkeypatch, n, list(REAL_PACKS), state, pack_config=config, deadlines=ROOMY))

    sequential = judge(1)
    assert sequential[0]
    assert not any("did not finish" in v["message"] for v in sequential[0])
    for n in (2, 3):
        assert judge(n) == sequential, n


KILLER = '''
import os, signal, time
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy
import gate.deadlines

GATE = os.getpid()    # loaded before the fork: misbehaves in workers only (the gate process is slowed)

def dies(args, report):
    if os.getpid() == GATE:
        time.sleep(0.05)
    else:
        os.kill(os.getpid(), signal.SIGKILL)

def leaves(args, report):
    if os.getpid() == GATE:
        time.sleep(0.05)
    else:
        gate.deadlines._hard_exit(0)     # the real exit, around the gate's guard: no result

PolicyPack(name="killer", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    ResourceValidationPolicy(name="{name}", description="d", validate={name}),
])
'''


@pytest.mark.parametrize(("name", "expect"), [("dies", "killed by signal 9"),
                                              ("leaves", "exited with code 0")])
def test_a_worker_that_dies_fails_the_evaluation(tmp_path: Path, monkeypatch, name: str, expect: str) -> None:
    pack = _pack(tmp_path, "killer", KILLER.format(name=name))
    with pytest.raises(WorkerFailed, match=expect):
        _judge(monkeypatch, 2, pack, _state(*NAMES))


SWALLOWS = '''
import os, time
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

GATE = os.getpid()

def swallows(args, report):
    if os.getpid() == GATE:
        time.sleep(0.05)
        return
    while True:
        try:
            time.sleep(3600)
        except BaseException:
            pass

PolicyPack(name="swallows", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    ResourceValidationPolicy(name="swallows", description="d", validate=swallows),
])
'''


def test_a_policy_that_ignores_its_deadline_in_a_worker_fails_the_evaluation(tmp_path: Path, monkeypatch,
                                                                            capfd) -> None:
    pack = _pack(tmp_path, "swallows", SWALLOWS)
    fast = Deadlines(policy=0.2, pack_start=20.0, configure=20.0)
    with pytest.raises(WorkerFailed, match="exited with code 3"):
        _judge(monkeypatch, 2, pack, _state(*NAMES), deadlines=fast)
    assert "a policy ignored its deadline" in capfd.readouterr().err


def test_only_findings_cross_the_pipe() -> None:
    with pytest.raises(WorkerFailed, match="unreadable"):
        run_forked([lambda: ([], []), lambda: (object(), [])])
    assert run_forked([lambda: ([(0, [(1, "x")])], [])]) == [([(0, [(1, "x")])], [])]


def test_a_worker_that_raises_fails_the_evaluation() -> None:
    def boom():
        raise RuntimeError("boom")
    with pytest.raises(WorkerFailed, match="code 70"):
        run_forked([lambda: 1, boom])


def test_a_killed_worker_is_exit_3_on_the_command_line(tmp_path: Path, monkeypatch, capsys) -> None:
    pack = _pack(tmp_path, "killer", KILLER.format(name="dies"))
    state = tmp_path / "s.json"
    state.write_text(json.dumps(_state(*NAMES)))
    monkeypatch.setenv("GATE_EVAL_WORKERS", "2")
    code = main(["analyze", "--state", str(state), "--policy-pack", str(pack), "--no-checkov", "--no-cache",
                 "--out", str(tmp_path / "out")])
    assert code == 3
    err = capsys.readouterr().err
    assert "gate: internal error: WorkerFailed: evaluation worker 1 was killed" in err
    assert not any((tmp_path / "out").glob("*"))     # nothing written


def test_how_many_workers(monkeypatch) -> None:
    monkeypatch.delenv("GATE_EVAL_WORKERS", raising=False)
    monkeypatch.setattr(parallel_eval.os, "cpu_count", lambda: 2)
    assert workers(2, 100) == 1                                 # small: one process
    assert workers(4, parallel_eval.MIN_RESOURCES) == 2         # capped by the CPUs
    assert workers(1, 10**6) == 1
    monkeypatch.setenv("GATE_EVAL_WORKERS", "3")
    assert workers(1, 10) == 3
    monkeypatch.setenv("GATE_EVAL_WORKERS", "x")
    with pytest.raises(Exception, match="GATE_EVAL_WORKERS"):
        workers(1, 10)


def test_ranges_cover_every_resource_once() -> None:
    class _R:
        def __init__(self, t: str) -> None:
            self.type = t

    class _B:
        types = frozenset({"heavy"})

    class _L:
        resources = [_R("heavy" if i % 3 else "light") for i in range(10)]
        resource_policies = [_B(), _B()]
        ranged: list = []
    for n in (1, 2, 3, 12):
        ranges = parallel_eval._split(_L(), n)
        assert len(ranges) == n and ranges[0][0] == 0 and ranges[-1][1] == 10
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))


SLEEPS_IN_WORKERS = '''
import os, time
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

GATE = os.getpid()

def sleeps(args, report):
    time.sleep(0.05 if os.getpid() == GATE else 3600)

PolicyPack(name="sleepy", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    ResourceValidationPolicy(name="sleeps", description="d", validate=sleeps),
])
'''


def test_the_policy_deadline_applies_inside_a_worker(tmp_path: Path, monkeypatch) -> None:
    pack = _pack(tmp_path, "sleepy", SLEEPS_IN_WORKERS)
    fast = Deadlines(policy=0.5, pack_start=20.0, configure=20.0)
    report = _judge(monkeypatch, 2, pack, _state(*NAMES), deadlines=fast)
    assert report.blocked
    overran = [v for v in report.violations if "did not finish within 0.5 s" in v.message]
    assert len(overran) == 1 and overran[0].level == "mandatory"


def test_a_worker_stuck_after_delivering_does_not_hang_the_gate():
    """A fork taken while another thread held a stdio lock can leave the child stuck in its final flush:
    a whole result followed by end of file is enough; the child is killed when the block is left."""
    import sys
    import time

    class Stuck:
        def write(self, text: str) -> int:
            return len(text)

        def flush(self) -> None:
            time.sleep(600)

    def deliver_then_stick():
        sys.stdout = Stuck()   # in the child only: the task runs there
        return [1, "x"]

    started = time.monotonic()
    assert run_forked([deliver_then_stick]) == [[1, "x"]]
    assert time.monotonic() - started < 60


FIRST_STACK_PACK = """
import os
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy

def first(args, report):
    report("forked before me: " + os.environ.get("TEST_GATE_FORKED", "no"))

def second(args, report):
    report("second")

PolicyPack(name="order", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    StackValidationPolicy(name="first", description="d", validate=first),
    StackValidationPolicy(name="second", description="d", validate=second),
])
"""


def test_the_first_stack_policy_runs_before_the_workers_fork(tmp_path: Path, monkeypatch) -> None:
    """What packs build once for all stack policies (a graph of the stack) is built before the fork and
    shared, not again in every worker; its findings are still reported once, in order."""
    pack = _pack(tmp_path, "order", FIRST_STACK_PACK)
    state = _state(*NAMES)
    real = parallel_eval.forked

    def marking(tasks):
        monkeypatch.setenv("TEST_GATE_FORKED", "yes")
        return real(tasks)
    monkeypatch.setattr(parallel_eval, "forked", marking)
    messages = [v.message.split("\n")[-1] for v in _judge(monkeypatch, 2, pack, state).violations]
    assert messages == ["forked before me: no", "second"]


def _with_outside_hosts(state: dict) -> dict:
    """Every fourth queue names a storage host no resource of the state has (require-resolved-references)."""
    for i, r in enumerate(state["deployment"]["resources"]):
        if r["type"] == "aws:sqs/queue:Queue" and i % 4 == 0:
            for part in ("inputs", "outputs"):
                if isinstance(r.get(part), dict):
                    r[part]["deadLetterTarget"] = "https://outsider.blob.core.windows.net/x"
    return state


def test_stack_rules_judged_range_by_range_give_the_same_report(monkeypatch) -> None:
    """A per-resource stack rule (`validate_resources`) is judged with the resource ranges in the workers,
    not as one indivisible part: the same findings, in the same order, as one process."""
    from bench_states import REAL_PACKS, generate_state, project_pack_config

    config = project_pack_config(list(REAL_PACKS))
    ranged: list[str] = []
    real = parallel_eval.run_parallel

    def spying(loop, *args):
        ranged.extend(b.policy.name for b in loop.ranged)
        return real(loop, *args)
    monkeypatch.setattr(parallel_eval, "run_parallel", spying)

    def judge(n: int):
        report = _judge(monkeypatch, n, list(REAL_PACKS), _with_outside_hosts(generate_state(400)),
                        pack_config=config, deadlines=ROOMY)
        return _shape(report)

    sequential = judge(1)
    assert sum(v["policy"] == "require-resolved-references" and "outsider.blob" in v["message"]
               for v in sequential[0]) == 6
    assert judge(2) == sequential
    assert {"require-resolved-references", "require-eea-inherited-location"} <= set(ranged)


RANGED_PACK = """
import os, time
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy

LOG = os.environ["TEST_RANGED_LOG"]
GATE = os.getpid()    # loaded before the fork: the gate process waits, so the worker takes ranges too

def one(r, report):
    if r.name in ("r3", "b"):
        report(r.name + " flagged", r.urn)
    if r.name == "r9" and os.environ.get("TEST_RANGED_RAISE"):
        raise ValueError("cannot judge r9")

def whole(args, report):
    for r in args.resources:
        one(r, report)

def ranged(args, report, lo, hi):
    with open(LOG, "a") as fh:
        fh.write(f"{os.getpid()} {lo} {hi}\\n")
    if lo < hi and os.getpid() == GATE:   # wait (20 s at most) until the worker has judged a range
        for _ in range(400):
            with open(LOG) as fh:
                if any(line.split()[0] != str(GATE) for line in fh):
                    break
            time.sleep(0.05)
    report("the empty range reports nothing" if lo == hi else "range " + str(lo))   # on the stack itself
    for r in args.resources[lo:hi]:
        one(r, report)

policy = StackValidationPolicy(name="ranged", description="d", validate=whole)
policy.validate_resources = ranged
PolicyPack(name="ranged", enforcement_level=EnforcementLevel.MANDATORY, policies=[policy])
"""


def test_a_ranged_stack_policy_prepares_before_the_fork_and_covers_every_resource_once(
        tmp_path: Path, monkeypatch) -> None:
    import os

    log = tmp_path / "calls.log"
    monkeypatch.setenv("TEST_RANGED_LOG", str(log))
    pack = _pack(tmp_path, "ranged", RANGED_PACK)
    state = _state(*NAMES)
    report = _judge(monkeypatch, 2, pack, state, deadlines=ROOMY)   # the gate process waits for the worker
    calls = [tuple(map(int, line.split())) for line in log.read_text().splitlines()]
    assert calls[0] == (os.getpid(), 0, 0)          # before the fork, in the gate process
    spans = sorted((lo, hi) for _, lo, hi in calls[1:])
    assert spans[0][0] == 0 and spans[-1][1] == len(state["deployment"]["resources"])
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    flagged = [v.message.split("\n")[-1] for v in report.violations if "flagged" in v.message]
    assert flagged == ["r3 flagged", "b flagged"]
    assert not any("empty range" in v.message for v in report.violations)
    assert len({pid for pid, lo, hi in calls[1:]}) == 2     # the worker judged ranges too
    stack_level = [v for v in report.violations if v.message.split("\n")[-1].startswith("range ")]
    assert len(stack_level) == len(calls) - 1 and all(v.urn == "" for v in stack_level)


def test_a_ranged_stack_policy_that_raises_fails_closed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TEST_RANGED_LOG", str(tmp_path / "calls.log"))
    monkeypatch.setenv("TEST_RANGED_RAISE", "1")
    report = _judge(monkeypatch, 2, _pack(tmp_path, "ranged", RANGED_PACK), _state(*NAMES), deadlines=ROOMY)
    failed = [v for v in report.violations if "cannot judge r9" in v.message]
    assert len(failed) == 1 and failed[0].level == "mandatory"
    assert "ValueError" in failed[0].message
