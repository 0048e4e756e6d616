"""Round 44 (docs/gate-red-team.md): the kernel fences a recording worker's writes.

A `posix` module made anew from its spec has the real `mkfifo`/`mknod`, past the gate's wrappers and with
no audit event (round 43's lead 2): a stack left a node outside its program's directory for the next stack
or its own update to find, unheard. Each recording worker now gives up, through Landlock, every right to
write outside its program's directory and its own (`gate.write_fence`), before any program code runs.
Each check failed on the code before the round (66ccdf6e).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path

import pytest
from gate import write_fence
from test_engine_red_team import CORPUS, JUDGE

needs_landlock = pytest.mark.skipif(write_fence.abi() < write_fence.NEEDED_ABI,
                                    reason="no Landlock ABI 3 here (the fence degrades, tested below)")


def _copy(case: str, tmp_path: Path) -> Path:
    program = tmp_path / "program"
    shutil.copytree(CORPUS / case, program)
    return program


@needs_landlock
def test_a_node_left_outside_through_a_fresh_posix_is_refused(run_gate, tmp_path) -> None:
    """Was exit 0: stacks fifo-b and node-b deployed where the node their a stack made beside the program's
    directory (a fresh posix module's mkfifo/mknod, no audit event) said."""
    program = _copy("evil/leak-outside-fresh-posix", tmp_path)
    proc = run_gate("preview", "--program", program, "--all", *JUDGE, "--out", tmp_path / "out")
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "the kernel's write fence refuses" in proc.stderr, proc.stderr[-2000:]
    assert not list(tmp_path.glob("leak-outside-fresh-posix-*")), "the node was made"


@needs_landlock
@pytest.mark.parametrize("recorder", ["inprocess", "process"])
def test_an_update_does_not_find_its_previews_node_outside(run_gate, tmp_path, recorder: str) -> None:
    """Was exit 0: the preview made a FIFO in the temporary directory through a fresh posix module, the
    update found it and deployed to us-east-1. Under `--recorder process` the recorder process is forked
    after the fence, which it inherits."""
    program = _copy("evil/update-preview-fresh-posix-outside", tmp_path)
    digest = hashlib.sha256(str(program.resolve()).encode()).hexdigest()[:16]
    marker = Path(tempfile.gettempdir()) / f"corpus-fresh-seen-{digest}"
    try:
        proc = run_gate("preview", "--program", program, "--stack", "corpus", *JUDGE, "--recorder", recorder,
                        "--out", tmp_path / "out")
        assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-2000:]
        assert "the kernel's write fence refuses" in proc.stderr, proc.stderr[-2000:]
        assert not os.path.lexists(marker)
    finally:
        if os.path.lexists(marker):
            os.remove(marker)


def _in_child(body) -> int:
    """Run `body()` in a forked child (the fence is for good: never in the test's own process); its exit."""
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            code = body()
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@needs_landlock
def test_the_fence_allows_its_trees_and_refuses_every_write_elsewhere(tmp_path, monkeypatch) -> None:
    """Inside the allowed tree every write the fence handles works; outside, each is EACCES, through a
    fresh posix module too; /dev/null stays writable."""
    monkeypatch.delenv("GATE_UNSAFE_PROGRAM_SIDE_EFFECTS", raising=False)
    inside, outside = tmp_path / "program", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (outside / "old.txt").write_text("x")

    def body() -> int:
        import importlib.util

        if write_fence.install([str(inside)]):
            return 10
        (inside / "d").mkdir()
        (inside / "d" / "f").write_text("ok")
        os.rename(inside / "d" / "f", inside / "g")
        os.mkfifo(inside / "p")
        with open(os.devnull, "w") as null:
            null.write("ok")
        spec = importlib.util.find_spec("posix")
        fresh = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(fresh)
        attempts = [lambda: (outside / "new.txt").write_text("x"), lambda: (outside / "dir").mkdir(),
                    lambda: fresh.mkfifo(str(outside / "fifo")),
                    lambda: fresh.mknod(str(outside / "node"), 0o600 | stat.S_IFREG),
                    lambda: os.symlink("x", outside / "link"), lambda: os.remove(outside / "old.txt"),
                    lambda: os.truncate(outside / "old.txt", 0),
                    lambda: os.rename(inside / "g", outside / "g"),
                    lambda: open(outside / "old.txt", "a").close()]
        for n, attempt in enumerate(attempts):
            try:
                attempt()
            except PermissionError:
                continue
            return 20 + n
        return 0

    assert _in_child(body) == 0
    assert sorted(p.name for p in outside.iterdir()) == ["old.txt"]
    assert (outside / "old.txt").read_text() == "x"


