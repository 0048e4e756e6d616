"""Engine round 28: round 27's leads, a blind probe of the evidence side (docs/gate-red-team.md, round 28).

Round 27 left: a hostile `sitecustomize` of a program's environment leaves its process group (`setsid`, a
double fork) before the leash kills the group, and outlives the gate. And the evidence side had not been
probed as a whole: `evidence export --gate-dir` reads another program's output, which anyone with the
directory may have edited. Each check asks what the contract says (docs/gate.md, docs/evidence.md): nothing
of a gate's tree outlives it, a gate dir the export cannot trust is one line naming file and key with exit
2 and nothing in `--out`, and two exports or merges sharing one `--out` never mix.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fence_marks import hook_side, marks
from processes import gone
from test_leftovers_r25 import AFTER_KILL, REPO, RUN_LIMIT, _env, _killed_parent_leaves_nothing
from test_leftovers_r27 import _own_venv_program

# ------------------------------------------------------------- 1. what leaves the leash's process group
# The program environment's `sitecustomize`, acting only in the version probe (`python -c CODE`): it
# double-forks a grandchild into a session of its own (`setsid`), which marks `escaped.<pid>` and sleeps —
# out of the group the leash kills. `hold`: the probe then waits too; `leave`: the probe ends at once
# (nothing printed: the gate says the environment has no pulumi SDK, exit 2). Under the write fence (round
# 46) its turn and its mark go through `fence_marks`; the mark is made by the middle process before it
# exits (so before the probe's `os.wait` returns: the mark cannot lose a race with the gate's end).
ESCAPE_HOOK = """\
import os
import sys
import time
from pathlib import Path

flag = Path({flag!r})
if sys.argv == ["-c"] and flag.exists() and once("probe"):
    if os.fork() == 0:
        os.setsid()
        escaped = os.fork()
        if escaped == 0:
            time.sleep(300)
            os._exit(0)
        mark(f"escaped.{{escaped}}")
        os._exit(0)
    os.wait()
    if {mode!r} == "hold":
        time.sleep(300)
"""


def _escaping_program(tmp_path: Path, mode: str) -> Path:
    """Round 27's program with a `virtualenv` the user made, its probe hook replaced by ESCAPE_HOOK."""
    program = _own_venv_program(tmp_path, mode)
    site = next((program / "venv" / "lib").glob("python3*/site-packages"))
    (site / "sitecustomize.py").write_text(hook_side(tmp_path) + ESCAPE_HOOK.format(
        flag=str(tmp_path / "probe.flag"), mode=mode))
    return program


def _gate(program: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "gate", "preview", "--program", str(program), "--stack", "dev", "--out",
            str(out), "--no-checkov", "--format", "json"]


def _escaped(where: Path) -> list[int]:
    return [int(p.suffix[1:]) for p in where.glob("escaped.*")]


def _ends_with_the_gate(tmp_path: Path, mode: str, stop: signal.Signals | None) -> None:
    program = _escaping_program(tmp_path, mode)
    with marks(tmp_path):
        _ends_with_the_gate_run(program, tmp_path, stop)


