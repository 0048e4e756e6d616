"""Round 40 (docs/gate-red-team.md): paths the audit events misplace, and subinterpreters.

1. A path relative to a directory descriptor (`os.open(name, dir_fd=fd)`, `os.mkdir(name, dir_fd=fd)`) was
   taken as relative to the working directory: a read unseen by the stack cache and the seals, a write or
   a directory made outside the program not refused. It is placed by the directory the descriptor is open
   on; an `os.open` past the gate's own (which opens by the full path) is refused.
2. A file opened by a bytes path was no read of the stack (the read tracker took `str` paths only).
3. A subinterpreter has its own audit hooks: what it reads, writes or takes from the environment was seen
   by none of the gate's. Importing a module that makes one, or making one, fails the recording.
Each check failed on the code before the round (60d3269b).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pulumi_aws as aws
import pytest
from gate import side_effects, thread_states
from gate.recording import record_callable
from test_engine_red_team_r4 import EU, REPO, _fails


@pytest.fixture
def program_dir(tmp_path, monkeypatch) -> Path:
    """The recorded callable's directory is the working directory; `outside` lies beside it."""
    (tmp_path / "program").mkdir()
    (tmp_path / "outside").mkdir()
    monkeypatch.chdir(tmp_path / "program")
    return tmp_path / "program"


