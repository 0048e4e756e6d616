"""Round 42 (docs/gate-red-team.md): what a preview wrote, by the watch's word and by the gate's look.

A stack's update recorded beside its preview stands only when neither wrote (round 41); what the preview
wrote was the word of the watch in the program's own process, which the program can edit and which hears
only what raises an audit event (`os.mknod`, `os.mkfifo` raise none; a UNIX socket's bind makes a file).
The gate now looks at the program's directory itself once the preview has ended, and those calls are
writes; `readline` and SQLite files (read and written by C code) are refused. Each check failed on the
code before the round (08783f16).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from gate import runner
from test_engine_r41 import _gate, settle


def test_an_update_beside_a_preview_that_hid_its_write_is_recorded_again(run_gate, tmp_path) -> None:
    """Was exit 0: the preview cleared `_Watch.own`; the update, which looked first, stood."""
    proc = _gate(run_gate, "evil/update-preview-hides-write", tmp_path)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "require-eea-location" in {v["policy"] for v in json.loads(proc.stdout)["violations"]}


def test_a_file_node_made_outside_the_program_is_refused(run_gate, tmp_path) -> None:
    """Was exit 0: `os.mkfifo` in the temporary directory was heard by no hook."""
    proc = _gate(run_gate, "evil/update-preview-mknod-outside", tmp_path)
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "the program tries to make the file node (os.mknod, os.mkfifo)" in proc.stderr


def test_a_socket_bound_is_a_write_or_a_listener() -> None:
    """Was a KeyError: `socket.bind` was no event of the watch (`evil/listen-for-region`: exit 0)."""
    from gate.side_effects import _Watch, _what

    _Watch.root = Path("/nonexistent-program")
    try:
        assert _what("socket.bind", (None, "/tmp/agent.sock")) == "bind a UNIX socket at /tmp/agent.sock"
        assert _what("socket.bind", (None, "\0abstract")) == "listen at @abstract"    # no file: a listener
        assert _what("socket.bind", (None, ("127.0.0.1", 0))) == "listen at 127.0.0.1:0"
        assert _what("socket.bind", (None, "/nonexistent-program/seen")) is None   # its own file
        assert "/nonexistent-program/seen" in _Watch.own
    finally:
        _Watch.root, _Watch.own = None, set()


def test_a_file_node_made_in_the_program_is_its_own_write(tmp_path) -> None:
    """Was unheard (no audit event): `wrote` stayed empty, so the update beside the preview stood."""
    from gate.side_effects import _Watch, refusing_side_effects

    folder = os.open(tmp_path, os.O_RDONLY)
    try:
        with refusing_side_effects(lambda uri: "", [], tmp_path):
            os.mkfifo("pipe", mode=0o600, dir_fd=folder)
            os.mknod(tmp_path / "node")
            assert _Watch.own == {str(tmp_path / "pipe"), str(tmp_path / "node")}
    finally:
        os.close(folder)


def test_a_sqlite_database_in_a_file_is_refused() -> None:
    """Was a KeyError (no event of the watch): stack b read what stack a kept in `build/state.db`."""
    from gate.side_effects import _what

    said = _what("sqlite3.connect", ("/p/build/state.db",)) or ""
    assert said.startswith("open the SQLite database /p/build/state.db"), said
    assert _what("sqlite3.connect", (":memory:",)) is None


def test_readline_is_refused_at_import() -> None:
    """Was let through: `readline.write_history_file` writes any file, heard by no hook."""
    from gate.side_effects import _what

    assert (_what("import", ("readline",)) or "").startswith("import readline, whose C code")
    assert _what("import", ("mypkg.readline",)) is None


def _record(tmp_path: Path, monkeypatch, change: Path | None, options: dict | None = None) -> list[str]:
    """One stack recorded by fake workers; the preview changes `change` without a word of it."""
    program = tmp_path / "program"
    program.mkdir(exist_ok=True)
    events: list[str] = []

    def preview(where, stack, dirs, deadline, given, forker):
        if change is not None:
            change.parent.mkdir(parents=True, exist_ok=True)
            change.write_text("seen")
        return runner.StackRun(stack=stack, project="p", checkpoint={}, config={})

    def update(where, stack, dirs, deadline, given, forker):
        events.append("beside" if given.get("beside_preview") else "after")
        return {}

    monkeypatch.setattr(runner, "run_worker", preview)
    monkeypatch.setattr(runner, "run_update", update)
    settle(program)
    runner._record(program, ["s"], tmp_path / "out", 2, tmp_path / "out", None, {"s": set()}, options or {},
                   None, None, None)
    return events


def test_a_file_the_preview_changed_unsaid_records_the_update_again(tmp_path, monkeypatch) -> None:
    """Was one update, beside the preview: its `wrote` was empty."""
    events = _record(tmp_path, monkeypatch, tmp_path / "program" / "build" / "seen")
    assert events == ["beside", "after"], events


def test_what_changed_where_the_gate_writes_records_nothing_again(tmp_path, monkeypatch) -> None:
    """The gate's output directory inside the program is the gate's to write (held before the round); the
    same change anywhere else of the program's records the update again (was one update)."""
    out = tmp_path / "program" / "build" / "gate"
    out.mkdir(parents=True)
    events = _record(tmp_path, monkeypatch, out / "corpus.state.json", {"judged_paths": [str(out)]})
    assert events == ["beside"], events
    assert _record(tmp_path, monkeypatch, out / "corpus.state.json") == ["beside", "after"]   # not judged


def test_a_time_set_back_still_tells_the_change(tmp_path) -> None:
    """Was an ImportError (no gate.preview_changes): the status change time, which `os.utime` cannot set
    back, tells the rewrite."""
    from gate.preview_changes import changed_since, now_ns

    seen = tmp_path / "program" / "seen"
    seen.parent.mkdir()
    seen.write_text("old")
    old = seen.stat()
    settle(seen.parent)
    began = now_ns()
    seen.write_text("new")
    os.utime(seen, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert changed_since(str(seen.parent), began) == str(seen)