def _ends_with_the_gate_run(program: Path, tmp_path: Path, stop: signal.Signals | None) -> None:
    proc = subprocess.Popen(_gate(program, tmp_path / "out"), cwd=REPO, env=_env(tmp_path),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        if stop is not None:   # once the grandchild has escaped, while the probe waits
            end = time.monotonic() + RUN_LIMIT
            while not _escaped(tmp_path):
                assert time.monotonic() < end and proc.poll() is None, "HANG: the probe never ran"
                time.sleep(0.05)
            proc.send_signal(stop)
        _, stderr = proc.communicate(timeout=RUN_LIMIT)
        assert proc.returncode == 2, f"exit {proc.returncode}: {stderr}"
        [escapee] = _escaped(tmp_path)
        assert gone(escapee, AFTER_KILL), f"LEFT: {escapee}, out of the leash's group, outlived the gate"
    finally:
        for pid in _escaped(tmp_path):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_a_process_that_left_the_probes_group_ends_when_the_gate_ends(tmp_path) -> None:
    """The probe's grandchild, in a session of its own, ran on after the gate exited 2."""
    _ends_with_the_gate(tmp_path, "leave", None)


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_process_that_left_the_probes_group_ends_with_an_interrupted_gate(tmp_path, stop) -> None:
    """A CI job's cancel (SIGTERM) or ^C while the probe waits: the gate killed the probe's group only."""
    _ends_with_the_gate(tmp_path, "hold", stop)


@pytest.mark.slow
def test_a_process_that_left_the_probes_group_ends_with_a_sigkilled_gate(tmp_path) -> None:
    """Written after the three above (the leash can adopt what leaves its group): a gate killed outright
    while the probe waits left the escaped grandchild running, reparented to init."""
    program = _escaping_program(tmp_path, "hold")
    try:
        with marks(tmp_path):
            _killed_parent_leaves_nothing(_gate(program, tmp_path / "out"), _env(tmp_path), "escaped.*",
                                          tmp_path)
    finally:
        for pid in _escaped(tmp_path):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# -------------------------------------------------------------- 2. a gate dir the export cannot trust
AS_OF = "2027-01-15"
STACK = "portal-prod"
URN = f"urn:pulumi:{STACK}::dosis-eloket::aws:rds/instance:Instance::db"


@pytest.fixture
def _reports_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Judging the reports again needs a real run (tests/evidence/test_evidence_red_team_r7.py): these
    checks are of what the export reads before, and of what judging again does not look at."""
    from evidence import rejudge

    monkeypatch.setattr(rejudge, "check_rejudged", lambda *args: None)


def _report() -> dict:
    from gate.model import StackReport, Violation

    blocking = Violation("eu-residency", "require-eea-location", "mandatory", "high", URN,
                         "aws:rds/instance:Instance", "EEA only\nregion us-east-1")
    return StackReport(stack=STACK, resources=2, violations=[blocking], as_of=AS_OF).to_json()


def _state() -> dict:
    pre = f"urn:pulumi:{STACK}::dosis-eloket::"
    return {"version": 3, "deployment": {"manifest": {}, "resources": [
        {"urn": pre + f"pulumi:pulumi:Stack::dosis-eloket-{STACK}", "custom": False,
         "type": "pulumi:pulumi:Stack"},
        {"urn": URN, "custom": True, "type": "aws:rds/instance:Instance", "inputs": {}, "outputs": {}}]}}


def _write_run(out: Path, report: dict, *, exit_code: int = 1, index_extra: dict | None = None) -> None:
    """The gate dir as a gate run writes it (digests in run.json, signed by the tests' gate key), from the
    given report: the forger holds the key, or the export allows unsigned runs."""
    from evidence.rejudge import expected
    from gate import run_sign

    files = {f"{STACK}.report.json": json.dumps(report).encode(),
             f"{STACK}.state.json": json.dumps(_state()).encode()}
    for name, data in files.items():
        (out / name).write_bytes(data)
    seal = {**expected(REPO, AS_OF), "reads": {}}   # round 39: what the recordings read, none here
    index = {"run": "r1", "command": "preview", "exit": exit_code, "seal": seal,
             "stacks": {STACK: {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}}, "files": {},
             **(index_extra or {})}
    (out / "run.json").write_bytes(json.dumps(index).encode())
    (out / run_sign.ENVELOPE).write_bytes(run_sign.envelope((out / "run.json").read_bytes(),
                                                            run_sign.signer()))


def _gate_dir(tmp_path: Path, edit=None, **kwargs) -> Path:
    out = tmp_path / "gate"
    out.mkdir()
    report = _report()
    if edit is not None:
        edit(report)
    _write_run(out, report, **kwargs)
    return out


def _refused(gate_dir: Path, pattern: str) -> None:
    from evidence.errors import EvidenceError
    from evidence.inputs import collect

    with pytest.raises(EvidenceError, match=pattern):
        collect(REPO, None, None, gate_dir=gate_dir, as_of=AS_OF)


def test_an_honest_gate_dir_is_read(tmp_path, _reports_trusted) -> None:
    from evidence.inputs import collect

    [ev] = collect(REPO, None, None, gate_dir=_gate_dir(tmp_path), as_of=AS_OF)
    assert ev.report.blocked and ev.stack == STACK


def test_a_report_that_leaves_out_its_findings_is_refused(tmp_path, _reports_trusted) -> None:
    """A report without `violations` read as a report with none: a pass (judging again catches it only
    when the state, edited alike, still makes a finding)."""
    _refused(_gate_dir(tmp_path, lambda r: r.pop("violations")),
             rf"{STACK}\.report\.json: violations: missing")


def test_a_report_of_another_stack_is_refused(tmp_path, _reports_trusted) -> None:
    """Another stack's report under this stack's name: its findings stood for this stack's."""
    _refused(_gate_dir(tmp_path, lambda r: r.update(stack="dosis-prod")),
             rf"{STACK}\.report\.json: stack: 'dosis-prod' is not {STACK}")


def test_a_report_of_another_day_is_refused(tmp_path, _reports_trusted) -> None:
    """A report judged on another day than the run's seal says (waivers lapse, acceptances begin)."""
    _refused(_gate_dir(tmp_path, lambda r: r.update(as_of="2026-01-01")),
             rf"{STACK}\.report\.json: as_of: 2026-01-01 is not the run's {AS_OF}")


def test_a_report_whose_verdict_says_allowed_while_its_findings_block_is_refused(tmp_path,
                                                                                  _reports_trusted) -> None:
    _refused(_gate_dir(tmp_path, lambda r: r.update(blocked=False)),
             rf"{STACK}\.report\.json: blocked: false, but its findings block")


def test_a_run_index_that_says_exit_0_over_a_blocking_report_is_refused(tmp_path, _reports_trusted) -> None:
    _refused(_gate_dir(tmp_path, exit_code=0),
             rf"run\.json: exit: 0 \(a pass\), but {STACK}\.report\.json blocks")


def test_a_report_whose_resource_count_is_no_number_is_refused(tmp_path, _reports_trusted) -> None:
    """`resources: 1e400` (JSON reads infinity) was an OverflowError: a traceback."""
    out = _gate_dir(tmp_path)
    _replace_report(out, (out / f"{STACK}.report.json").read_bytes().replace(b'"resources": 2',
                                                                           b'"resources": 1e400'))
    _refused(out, rf"{STACK}\.report\.json: resources: ")


def _replace_report(out: Path, data: bytes) -> None:
    """The report replaced, its digest in run.json recomputed and run.json signed again."""
    from gate import run_sign

    (out / f"{STACK}.report.json").write_bytes(data)
    index = json.loads((out / "run.json").read_text())
    index["stacks"][STACK][f"{STACK}.report.json"] = hashlib.sha256(data).hexdigest()
    (out / "run.json").write_bytes(json.dumps(index).encode())
    (out / run_sign.ENVELOPE).write_bytes(run_sign.envelope((out / "run.json").read_bytes(),
                                                            run_sign.signer()))


def test_a_run_index_linked_from_outside_the_gate_dir_is_refused(tmp_path, _reports_trusted) -> None:
    """run.json a symbolic link to a copy outside (its bytes, so its signature, the same): the files it
    names were checked, the index itself read from anywhere."""
    out = _gate_dir(tmp_path)
    outside = tmp_path / "elsewhere.json"
    outside.write_bytes((out / "run.json").read_bytes())
    (out / "run.json").unlink()
    (out / "run.json").symlink_to(outside)
    _refused(out, r"run\.json: not a regular file")


def test_a_run_index_that_is_a_fifo_is_refused_without_waiting(tmp_path, _reports_trusted) -> None:
    """A FIFO for run.json: the export waited for a writer, forever."""
    out = _gate_dir(tmp_path)
    (out / "run.json").unlink()
    os.mkfifo(out / "run.json")
    _bounded(lambda: _refused(out, r"run\.json: not a regular file"), out / "run.json")


def test_a_report_that_is_a_fifo_is_refused_without_waiting(tmp_path, _reports_trusted) -> None:
    """Written after the fixes above (the digest check read through the same kind of open): a FIFO for a
    report run.json lists waited, in the digest check, for a writer."""
    out = _gate_dir(tmp_path)
    (out / f"{STACK}.report.json").unlink()
    os.mkfifo(out / f"{STACK}.report.json")
    report = out / f"{STACK}.report.json"
    _bounded(lambda: _refused(out, rf"{STACK}\.report\.json: not a regular file"), report)


def _bounded(check, fifo: Path) -> None:
    """Run `check` in a thread; a check still waiting after a bound is a hang (its FIFO is opened for
    writing and closed, so the thread ends)."""
    caught: list[BaseException] = []

    def run() -> None:
        try:
            check()
        except BaseException as exc:   # reported below, in the test's thread
            caught.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(RUN_LIMIT / 8)
    if worker.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(RUN_LIMIT / 8)
        raise AssertionError(f"HANG: the export waited on the FIFO {fifo.name}")
    assert not caught, caught


def test_a_huge_signature_is_refused_before_it_is_read(tmp_path, _reports_trusted) -> None:
    """Written after the fixes above: run.dsse.json of 128 MiB and one byte (sparse) was read whole."""
    from gate import run_sign

    out = _gate_dir(tmp_path)
    with (out / run_sign.ENVELOPE).open("r+b") as f:
        f.truncate(128 * 1024 * 1024 + 1)
    _refused(out, r"run\.dsse\.json: larger than 128 MiB")


def test_a_huge_run_index_is_refused_before_it_is_read(tmp_path, _reports_trusted) -> None:
    """A run.json of 64 MiB and one byte (sparse): the export read it whole into memory first."""
    out = _gate_dir(tmp_path)
    with (out / "run.json").open("r+b") as f:
        f.truncate(64 * 1024 * 1024 + 1)
    _refused(out, r"run\.json: larger than 64 MiB")


def test_a_run_index_that_is_no_utf8_names_the_file(tmp_path, _reports_trusted) -> None:
    out = _gate_dir(tmp_path)
    (out / "run.json").write_bytes(b'{"run": "\xff"}')
    _refused(out, r"run\.json: unreadable gate run index")


def test_a_report_that_is_no_utf8_names_the_file(tmp_path, _reports_trusted) -> None:
    out = _gate_dir(tmp_path)
    _replace_report(out, (out / f"{STACK}.report.json").read_bytes().replace(b"EEA only", b"EEA \xff"))
    _refused(out, rf"{STACK}\.report\.json: ")


def test_a_forged_verdict_exports_nothing(tmp_path, _reports_trusted, capsys) -> None:
    """The command, end to end: one line, exit 2, `--out` not created."""
    from evidence import cli

    gate_dir = _gate_dir(tmp_path, lambda r: r.update(blocked=False))
    out = tmp_path / "evidence"
    code = cli.main(["export", "--all", "--gate-dir", str(gate_dir), "--out", str(out), "--as-of", AS_OF])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "blocked" in err[0], (code, err)
    assert not out.exists(), "HALF-WRITTEN"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".evidence")] == []


