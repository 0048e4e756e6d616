"""Round 43 (docs/gate-red-team.md): the program edits the gate's watch in its own process.

The watch (`gate.side_effects`) decides in the program's interpreter what it may do, from `_Watch`'s
settings and the module's names; a program could widen its directory to `/`, switch the watch off, claim
another recording's file or rebind `_WRITE` for one write and back, or replace the audit hook's bound
helpers in place, and carry a region from stack a to stack b unseen. The settings and names are now sealed
while a program runs (`gate.watch_seal`). Then `listen()` on a socket never bound (no bind event) is heard
and refused. Each check failed on the code before the round (1e47d5f3).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from gate import environ, side_effects
from gate.side_effects import _Watch, refusing_side_effects
from test_engine_red_team import CORPUS, JUDGE


def _stacks(run_gate, case: str, tmp_path: Path):
    """Both stacks of `case` (b after a), from a copy inside `tmp_path`: what a stack leaves outside its
    program's directory stays in the test's own directory."""
    import shutil

    program = tmp_path / "program"
    shutil.copytree(CORPUS / case, program)
    return run_gate("preview", "--program", program, "--all", *JUDGE, "--out", tmp_path / "out")


def test_a_watch_edited_for_one_write_is_refused(run_gate, tmp_path) -> None:
    """Was exit 0: stacks root-b and flags-b deployed where the file their a stack wrote outside the
    program's directory, with `_Watch.root` widened or `_WRITE` rebound, said."""
    proc = _stacks(run_gate, "evil/leak-outside-watch-edited", tmp_path)
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "after it changed the gate's watch" in proc.stderr, proc.stderr[-2000:]


def test_a_watch_edited_for_one_read_is_refused(run_gate, tmp_path) -> None:
    """Was exit 0: stacks off and own read stack a's `build/region.txt`, the watch switched off for the
    read (`program_file = None`) or the file claimed in `_Watch.own`."""
    proc = _stacks(run_gate, "evil/leak-read-watch-edited", tmp_path)
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "which another recording of this run wrote" in proc.stderr, proc.stderr[-2000:]


def test_the_hooks_bound_helpers_may_not_be_replaced(run_gate, tmp_path) -> None:
    """Was exit 0: `_hook.__defaults__` replaced (the same function object, so `gate.integrity` saw none)."""
    proc = _stacks(run_gate, "evil/leak-outside-hook-defaults", tmp_path)
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "change the gate's code: gate.side_effects._hook's __defaults__" in proc.stderr


def test_a_widened_root_is_refused_and_put_back(tmp_path) -> None:
    """Was a write outside the program let through (`_Watch.root = /`)."""
    program, notes = tmp_path / "program", []
    program.mkdir()
    with refusing_side_effects(lambda uri: "", notes, program):
        _Watch.root = Path("/")
        with pytest.raises(PermissionError, match="_Watch"):
            (tmp_path / "outside.txt").write_text("us-east-1")
        assert _Watch.root == program      # put back as the gate set it
    assert not (tmp_path / "outside.txt").exists()
    assert any("_Watch.root" in note for note in notes), notes


def test_a_rebound_name_is_refused_and_put_back(tmp_path) -> None:
    """Was a write outside the program read as a read (`_WRITE = 0`)."""
    program, notes = tmp_path / "program", []
    program.mkdir()
    flags = side_effects._WRITE
    try:
        with refusing_side_effects(lambda uri: "", notes, program):
            side_effects._WRITE = 0
            with pytest.raises(PermissionError):
                (tmp_path / "outside.txt").write_text("us-east-1")
            assert flags == side_effects._WRITE
    finally:
        side_effects._WRITE = flags
    assert any("_WRITE" in note for note in notes), notes


def test_a_watch_left_edited_is_noted_at_the_programs_end(tmp_path) -> None:
    """Was no note: the watch switched off (`program_file = None`) and never used again."""
    program, notes = tmp_path / "program", []
    program.mkdir()
    with refusing_side_effects(lambda uri: "", notes, program):
        _Watch.program_file = None
    assert any(note.startswith("(the gate's watch, at the program's end)") for note in notes), notes


def test_the_watch_may_not_be_entered_again(tmp_path) -> None:
    """Was a second watch with the program's own root (`/`), over the gate's."""
    program, notes = tmp_path / "program", []
    program.mkdir()
    with refusing_side_effects(lambda uri: "", notes, program):
        with pytest.raises(PermissionError), refusing_side_effects(lambda uri: "", [], Path("/")):
            pass
        assert _Watch.root == program
    assert any("entered again" in note for note in notes), notes


def test_what_the_recording_wrote_is_the_seals_word(tmp_path, monkeypatch) -> None:
    """Was readable: a file another recording wrote, once added to `_Watch.own`."""
    program, notes = tmp_path / "program", []
    (program / "build").mkdir(parents=True)
    monkeypatch.setenv(environ.RUN_STARTED, str(time.time_ns() - 10**9))
    left = program / "build" / "region.txt"
    left.write_text("eu-west-1")    # another recording's, after the run began
    with refusing_side_effects(lambda uri: "", notes, program):
        _Watch.own.add(str(left))
        with pytest.raises(PermissionError, match="another recording of this run wrote"):
            left.read_text()
        (program / "build" / "mine.txt").write_text(json.dumps({"own": True}))
        assert json.loads((program / "build" / "mine.txt").read_text()) == {"own": True}
    assert side_effects.written() == [str(program / "build" / "mine.txt")]
    assert os.environ[environ.RUN_STARTED]


def test_a_name_of_another_module_the_watch_decides_by_is_put_back(tmp_path, monkeypatch) -> None:
    """Was a directory made outside the program: `gate.dir_fd.placed` rebound (a descriptor-relative path
    then taken as relative to the working directory, the program's), and its table was writable."""
    from gate import dir_fd

    program, outside, notes = tmp_path / "program", tmp_path / "outside", []
    program.mkdir()
    outside.mkdir()
    monkeypatch.chdir(program)
    with pytest.raises(TypeError):
        dir_fd.EVENT_DIR_FDS["os.mkdir"] = ()   # type: ignore[index]
    real, folder = dir_fd.placed, os.open(outside, os.O_RDONLY)
    try:
        with refusing_side_effects(lambda uri: "", notes, program):
            dir_fd.placed = lambda path, fd: path
            with pytest.raises(PermissionError, match=r"gate\.dir_fd\.placed"):
                os.mkdir("made", dir_fd=folder)
            assert dir_fd.placed is real
    finally:
        dir_fd.placed = real
        os.close(folder)
    assert not (outside / "made").exists()


def test_listening_on_a_socket_never_bound_is_refused(run_gate, tmp_path) -> None:
    """Was exit 0: `listen()` without a bind gives the socket a port of every address, no `socket.bind`."""
    proc = _stacks(run_gate, "evil/listen-never-bound", tmp_path)
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "the program tries to listen on a socket it never bound" in proc.stderr, proc.stderr[-2000:]


def test_a_socket_listens_unrefused_only_where_its_bind_was_judged(tmp_path) -> None:
    """Was no event (`listen` unheard): a name of its own (a UNIX path its bind made) is let through."""
    import socket

    program, notes = tmp_path / "program", []
    program.mkdir()
    with refusing_side_effects(lambda uri: "", notes, program), socket.socket(socket.AF_UNIX) as own:
        own.bind(str(program / "agent.sock"))
        own.listen(1)
        with socket.socket() as never_bound, pytest.raises(PermissionError):
            never_bound.listen(1)
    assert any("listen on a socket it never bound" in note for note in notes), notes
