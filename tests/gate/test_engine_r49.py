"""Round 49 (docs/gate-red-team.md): the published set checked by the sentinel parent, under the lock it
was handed, while the index is this run's own; concurrent runs on one --out neither mixed nor falsely
failed; a run that fails after publishing withdraws its own set."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus" / "engine"
JUDGE = ("--no-checkov", "--no-cache", "--format", "json", "--policy-pack", "policies/eu_residency",
         "--policy-pack-config", "eu-residency=policies/config/eu-residency.json", "--as-of", "2026-11-30")
BUCKET = "import pulumi_aws as aws\n\naws.s3.Bucket('b', region={region!r})\n"
POSIX = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX: the sentinel forks")


def _program(root: Path, region: str) -> Path:
    root.mkdir(parents=True)
    backend = "backend:\n  url: s3://r49-state?region=eu-west-1\n"
    (root / "Pulumi.yaml").write_text(f"name: r49\nruntime: python\n{backend}")
    (root / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (root / "__main__.py").write_text(BUCKET.format(region=region))
    return root


def _gate(*args: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen([sys.executable, "-m", "gate", *map(str, args)], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _consistent(out: Path) -> dict:
    """run.json and what it lists: every file as hashed, the reports' verdict the index's exit."""
    index = json.loads((out / "run.json").read_text())
    blocked = []
    for files in index["stacks"].values():
        for name, digest in files.items():
            assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
            if name.endswith(".report.json"):
                blocked.append(json.loads((out / name).read_text())["blocked"])
    assert index["exit"] == (1 if any(blocked) else 0), index
    return index


@POSIX
@pytest.mark.slow
def test_two_gates_on_one_out_keep_their_verdicts_and_one_whole_set(tmp_path):
    """Lead 1: both runs publish under `.gate.lock`; each parent checks the set it published before the
    other can publish over it, so neither reads the other's index as tampering."""
    good, bad = _program(tmp_path / "good", "eu-west-1"), _program(tmp_path / "bad", "us-east-1")
    out = tmp_path / "out"
    for attempt in range(3):
        runs = [_gate("preview", "--program", p, "--stack", "dev", *JUDGE, "--out", out) for p in (good, bad)]
        ended = [(r.wait(timeout=300), r.stderr.read()) for r in runs]
        for run in runs:
            run.stdout.close()
            run.stderr.close()
        assert [code for code, _ in ended] == [0, 1], (attempt, ended)
        assert _consistent(out)["exit"] in (0, 1)


@POSIX
@pytest.mark.slow
def test_a_run_failing_after_it_published_withdraws_its_own_set(run_gate, tmp_path):
    """Own idea: a pack that edits the gate makes the run exit 2 after it published; its set (signed,
    saying exit 0 over a mandatory finding) stayed, newer than the run's start, so withdraw kept it."""
    case = "tests/corpus/engine/evil/pack-unblocks-report-class"
    proc = run_gate("preview", "--program", case, "--stack", "corpus", "--policy-pack", f"{case}/judge-pack",
                    *JUDGE, "--out", tmp_path / "out")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert not (tmp_path / "out" / "run.json").exists()
    assert not (tmp_path / "out" / "run.dsse.json").exists()
    assert not list((tmp_path / "out").glob("corpus.*.json"))


def _published(out: Path, run: str, exit_code: int, blocked: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"stack": "dev", "blocked": blocked}).encode()
    (out / "dev.report.json").write_bytes(body)
    index = {"run": run, "exit": exit_code, "files": {},
             "stacks": {"dev": {"dev.report.json": hashlib.sha256(body).hexdigest()}}}
    (out / "run.json").write_text(json.dumps(index))


def _told(out: Path) -> tuple[str, str]:
    """run.json's and its signature's digests as the gate wrote them (here: as they stand)."""
    return hashlib.sha256((out / "run.json").read_bytes()).hexdigest(), ""


def test_the_parent_names_what_differs_in_the_published_set(tmp_path):
    from gate.published import problem

    out = tmp_path / "out"
    _published(out, "abc", 1, blocked=True)
    told = _told(out)
    assert problem(out, "abc", 1, *told) is None
    assert "run.json says exit 1, the gate's process said 0" in problem(out, "abc", 0, *told)
    assert "run.json is another run's (run 'abc')" in problem(out, "xyz", 1, *told)
    assert "run.json differs from the index the gate wrote" in problem(out, "abc", 1, "0" * 64, "")
    (out / "run.dsse.json").write_text("{}")
    assert "run.dsse.json differs from the signature the gate wrote" in problem(out, "abc", 1, *told)
    (out / "run.dsse.json").unlink()
    (out / "dev.report.json").write_bytes(b'{"stack": "dev", "blocked": false}')
    assert "dev.report.json differs from its digest in run.json" in problem(out, "abc", 1, *told)
    _published(out, "abc", 1, blocked=False)
    assert "no published report says blocked, run.json exit 1" in problem(out, "abc", 1, *_told(out))
    _published(out, "abc", 0, blocked=True)
    assert "dev.report.json says blocked true, run.json exit 0" in problem(out, "abc", 0, *_told(out))
    _published(out, "abc", 0)
    (out / "dev.report.json").write_bytes(b"[]")
    forged = json.loads((out / "run.json").read_text())
    forged["stacks"]["dev"]["dev.report.json"] = hashlib.sha256(b"[]").hexdigest()
    (out / "run.json").write_text(json.dumps(forged))
    assert 'dev.report.json says blocked "no report"' in problem(out, "abc", 0, *_told(out))
    os.unlink(out / "dev.report.json")
    assert "dev.report.json is gone" in problem(out, "abc", 0, *_told(out))
    (out / "run.json").unlink()
    assert "run.json is gone" in problem(out, "abc", 1, *told)
    (out / "run.json").write_text("[]")
    assert "run.json is no run index" in problem(out, "abc", 1, *told)