# ----------------------------------------------------------------- 3. two writers sharing one --out
def test_two_exports_sharing_one_out_both_finish_and_leave_one_bundle(tmp_path, monkeypatch) -> None:
    """Export B writes its whole bundle while export A has moved the old bundle aside and not yet put its
    own in place (`evidence.bundle.write`): A's rename failed (`Directory not empty`), the old bundle was
    left beside `--out`. Serialised, both finish and `--out` is one intact bundle, the last one's."""
    from evidence import bundle
    from evidence.redact import Redactor

    out = tmp_path / "evidence"
    bundle.write(out, {"a.txt": b"first\n"}, {}, Redactor())
    real = Path.rename
    later: dict[str, threading.Thread] = {}
    failed: list[BaseException] = []

    def export_b() -> None:
        try:
            bundle.write(out, {"b.txt": b"b\n"}, {}, Redactor())
        except BaseException as exc:   # reported below, in the test's thread
            failed.append(exc)

    def rename_then_b_writes(self: Path, target):
        moved = real(self, target)
        if self == out and not later:     # A has moved the old bundle aside: B writes now
            later["b"] = threading.Thread(target=export_b, daemon=True)
            later["b"].start()
            later["b"].join(2)   # B done (no lock), or waiting for A (a lock): A goes on either way
        return moved

    monkeypatch.setattr(Path, "rename", rename_then_b_writes)
    try:
        bundle.write(out, {"a.txt": b"a\n"}, {}, Redactor())
    finally:
        later["b"].join(RUN_LIMIT / 4)
        monkeypatch.undo()
    assert not later["b"].is_alive(), "HANG: export B never finished"
    assert not failed, failed
    assert [p for p in bundle.verify(out) if not p.startswith(("unsigned", "no signature"))] == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".evidence.lock") == ["evidence"], \
        "LEFT: a bundle moved aside"


