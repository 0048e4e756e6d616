"""Round 46 (docs/gate-red-team.md): what another recording left, found without opening it; what the program
makes in the gate's own directories; the gate's state read called by the program; startup code unfenced.

Round 4 refused a recording reading (opening) a file another recording of the run wrote, known by its
modification time: a stat, a listing and a time set back (`os.utime` of the program's own file) went past
it. With `--out` inside the program (the README's main job), round 45's walk after the recordings skipped
the gate's own directories, where a fresh `posix` module's `mknod` makes files unheard. A program could call
`ReadTracker.state_outputs` itself, whose read is told the gate's by its frame. And a program's own
environment's startup code ran before the worker's write fence. Each check failed on the code before the
round (3ead2dbe with the corpus and this file copied in).
"""

from __future__ import annotations

import os
import posix
import shutil
import stat
import sys
import time
from pathlib import Path

import pytest
from gate import write_fence
from test_engine_red_team import CORPUS, JUDGE

FRESH_MKNOD = """import importlib.util
import stat
from pathlib import Path

import pulumi_aws as aws

spec = importlib.util.find_spec("posix")
fresh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fresh)
try:   # asks nothing first (a stat of it is refused since round 46): the update finds it made
    fresh.mknod(str(Path(__file__).resolve().parent / "build" / "gate" / "left"), 0o600 | stat.S_IFREG)
except FileExistsError:
    pass
aws.s3.Bucket("data", region="eu-west-1")
"""


def _copy(case: str, tmp_path: Path) -> Path:
    program = tmp_path / "program"
    shutil.copytree(CORPUS / case, program)
    return program


def _own_probes(monkeypatch) -> None:
    """The stat probes a test installs are this test's only (put back after it)."""
    for module in (os, posix):
        for name in ("stat", "lstat", "access", "readlink", "listxattr", "getxattr"):
            monkeypatch.setattr(module, name, getattr(module, name))


@pytest.fixture
def watch(monkeypatch, tmp_path):
    """The watch as a recording of `tmp_path/program` sets it (in-process); `begin()` starts the run (files
    made before it are older than the run)."""
    from gate.environ import RUN_OUT, RUN_STARTED
    from gate.preview_changes import next_tick_ns
    from gate.side_effects import refusing_side_effects

    program, out = tmp_path / "program", tmp_path / "out"
    (program / "build").mkdir(parents=True)
    out.mkdir()
    monkeypatch.setenv(RUN_OUT, str(out))
    _own_probes(monkeypatch)
    notes: list[str] = []

    def begin() -> None:
        monkeypatch.setenv(RUN_STARTED, str(next_tick_ns()))

    return program, out, notes, begin, lambda: refusing_side_effects(lambda uri: "", notes, program)


def test_a_stat_and_a_listing_of_another_recordings_file_are_refused(watch) -> None:
    """Was let through: only an `open` of it was refused. A makedirs, an own file and a file older than the
    run stay allowed."""
    from gate.read_probes import install_stat_probes

    program, _, notes, begin, recording = watch
    install_stat_probes(lambda marked: None)
    old = program / "settings.txt"
    old.write_text("x")
    begin()
    other = program / "build" / "eu-west-1"
    other.write_text("")                      # another recording's, during the run
    with recording():
        with pytest.raises(PermissionError):
            other.exists()
        with pytest.raises(PermissionError):
            os.listdir(program / "build")
        (program / "build" / "mine.txt").write_text("mine")
        assert (program / "build" / "mine.txt").exists() and old.exists() and (program / "build").is_dir()
        os.makedirs(program / "build" / "deeper" / "still", exist_ok=True)
        assert os.listdir(program / "build" / "deeper") == ["still"]
    assert sum("another recording of this run" in n for n in notes) == 2, notes


