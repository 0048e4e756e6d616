"""Round 41 (docs/gate-red-team.md): a stack's update recorded beside its preview.

`pulumi up` runs the update on the checkout its preview left. The gate recorded both at once, so the
update either missed a file the preview writes (evil: it deploys elsewhere when the file is there, exit 0)
or was refused it as another recording's (compliant: `if not tags.exists(): write it`, exit 1). An update
beside its preview may write nothing; when either wrote, the update is recorded again once the preview
has ended, and may read what the preview wrote, as the preview left it. Each check failed on the code
before the round (101840a6) but the last, which held there.
"""

from __future__ import annotations

import json
import os
import shutil
import time
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


def _record(tmp_path: Path, monkeypatch, wrote: list[str], held: bool) -> list[str]:
    """One stack recorded by fake workers (two at once): what happened, in order."""
    events: list[str] = []

    def preview(program, stack, dirs, deadline, options, forker):
        run = runner.StackRun(stack=stack, project="p", checkpoint={}, config={})
        run.wrote = wrote
        events.append("preview ended")
        return run

    def update(program, stack, dirs, deadline, options, forker):
        events.append(f"update beside={options.get('beside_preview')} left={options.get('preview_left')}")
        return {"held": held} if options.get("beside_preview") else {}

    monkeypatch.setattr(runner, "run_worker", preview)
    monkeypatch.setattr(runner, "run_update", update)
    settle(tmp_path)
    runner._record(tmp_path, ["s"], tmp_path / "out", 2, tmp_path / "out", None, {"s": set()}, {}, None,
                   None, None)
    return events


def settle(root: Path) -> None:
    """Until the clock a preview's start is taken from has passed every status change under `root`: a file
    stamped from the fine clock is ahead of it for up to a tick (round 42 looks at those changes)."""
    last = max(p.lstat().st_ctime_ns for p in [root, *root.rglob("*")])
    while time.clock_gettime_ns(5) <= last:     # Linux's CLOCK_REALTIME_COARSE: gate.preview_changes.now_ns
        time.sleep(0.001)


def test_an_update_is_recorded_again_after_a_preview_that_wrote(tmp_path, monkeypatch) -> None:
    """Was: the update recorded beside the preview stood, whatever the preview wrote."""
    made = tmp_path / "build" / "tags.json"
    made.parent.mkdir()
    made.write_text("{}")
    events = _record(tmp_path, monkeypatch, [str(made)], held=False)
    st = made.stat()
    left = {str(made): [st.st_mtime_ns, st.st_size, st.st_ino]}
    assert sorted(events[:2]) == ["preview ended", "update beside=True left=None"], events
    assert events[2:] == [f"update beside=None left={left}"], events


def test_an_update_that_would_write_beside_its_preview_is_recorded_again(tmp_path, monkeypatch) -> None:
    """Was: recorded once, its write taken as its own while the preview ran beside it."""
    events = _record(tmp_path, monkeypatch, [], held=True)
    assert sorted(events[:2]) == ["preview ended", "update beside=True left=None"], events
    assert events[2:] == ["update beside=None left={}"], events


def test_recordings_that_wrote_nothing_are_not_repeated(tmp_path, monkeypatch) -> None:
    """The common case keeps its two recordings at once, and records nothing again."""
    events = _record(tmp_path, monkeypatch, [], held=False)
    assert sorted(events) == ["preview ended", "update beside=True left=None"], events


def test_a_file_the_preview_left_is_readable_only_as_it_left_it(tmp_path) -> None:
    """Another recording's rewrite of it is still refused."""
    from gate.left_behind import fingerprint
    from gate.side_effects import _left_by_another, _Watch, preview_left

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


XATTR_PROGRAM = '''"""The region is an extended attribute of settings.txt: no open, no stat."""
import os
from pathlib import Path

import pulumi_aws as aws

aws.s3.Bucket("records", region=os.getxattr(Path(__file__).with_name("settings.txt"), "user.region").decode())
'''


def test_a_changed_extended_attribute_records_the_stack_again(run_gate, tmp_path) -> None:
    """Round 40's lead 2. Was exit 0: the cached entry of the eu-west-1 run answered the us-east-1 one."""
    program = tmp_path / "program"
    shutil.copytree(CORPUS / "good/update-reads-preview-generated", program,
                    ignore=shutil.ignore_patterns("__main__.py"))
    (program / "__main__.py").write_text(XATTR_PROGRAM)
    settings = program / "settings.txt"
    settings.write_text("")
    os.setxattr(settings, "user.region", b"eu-west-1")
    flags = (*(f for f in JUDGE if f != "--no-cache"), "--cache-dir", str(tmp_path / "cache"))
    first = run_gate("preview", "--program", program, "--stack", "corpus", *flags, "--out", tmp_path / "o1")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
    os.setxattr(settings, "user.region", b"us-east-1")
    proc = run_gate("preview", "--program", program, "--stack", "corpus", *flags, "--out", tmp_path / "o2")
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]


def test_an_extended_attribute_is_part_of_a_probe(tmp_path) -> None:
    """Was the same digest: the probe told kind, size and mode only."""
    from gate.read_probes import probe_digest

    settings = tmp_path / "settings.txt"
    settings.write_text("")
    before = probe_digest(str(settings))
    os.setxattr(settings, "user.region", b"us-east-1")
    assert probe_digest(str(settings)) != before