def _shard(where: Path, blocked: bool) -> Path:
    """A shard's output for stack `dev` as `gate preview --all --shard 1/1` leaves it (report, state and
    seal), blocked or not."""
    from gate.model import StackReport, Violation
    from gate.shard_seal import write_seals

    where.mkdir()
    found = [Violation("eu-residency", "require-eea-location", "mandatory", "high", URN,
                       "aws:s3/bucket:Bucket", "EEA only")] if blocked else []
    (where / "dev.report.json").write_text(json.dumps(StackReport("dev", 1, found, as_of=AS_OF).to_json()))
    (where / "dev.state.json").write_text(json.dumps({"version": 3, "deployment": {"resources": []},
                                                      "blocked": blocked}))
    write_seals(where, ["dev"], shard="1/1", level=None, plan=["dev"], program="a" * 64, judge="b" * 64)
    return where


@pytest.mark.slow
def test_two_merges_sharing_one_out_never_mix(tmp_path) -> None:
    """Round 14 held four `gate preview` runs on one `--out`; `gate merge` publishes the same way: its
    run.json must name exactly the files it left, and its exit what its report says."""
    shards = {True: _shard(tmp_path / "blocked", True), False: _shard(tmp_path / "clean", False)}
    out = tmp_path / "out"
    for _ in range(3):
        merges = {blocked: subprocess.Popen([sys.executable, "-m", "gate", "merge", str(shard), "--out",
                                             str(out), "--format", "json"], cwd=REPO, env=_env(tmp_path),
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                  for blocked, shard in shards.items()}
        for blocked, proc in merges.items():
            _, err = proc.communicate(timeout=RUN_LIMIT)
            assert proc.returncode == (1 if blocked else 0), err
        index = json.loads((out / "run.json").read_text())
        for rel, digest in index["stacks"]["dev"].items():
            assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest, f"MIXED: {rel}"
        report = json.loads((out / "dev.report.json").read_text())
        assert index["exit"] == int(report["blocked"]), "MIXED: run.json's exit and the report"