def test_a_file_whose_time_was_set_back_is_still_another_recordings(watch) -> None:
    """Was let through: the refusal compared the modification time, which `os.utime` sets back."""
    program, _, notes, begin, recording = watch
    begin()
    other = program / "build" / "last-region.txt"
    other.write_text("eu-west-1")
    os.utime(other, (1_000_000_000, 1_000_000_000))
    with recording(), pytest.raises(PermissionError):
        other.read_text()
    assert any("read build/last-region.txt, which another recording" in n for n in notes), notes


def test_a_directory_another_recording_made_is_refused_to_a_stat(watch) -> None:
    """A directory made during the run holding nothing older and nothing of this recording's; one that
    holds a file older than the run is no other recording's, whatever was added to it."""
    from gate.read_probes import install_stat_probes

    program, _, notes, begin, recording = watch
    install_stat_probes(lambda marked: None)
    kept = program / "kept"
    kept.mkdir()
    (kept / "old.txt").write_text("x")
    begin()
    made = program / "build" / "eu-west-1"
    made.mkdir()
    (kept / "new.txt").write_text("y")
    with recording():
        with pytest.raises(PermissionError):
            made.is_dir()
        assert kept.is_dir()
    assert len(notes) == 1 and "look at build/eu-west-1, which another recording" in notes[0], notes


def test_the_gates_state_read_is_the_recorders_only(watch) -> None:
    """Was let through: a program calling `ReadTracker.state_outputs` read another recording's state in
    `--out` as the gate's own read; the recorder's call still reads it."""
    from gate.read_tracker import ReadTracker
    from gate.recorder import outputs_from_state_file

    _, out, notes, begin, recording = watch
    begin()
    (out / "a.state.json").write_text('{"deployment": {"resources": [{"type": "pulumi:pulumi:Stack", '
                                      '"urn": "u", "outputs": {"home": "eu-west-1"}}]}}')
    with recording():
        with pytest.raises(PermissionError):
            ReadTracker.state_outputs(out / "a.state.json")
        assert outputs_from_state_file(out, "a") == {"home": "eu-west-1"}
    assert any("gate's own reader" in n for n in notes), notes


def test_a_node_or_an_empty_file_in_the_gates_directories_is_refused(tmp_path) -> None:
    """Was skipped (round 45's walk left the gate's own directories to the watch): a node or an empty
    file there is what only a program's unheard make leaves; the gate's whole files, its temporary
    names and checkov's empty outputs in the private run directory are not looked at (round 49: the rest
    of that directory is, test_engine_r49)."""
    from gate.errors import GateError
    from gate.preview_changes import now_ns, refuse_protected

    root = tmp_path / "p"
    out, cache = root / "build" / "gate", root / "build" / "gate" / "cache"
    run = out / ".runs" / "abc"
    for d in (cache, run / "checkov" / ".drivers" / "driver"):
        d.mkdir(parents=True)
    since = now_ns()
    time.sleep(0.02)
    (out / "a.state.json").write_text("{}")
    (cache / ".entry.json.x1.tmp").write_text("")
    (run / "checkov" / ".drivers" / "driver" / "stderr").write_text("")
    written = lambda: {str(run / "checkov" / ".drivers" / "driver" / "stderr")}  # noqa: E731
    refuse_protected(root, since, [str(out)], [out, cache], run, written)
    os.mkfifo(out / "eu-west-1")
    with pytest.raises(GateError, match=r"eu-west-1: a node or an empty file made in the gate's own"):
        refuse_protected(root, since, [str(out)], [out, cache], run, written)
    os.remove(out / "eu-west-1")
    os.mknod(cache / "left", 0o600 | stat.S_IFREG)
    with pytest.raises(GateError, match=r"left: a node or an empty file"):
        refuse_protected(root, since, [str(out)], [out, cache], run, written)


@pytest.mark.skipif(write_fence.abi() < write_fence.NEEDED_ABI, reason="no Landlock ABI 3 here")
def test_a_node_made_in_out_inside_the_program_fails_the_run(run_gate, make_program, tmp_path) -> None:
    """Was exit 0: the program made an empty file in `--out` (inside its directory) with a fresh `posix`
    module's mknod, which the write fence allows there and round 45's walk skipped."""
    program = make_program(FRESH_MKNOD, stacks={"dev": "config:\n  aws:region: eu-west-1\n"})
    (program / "build" / "gate").mkdir(parents=True)
    out = program / "build" / "gate"
    proc = run_gate("preview", "--program", program, "--stack", "dev", *JUDGE, "--out", out)
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "build/gate/left: a node or an empty file" in proc.stderr, proc.stderr[-2000:]