def _tracked(code: str) -> str:
    """What a fresh interpreter's read tracker (probing, as in a recording worker) prints after `code`."""
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'scripts'}{os.pathsep}{REPO}",
           "PYTHONDONTWRITEBYTECODE": "1"}
    prelude = "import os, sys\nfrom gate.read_tracker import ReadTracker\nReadTracker.start(probing=True)\n"
    proc = subprocess.run([sys.executable, "-c", prelude + code], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


def test_a_file_opened_by_a_bytes_path_is_a_read_of_the_stack(tmp_path) -> None:
    data = tmp_path / "region.txt"
    data.write_text("eu-west-1")
    assert _tracked(f"open(os.fsencode({str(data)!r}), 'rb').read()\n"
                    f"print({str(data)!r} in ReadTracker.paths)") == "True"


def test_a_stat_relative_to_a_directory_descriptor_is_noted_where_it_is(tmp_path) -> None:
    (tmp_path / "settings").mkdir()
    code = (f"fd = os.open({str(tmp_path / 'settings')!r}, os.O_RDONLY)\n"
            "try:\n    os.stat('deploy-us', dir_fd=fd)\nexcept FileNotFoundError:\n    pass\n"
            f"print('?' + {str(tmp_path / 'settings' / 'deploy-us')!r} in ReadTracker.paths)")
    assert _tracked(code) == "True"


def test_a_read_relative_to_a_directory_descriptor_is_a_read_of_that_file(program_dir) -> None:
    from gate.read_tracker import ReadTracker

    ReadTracker.start()
    settings = program_dir.parent / "outside"
    (settings / "region.txt").write_text("eu-west-1")

    def program():
        folder = os.open(settings, os.O_RDONLY)
        fd = os.open("region.txt", os.O_RDONLY, dir_fd=folder)
        region = os.read(fd, 100).decode()
        os.close(fd)
        os.close(folder)
        aws.s3.Bucket("data", region=region)

    record_callable(program, config=EU)
    assert str(settings / "region.txt") in ReadTracker.paths
    assert str(program_dir / "region.txt") not in ReadTracker.paths


def test_a_write_relative_to_a_descriptor_of_a_folder_outside_the_program_is_refused(program_dir) -> None:
    outside = program_dir.parent / "outside"

    def program():
        folder = os.open(outside, os.O_RDONLY)
        os.close(os.open("planted.json", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=folder))
        aws.s3.Bucket("data")

    _fails(program, f"the program tries to write {outside / 'planted.json'}")
    assert not (outside / "planted.json").exists()


@pytest.mark.parametrize("call", ["mkdir", "rename", "symlink"])
def test_a_change_relative_to_a_descriptor_of_a_folder_outside_the_program_is_refused(program_dir, call):
    outside = program_dir.parent / "outside"
    (program_dir / "mine.txt").write_text("x")

    def program():
        folder, here = os.open(outside, os.O_RDONLY), os.open(program_dir, os.O_RDONLY)
        if call == "mkdir":
            os.mkdir("planted", dir_fd=folder)
        elif call == "rename":
            os.rename("mine.txt", "planted", src_dir_fd=here, dst_dir_fd=folder)
        else:
            os.symlink("/etc", "planted", dir_fd=folder)
        aws.s3.Bucket("data")

    _fails(program, f"{outside / 'planted'}")
    assert not os.path.lexists(outside / "planted")


def test_a_program_writes_its_own_files_relative_to_a_descriptor_of_its_directory(program_dir) -> None:
    """Compliant: a folder and a file made inside the program's directory through descriptors."""
    def program():
        here = os.open(program_dir, os.O_RDONLY)
        os.mkdir("build", dir_fd=here)
        build = os.open("build", os.O_RDONLY, dir_fd=here)
        os.close(os.open("tags.json", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=build))
        aws.s3.Bucket("data")

    record_callable(program, config=EU)
    assert (program_dir / "build" / "tags.json").is_file()


def test_an_open_past_the_gates_os_open_with_a_relative_path_is_refused(program_dir) -> None:
    """The `open` event carries no descriptor: the gate's `os.open` opens by the full path, so a relative
    path in that event came past it (the real one taken from the wrapper's closure)."""
    outside = program_dir.parent / "outside"
    (outside / "region.txt").write_text("us-east-1")

    def program():
        cells = [c.cell_contents for c in getattr(os.open, "__closure__", None) or ()]
        real = next((c for c in cells if callable(c)), os.open)
        folder = os.open(outside, os.O_RDONLY)
        os.close(real("region.txt", os.O_RDONLY, dir_fd=folder))
        aws.s3.Bucket("data")

    _fails(program, "the program tries to open region.txt relative to a directory descriptor the gate cannot "
                    "place")


def test_importing_a_module_that_makes_subinterpreters_is_refused(program_dir) -> None:
    sys.modules.pop("_xxsubinterpreters", None)

    def program():
        import _xxsubinterpreters  # noqa: F401

        aws.s3.Bucket("data")

    _fails(program, "the program tries to import _xxsubinterpreters, which runs code in a subinterpreter")


def test_making_a_subinterpreter_is_refused_whatever_imported_its_module(program_dir) -> None:
    import _xxsubinterpreters as interpreters  # before the recording: no import event in it

    def program():
        interpreters.destroy(interpreters.create())
        aws.s3.Bucket("data")

    _fails(program, "the program tries to create a subinterpreter (its reads, writes and environment are "
                    "seen by no hook of the program's interpreter)")


def test_a_subinterpreter_left_when_the_recording_ends_fails_it(program_dir, monkeypatch) -> None:
    """One made unseen (`_testcapi` imported before the recording makes one with no thread state current,
    so no hook hears of it) and left running: counted on CPython's list of interpreters."""
    counts = iter([1, 2])
    monkeypatch.setattr(thread_states, "interpreters", lambda: next(counts))
    notes: list[str] = []
    with side_effects.refusing_side_effects(lambda uri: "", notes, program_dir):
        pass
    assert notes == ["(a subinterpreter the program left): the program tries to create a subinterpreter (its "
                     "reads, writes and environment are seen by no hook of the program's interpreter)"]


def test_the_interpreters_are_counted() -> None:
    assert thread_states.interpreters() == 1


def test_a_link_read_with_readlink_is_noted_and_keyed_by_its_target(tmp_path) -> None:
    """Found after the first fixes (`evil/cache-readlink-region`): a link's target, read with `os.readlink`,
    was no input; a stat of a dangling link says `missing` whatever it points at."""
    from gate.read_probes import probe_digest

    link = tmp_path / "region"
    link.symlink_to("eu-west-1")
    assert _tracked(f"os.readlink({str(link)!r})\nprint('?' + {str(link)!r} in ReadTracker.paths)") == "True"
    before = probe_digest(str(link))
    link.unlink()
    link.symlink_to("us-east-1")
    assert probe_digest(str(link)) != before
    (tmp_path / "plain").write_text("x")
    assert probe_digest(str(tmp_path / "plain")).startswith("probe:file:1:")   # no link: as before


def test_an_audit_hook_of_the_programs_is_refused(program_dir) -> None:
    """Found after the first fixes (`evil/audit-hook-rewrites-record`): it would run on every event of the
    gate's own code once the program returned, as a profile hook would."""
    seen: list[str] = []

    def program():
        sys.addaudithook(lambda event, args: seen.append(event))
        aws.s3.Bucket("data")

    _fails(program, "the program tries to add an audit hook (sys.addaudithook)")
    seen.clear()
    sys.audit("gate.test.r40")   # the hook was never added
    assert seen == []