@needs_landlock
def test_a_thread_started_before_the_fence_is_named(tmp_path, monkeypatch) -> None:
    """Landlock (ABI < 8) fences the calling thread and those it starts after: one started before (an own
    environment's startup code) is said to be unfenced, and the gate warns."""
    from gate import _worker

    monkeypatch.delenv("GATE_UNSAFE_PROGRAM_SIDE_EFFECTS", raising=False)
    (tmp_path / "program").mkdir()
    stop = threading.Event()

    def body() -> int:
        threading.Thread(target=stop.wait, daemon=True).start()
        why = _worker._fence({"program": str(tmp_path / "program")}, str(tmp_path / "result.json"))
        return 0 if "started before the gate's write fence" in why else 30

    assert _in_child(body) == 0


def test_a_kernel_without_landlock_degrades_with_one_warning(tmp_path, monkeypatch, capsys) -> None:
    """No Landlock (or too old an ABI): nothing installed, a sentence why, and one warning per run."""
    monkeypatch.delenv("GATE_UNSAFE_PROGRAM_SIDE_EFFECTS", raising=False)
    monkeypatch.setattr(write_fence, "abi", lambda: 0)
    why = write_fence.install([str(tmp_path)])
    assert why == "the kernel offers no Landlock (Linux 6.2 with it enabled)"
    monkeypatch.setattr(write_fence, "abi", lambda: 2)
    assert "ABI 2" in write_fence.install([str(tmp_path)])
    monkeypatch.setattr(write_fence, "_WARNED", set())
    write_fence.warn_unfenced(why)
    write_fence.warn_unfenced(why)
    write_fence.warn_unfenced(None)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"gate: warning: {why}: a recording's writes outside its program's directory are "
                     "refused by the watch in its own process only (docs/gate.md, round 44)"]


def test_sdk_frames_through_a_linked_environment_are_not_the_programs(tmp_path, monkeypatch) -> None:
    """Round 43's lead 6: `test_golden_states.py` failed in a worktree whose `.venv` links to another
    checkout's: the SDK's frames, named through the link, lay under the program's directory and were
    taken as its source positions (`project:///.venv/lib/.../provider.py`), since the installed places were
    compared resolved only."""
    import site

    from gate.recorder import Recorder

    env, root = tmp_path / "env", tmp_path / "program"
    (env / "lib" / "site-packages" / "pulumi_aws").mkdir(parents=True)
    root.mkdir()
    (root / ".venv").symlink_to(env)
    linked = root / ".venv" / "lib" / "site-packages"
    monkeypatch.setattr(site, "getsitepackages", lambda: [str(linked)])
    recorder = Recorder("p", "s", {}, None)
    recorder.place(root)
    assert recorder.program_file((linked / "pulumi_aws" / "provider.py").as_uri()) == ""
    assert recorder.program_file((root / "stacks" / "x.py").as_uri()) == "stacks/x.py"


def test_the_read_trackers_set_swapped_is_put_back_and_noted(tmp_path) -> None:
    """Was a read the stack cache never keyed by (`evil/cache-read-tracker-swapped`: the second run
    answered the cached clean verdict): `ReadTracker.paths` swapped for a fresh set for one read."""
    from gate.read_tracker import ReadTracker
    from gate.side_effects import refusing_side_effects

    program, notes, kept = tmp_path / "program", [], ReadTracker.paths
    program.mkdir()
    (program / "region.txt").write_text("eu-west-1")
    try:
        with refusing_side_effects(lambda uri: "", notes, program):
            ReadTracker.paths = set()
            (program / "region.txt").read_text()
            assert ReadTracker.paths is kept     # put back at the read's event
    finally:
        ReadTracker.paths = kept
    assert any("gate.read_tracker.ReadTracker.paths" in note for note in notes), notes