@POSIX
@pytest.mark.slow
def test_what_a_pack_left_running_cannot_rewrite_the_set_after_the_check(run_gate, tmp_path):
    """Own idea: a process forked at exit leaves the gate's session and waits for `.gate.lock`, which the
    sentinel parent lets go once it checked the set; then it rewrites the set to say pass."""
    import time

    case = "tests/corpus/engine/evil/pack-daemon-rewrites-after-check"
    out = tmp_path / "out"
    proc = run_gate("preview", "--program", case, "--stack", "corpus", "--policy-pack", f"{case}/judge-pack",
                    *JUDGE, "--out", out)
    assert proc.returncode == 1, proc.stderr[-2000:]
    time.sleep(3)   # room for what was left running: never asserted as a time
    assert _consistent(out)["exit"] == 1


def test_a_set_handed_over_wrongly_fails_the_run_and_a_failed_run_withdraws_its_own(tmp_path):
    from gate.published import settle

    out = tmp_path / "out"
    _published(out, "abc", 0)
    (out / ".gate.lock").touch()
    told = b"\0".join([b"published", os.fsencode(out), b"abc", *(d.encode() for d in _told(out))])
    said: list[str] = []
    say = said.append
    assert settle(0, [(told[:20], os.open(out / "run.json", os.O_RDONLY))], say) == 2   # no set's words
    assert "handed over no set the gate published" in said.pop()
    assert settle(0, [(told, os.open(out / "run.json", os.O_RDONLY))], say) == 2   # not the out's lock
    assert "handed over no set the gate published" in said.pop()
    _published(out, "abc", 0)
    assert settle(0, [(told, os.open(out / ".gate.lock", os.O_RDWR))], say) == 0   # the set as published
    assert settle(2, [(told, os.open(out / ".gate.lock", os.O_RDWR))], say) == 2   # the run failed after it
    assert not (out / "run.json").exists() and not (out / "dev.report.json").exists()
    assert said == []   # a run that failed on its own withdraws its set without a tampering line


def test_a_lock_that_cannot_be_handed_over_fails_the_publish(tmp_path, monkeypatch):
    from gate import sentinel
    from gate.errors import GateError

    read, write = os.pipe()   # no socket: nothing can be handed through it
    monkeypatch.setattr(sentinel, "_TELL", [write])
    try:
        with pytest.raises(GateError, match="the published set could not be handed to the gate's parent"):
            sentinel.hand_over(read, tmp_path, "abc", "0" * 64, "")
    finally:
        os.close(read)
        os.close(write)
    monkeypatch.setattr(sentinel, "_TELL", [])
    assert sentinel.hand_over(0, tmp_path, "abc", "0" * 64, "") is False   # embedded: no parent to hand it


def test_a_node_or_an_empty_file_in_the_runs_own_directory_is_refused(tmp_path):
    """Lead 2: the run's own directory was not walked (round 46 left it to checkov's empty outputs); a
    stack that found its id in memory left a node there unseen. Checkov's outputs under `checkov/` aside."""
    import stat
    import time

    from gate.errors import GateError
    from gate.preview_changes import now_ns, refuse_protected

    root = tmp_path / "p"
    out = root / "build" / "gate"
    run = out / ".runs" / "abc"
    (run / "checkov" / "a").mkdir(parents=True)
    (run / "checkov" / ".drivers" / "job-1").mkdir(parents=True)
    since = now_ns()
    time.sleep(0.02)
    (run / "a.state.json").write_text("{}")
    (run / "checkov" / ".drivers" / "job-1" / "stdout").write_text("")
    written = lambda: {str(run / "checkov" / ".drivers" / "job-1" / "stdout")}  # noqa: E731
    refuse_protected(root, since, [str(out)], [out], run, written)
    os.mknod(run / "leak-eu-west-1", 0o600 | stat.S_IFREG)
    with pytest.raises(GateError, match=r"abc/leak-eu-west-1: a node or an empty file made"):
        refuse_protected(root, since, [str(out)], [out], run, written)
    os.remove(run / "leak-eu-west-1")
    os.mkfifo(run / "checkov" / "a" / "eu-west-1")
    with pytest.raises(GateError, match=r"checkov/a/eu-west-1: a node or an empty file"):
        refuse_protected(root, since, [str(out)], [out], run, written)