@pytest.mark.skipif(write_fence.abi() < write_fence.NEEDED_ABI, reason="no Landlock ABI 3 here")
def test_startup_code_of_an_own_environment_runs_fenced(tmp_path) -> None:
    """Was exit 0 with a file made outside the program's directory: a `sitecustomize` of the program's
    own environment ran unfenced, in the gate's probe of its pulumi version and before the recording
    worker's fence. Both now start under the fence (gate._fenced): the write is refused, the program is
    still judged. That the code ran in both is told through `fence_marks` (a socket, no file)."""
    from fence_marks import hook_side, marks
    from test_leftovers_r35 import _made_like_pulumi_new, _preview, _site

    program = _made_like_pulumi_new(tmp_path)
    mark = tmp_path / "left-by-startup"
    (_site(program / "venv") / "sitecustomize.py").write_text(
        hook_side(tmp_path) + "import os, sys\n"
        "mark(('probe' if sys.argv == ['-c'] else 'worker') + '.' + str(os.getpid()))\n"
        f"open({str(mark)!r} + '.' + str(os.getpid()), 'w').write('ran')\n")
    with marks(tmp_path):
        proc = _preview(program, tmp_path, "--no-cache")
    assert list(tmp_path.glob("probe.*")) and list(tmp_path.glob("worker.*")), "the startup code never ran"
    assert not list(tmp_path.glob("left-by-startup.*")), proc.stdout[-2000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_a_stat_is_the_import_systems_only_within_an_import(monkeypatch, tmp_path) -> None:
    """Was skipped by the stat probes: a stat from code whose globals are named "importlib.…" (the probes
    told the import system by a frame's `__name__`), or from the import system's own `_path_stat` called by
    the program. A real import's stats are still not noted."""
    import _frozen_importlib_external

    from gate.read_probes import install_stat_probes

    _own_probes(monkeypatch)
    noted: list[str] = []
    install_stat_probes(noted.append)
    flag = str(tmp_path / "deploy-us")
    named = {"__name__": "importlib.flag", "os": os, "flag": flag}
    exec("def there():\n    try:\n        os.stat(flag)\n    except OSError:\n        pass\n", named)
    named["there"]()
    with pytest.raises(OSError):
        _frozen_importlib_external._path_stat(flag + ".2")
    assert noted == [f"?{flag}", f"?{flag}.2"], noted
    (tmp_path / "r46_probe_module.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    noted.clear()
    import r46_probe_module  # noqa: F401
    assert not any("r46_probe_module" in n for n in noted), noted


def test_a_listing_of_the_program_directory_itself_and_an_imports_listing(watch) -> None:
    """The program's directory itself is listed for its entries (a file another recording made at its top
    level was let through); the import system's own listing (a module imported after another recording
    wrote there) is not refused."""
    program, _, notes, begin, recording = watch
    (program / "settings.txt").write_text("x")
    begin()
    (program / "eu-west-1").write_text("")
    (program / "r46_late_module.py").write_text("VALUE = 1\n")
    sys.path.insert(0, str(program))
    try:
        with recording():
            with pytest.raises(PermissionError):
                os.listdir(program)
            sys.path_importer_cache.pop(str(program), None)
            with pytest.raises(PermissionError):   # the module's own file is another recording's to open
                __import__("r46_late_module")
    finally:
        sys.path.remove(str(program))
        sys.modules.pop("r46_late_module", None)
    assert len(notes) == 2, notes
    assert "list ., where another recording of this run wrote eu-west-1" in notes[0], notes
    assert "read r46_late_module.py, which another recording" in notes[1], notes
