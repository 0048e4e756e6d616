"""Round 45 (docs/gate-red-team.md): the gate's own reads told by their frame; protected files made past
the watch.

The read tracker took a read as the gate's own by a thread-local flag the program could set on its own
thread (`_local.quiet`, `not_an_input()`, `outputs_only()`): its read of a region file was then no input of
the stack cache, which answered a changed file with the cached clean verdict. And inside the program's
directory the write fence allows every write, so a stack config made with a fresh `posix` module's `mknod`
(no audit event) was left in the checkout the gate passed. Each check failed on the code before the round
(23d50b42).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from test_engine_red_team import CORPUS, JUDGE


def _copy(case: str, tmp_path: Path) -> Path:
    program = tmp_path / "program"
    shutil.copytree(CORPUS / case, program)
    return program


@pytest.mark.parametrize("case", ["cache-read-tracker-quiet", "cache-read-tracker-not-an-input"])
def test_a_read_the_program_calls_the_gates_own_is_still_an_input(run_gate, tmp_path, case: str) -> None:
    """Was exit 0: the second run, after settings/region.txt changed to us-east-1, gave the cached clean
    verdict (the program had marked its read as the gate's own)."""
    program, cache = _copy(f"evil/{case}", tmp_path), tmp_path / "cache"
    flags = (*(f for f in JUDGE if f != "--no-cache"), "--cache-dir", str(cache))
    first = run_gate("preview", "--program", program, "--stack", "corpus", *flags, "--out", tmp_path / "o1")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
    (program / "settings" / "region.txt").write_text("us-east-1\n")
    second = run_gate("preview", "--program", program, "--stack", "corpus", *flags, "--out", tmp_path / "o2")
    assert second.returncode == 1, second.stdout[-3000:] + second.stderr[-2000:]
    assert "require-eea-location" in second.stdout
    assert not json.loads(second.stdout).get("cached"), second.stdout[-2000:]


def test_the_flag_set_in_a_recording_worker_hides_no_read(monkeypatch, tmp_path) -> None:
    """A recording worker (`probing`) counts no thread-local mark: the program could set it."""
    from gate.read_tracker import ReadTracker

    target = str(tmp_path / "region.txt")
    monkeypatch.setattr(ReadTracker, "paths", set())
    monkeypatch.setattr(ReadTracker, "probing", True)
    ReadTracker._local.quiet = True
    try:
        ReadTracker._hook("open", (target, "r", os.O_RDONLY))
        with ReadTracker.not_an_input():
            ReadTracker._hook("open", (target + ".2", "r", os.O_RDONLY))
    finally:
        ReadTracker._local.quiet = False
    assert ReadTracker.paths == {target, target + ".2"}


def _state(path: Path, region: str) -> None:
    path.write_text(json.dumps({"deployment": {"resources": [
        {"type": "pulumi:pulumi:Stack", "urn": "u", "outputs": {"region": region}}]}}))


def test_the_gates_state_read_is_told_by_its_frame(monkeypatch, tmp_path) -> None:
    """The recorder's read of a state (for a StackReference) is in `states` and not in `paths`; the same
    file opened by anyone else is a read of its bytes."""
    from gate.read_tracker import ReadTracker
    from gate.recorder import outputs_from_state_file

    ReadTracker.start()
    state = tmp_path / "a.state.json"
    _state(state, "eu-west-1")
    monkeypatch.setattr(ReadTracker, "paths", set())
    monkeypatch.setattr(ReadTracker, "states", set())
    assert outputs_from_state_file(tmp_path, "a") == {"region": "eu-west-1"}
    assert ReadTracker.states == {str(state)} and str(state) not in ReadTracker.paths
    state.read_text()
    assert str(state) in ReadTracker.paths


def test_a_file_that_holds_no_state_is_keyed_by_its_bytes(tmp_path) -> None:
    """Was one digest whatever the file said (`outputs:` of no resources): a text file read as a state."""
    from gate.stack_inputs import outputs_digest

    text = tmp_path / "region.txt"
    text.write_text("eu-west-1\n")
    before = outputs_digest(text)
    text.write_text("us-east-1\n")
    assert outputs_digest(text) != before
    state = tmp_path / "a.state.json"
    _state(state, "eu-west-1")
    kept = outputs_digest(state)
    state.write_text(state.read_text() + " ")   # a state keeps its outputs digest when only bytes move
    assert outputs_digest(state) == kept and kept.startswith("outputs:")


def test_a_state_in_the_output_is_the_gates_to_read_only_through_its_reader(monkeypatch, tmp_path) -> None:
    """Another recording's state in `--out`: the program's own read is refused with the thread-local mark
    set (it was let through), the gate's reader still reads it."""
    from gate.environ import RUN_OUT, RUN_STARTED
    from gate.read_tracker import ReadTracker
    from gate.recorder import outputs_from_state_file
    from gate.side_effects import refusing_side_effects

    program, out = tmp_path / "program", tmp_path / "out"
    program.mkdir()
    out.mkdir()
    monkeypatch.setenv(RUN_STARTED, str(time.time_ns() - 10_000_000_000))
    monkeypatch.setenv(RUN_OUT, str(out))
    state = out / "a.state.json"
    _state(state, "eu-west-1")
    notes: list[str] = []
    with refusing_side_effects(lambda uri: "", notes, program):
        ReadTracker._local.quiet = True
        try:
            with pytest.raises(PermissionError):
                state.read_text()
        finally:
            ReadTracker._local.quiet = False
        assert outputs_from_state_file(out, "a") == {"region": "eu-west-1"}
    assert any("another recording of this run wrote" in note for note in notes), notes


def test_a_stack_config_made_with_a_fresh_posix_is_refused(run_gate, tmp_path) -> None:
    """Was exit 0: the preview made an empty Pulumi.dev.yaml in the program's directory (mknod of a fresh
    posix module: no audit event, and the write fence allows every write there)."""
    program = _copy("evil/protected-fresh-posix-inside", tmp_path)
    proc = run_gate("preview", "--program", program, "--stack", "corpus", *JUDGE, "--out", tmp_path / "out")
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "Pulumi.dev.yaml: changed or made while the stacks" in proc.stderr, proc.stderr[-2000:]


def test_what_the_program_may_not_write_is_found_changed(tmp_path) -> None:
    """Stack configs, pyproject.toml, fixtures and files under the judged paths changed since the start
    are found; the program's own files, bytecode caches, directories and the gate's own are not."""
    from gate.preview_changes import now_ns, protected_changed

    root, packs, out = tmp_path / "p", tmp_path / "p" / "policies", tmp_path / "p" / "out"
    for d in (packs / "__pycache__", out, root / "fixtures", root / "build"):
        d.mkdir(parents=True)
    since = now_ns()
    time.sleep(0.02)
    made = [root / "Pulumi.dev.yaml", root / "pyproject.toml", root / "fixtures" / "corpus.yaml",
            packs / "PulumiPolicy.yaml"]
    for path in [*made, root / "build" / "own.txt", packs / "__pycache__" / "x.pyc", out / "Pulumi.x.yaml"]:
        path.write_text("")
    os.mkdir(root / "build" / "Pulumi.d.yaml")
    found = protected_changed(str(root), since, [str(packs)], [str(out)])
    assert sorted(found) == sorted(str(p) for p in made)


EARLY_THREAD = """import importlib.util, stat, sys, threading, time


def _leave():   # unfenced: started before the worker's write fence; unheard: a fresh posix module
    for _ in range(2000):
        if "pulumi_aws" in sys.modules:
            break
        time.sleep(0.005)
    spec = importlib.util.find_spec("posix")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    fresh.mknod({mark!r} + "." + str(fresh.getpid()), 0o600 | stat.S_IFREG)


threading.Thread(target=_leave, daemon=True).start()
"""


@pytest.mark.slow
def test_a_thread_started_before_the_fence_fails_the_recording(tmp_path) -> None:
    """Was exit 0 with a warning: the startup code of the program's own environment started a thread
    before the worker's write fence (Landlock fences the installing thread and those it starts after), and
    that thread made a file outside the program's directory."""
    from gate import write_fence
    from test_leftovers_r35 import _made_like_pulumi_new, _preview, _site

    if write_fence.abi() < write_fence.NEEDED_ABI:
        pytest.skip("no Landlock ABI 3 here")
    program = _made_like_pulumi_new(tmp_path)
    startup = EARLY_THREAD.format(mark=str(tmp_path / "left"))
    (_site(program / "venv") / "sitecustomize.py").write_text(startup)
    proc = _preview(program, tmp_path, "--no-cache")
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "started before the gate's write fence" in proc.stderr, proc.stderr[-2000:]
    assert not list(tmp_path.glob("left.*")), "the early thread wrote outside the program's directory"


def test_the_gates_own_directories_in_the_program_are_not_the_programs_writes(tmp_path) -> None:
    """Found by the README's main job after the round (exit 2): `--out` inside the program's directory is a
    judged path, and checkov's cache entries, which the gate writes there while the stacks are recorded,
    were refused as the program's. The gate's own directories are skipped; a stack config still is not."""
    from gate.errors import GateError
    from gate.preview_changes import now_ns, refuse_protected

    root = tmp_path / "p"
    out, cache = root / "build" / "gate", root / ".cache"
    (out / "cache" / "checkov").mkdir(parents=True)
    cache.mkdir()
    since = now_ns()
    time.sleep(0.02)
    (out / "cache" / "checkov" / "entry.json").write_text("{}")
    (cache / "entry.json").write_text("{}")
    refuse_protected(root, since, [str(out), str(cache)], [out, cache])
    with pytest.raises(GateError, match=r"entry\.json: changed or made while the stacks were recorded"):
        refuse_protected(root, since, [str(out), str(cache)], [out])
    (root / "Pulumi.dev.yaml").write_text("")
    with pytest.raises(GateError, match=r"Pulumi\.dev\.yaml: changed or made"):
        refuse_protected(root, since, [str(out), str(cache)], [out, cache])


@pytest.mark.slow
def test_a_preview_with_checkov_and_its_out_inside_the_program_passes(run_gate, tmp_path) -> None:
    """The README's main job in small: checkov on, `--out` (and so the caches) inside the program; judged
    to the end (checkov's findings on a bare bucket may block: exit 1), not refused (exit 2)."""
    program = _copy("good/apply-eu", tmp_path)
    (program / "Pulumi.second.yaml").write_text((program / "Pulumi.corpus.yaml").read_text())
    flags = [f for f in JUDGE if f not in ("--no-checkov", "--no-cache")]
    proc = run_gate("preview", "--program", program, "--all", *flags, "--out", program / "build" / "gate")
    assert proc.returncode in (0, 1) and "changed or made" not in proc.stderr, proc.stderr[-2000:]
    assert {r["stack"] for r in json.loads(proc.stdout)} == {"corpus", "second"}


def test_a_stack_config_written_just_before_the_recordings_is_not_the_programs(tmp_path) -> None:
    """Found by CI after the round (exit 2 in two tests): a file written in the tick the recordings start
    in is stamped at or past `now_ns()` and was refused as the program's; from `next_tick_ns()` it is not,
    and one written after it still is."""
    from gate.preview_changes import next_tick_ns, protected_changed

    config = tmp_path / "Pulumi.dev.yaml"
    for _ in range(20):      # from now_ns() each was refused (300 of 300 measured)
        config.write_text("config: {}\n")
        assert protected_changed(str(tmp_path), next_tick_ns(), [], []) == []
    since = next_tick_ns()
    config.write_text("config: {}\n")
    assert protected_changed(str(tmp_path), since, [], []) == [str(config)]
