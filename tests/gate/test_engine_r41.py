"""Round 41 (docs/gate-red-team.md): a stack's update recorded beside its preview.

`pulumi up` runs the update on the checkout its preview left. The gate recorded both at once, so the
update either missed a file the preview writes (evil: it deploys elsewhere when the file is there, exit 0)
or was refused it as another recording's (compliant: `if not tags.exists(): write it`, exit 1). The update
now starts once its preview has ended and may read what the preview wrote, as the preview left it.
Each check but the last failed on the code before the round (101840a6).
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

from gate import runner
from test_engine_red_team import CORPUS, JUDGE


def _gate(run_gate, case: str, tmp_path: Path):
    program = tmp_path / "program"
    shutil.copytree(CORPUS / case, program)
    return run_gate("preview", "--program", program, "--stack", "corpus", *JUDGE, "--out", tmp_path / "out")


def test_an_update_reads_the_file_its_preview_generated(run_gate, tmp_path) -> None:
    """Was exit 1: `update-not-recorded`, "which another recording of this run wrote"."""
    proc = _gate(run_gate, "good/update-reads-preview-generated", tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def test_an_update_sees_the_file_its_preview_left(run_gate, tmp_path) -> None:
    """Was exit 0: the update, recorded beside the preview, looked before the preview wrote."""
    proc = _gate(run_gate, "evil/update-reads-what-preview-left", tmp_path)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    found = {v["policy"] for v in json.loads(proc.stdout)["violations"]}
    assert "require-eea-location" in found, found


def test_a_stack_update_starts_once_its_preview_has_ended(tmp_path, monkeypatch) -> None:
    """With two workers free, the update waited for nothing: it ran while the preview did."""
    made = tmp_path / "build" / "tags.json"
    made.parent.mkdir()
    made.write_text("{}")
    update_started, seen = threading.Event(), {}

    def preview(program, stack, dirs, deadline, options, forker):
        seen["update during preview"] = update_started.wait(1)   # bounded: the old code started it at once
        run = runner.StackRun(stack=stack, project="p", checkpoint={}, config={})
        run.wrote = [str(made)]
        return run

    def update(program, stack, dirs, deadline, options, forker):
        update_started.set()
        seen["left"] = options.get("preview_left")
        return {}

    monkeypatch.setattr(runner, "run_worker", preview)
    monkeypatch.setattr(runner, "run_update", update)
    runner._record(tmp_path, ["s"], tmp_path / "out", 2, tmp_path / "out", None, {"s": set()}, {}, None,
                   None, None)
    assert seen["update during preview"] is False
    assert seen["left"] == {str(made): [made.stat().st_mtime_ns, made.stat().st_size, made.stat().st_ino]}


def test_a_file_the_preview_left_is_readable_only_as_it_left_it(tmp_path) -> None:
    """Another recording's rewrite of it is still refused."""
    from gate.side_effects import _left_by_another, _Watch, fingerprint, preview_left

    tags = tmp_path / "build" / "tags.json"
    tags.parent.mkdir()
    tags.write_text('{"owner": "dosis"}')
    preview_left({str(tags): fingerprint(tags.stat())})
    _Watch.root, _Watch.since, _Watch.own = tmp_path, 2, set()
    try:
        assert _left_by_another(str(tags)) is None
        tags.write_text('{"owner": "someone else, and longer"}')
        assert "which another recording of this run wrote" in (_left_by_another(str(tags)) or "")
    finally:
        _Watch.root, _Watch.since, _Watch.own = None, 0, set()
        preview_left({})


def test_a_file_no_preview_left_is_refused_as_before(tmp_path) -> None:
    """Held before the round: the update may read only what its own preview wrote."""
    from gate.side_effects import _left_by_another, _Watch

    (tmp_path / "theirs.txt").write_text("b")
    _Watch.root, _Watch.since, _Watch.own = tmp_path, 2, set()
    try:
        assert "which another recording of this run wrote" in (_left_by_another(str(tmp_path / "theirs.txt"))
                                                               or "")
    finally:
        _Watch.root, _Watch.since, _Watch.own = None, 0, set()
