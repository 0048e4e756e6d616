"""Round 51 of the gate's red team: round 50 let an empty file pass the walk of the run's own directory
wherever its name was one a checkov driver writes (`checkov/.drivers/job-N/stdout`), also for a scan the run
never had (`job-7` of a run with one scan): a number another stack could learn. Only the files the run's own
drivers wrote pass now (`Drivers.files`, asked after the walk)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate.checkov import processes
from gate.checkov.parallel import FRAMEWORKS
from gate.errors import GateError
from test_engine_r50 import _run

RAN = ("checkov/.drivers/driver/stderr", "checkov/.drivers/job-1/stdout", "checkov/.drivers/job-1/stderr")


def _walk(tmp_path: Path, made: tuple[str, ...], written: tuple[str, ...] = RAN) -> None:
    _run(tmp_path, made, written)


def test_the_files_of_the_runs_own_scans_pass(tmp_path: Path) -> None:
    _walk(tmp_path, RAN)


@pytest.mark.parametrize("name", ["checkov/.drivers/job-7/stdout", "checkov/.drivers/job-2/stderr",
                                  "checkov/.drivers/job-01/stdout"])
def test_a_drivers_file_name_for_a_scan_the_run_never_had_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(GateError, match=rf"abc/{name}: a node or an empty file made in the gate's own"):
        _walk(tmp_path, (*RAN, name))


def test_the_drivers_stderr_is_refused_when_an_early_driver_took_the_scans(tmp_path: Path) -> None:
    """An early driver's messages go to an unnamed file: no `driver/stderr` is the run's then."""
    with pytest.raises(GateError, match=r"abc/checkov/.drivers/driver/stderr: a node or an empty file"):
        _walk(tmp_path, RAN, written=RAN[1:])


def test_no_checkov_no_file_of_a_driver_passes(tmp_path: Path) -> None:
    with pytest.raises(GateError, match=r"\(3 such file\(s\)\)"):
        _walk(tmp_path, RAN, written=())


@pytest.mark.slow
def test_drivers_name_every_file_their_scans_left(tmp_path: Path) -> None:
    """The real processes: each empty file under the drivers' logs is one `Drivers.files` names, before
    and after `close` (the walk asks after the recording, when the scans may have ended)."""
    (tmp_path / "empty").mkdir()
    drivers = processes.Drivers(tmp_path / "logs", FRAMEWORKS, 300)
    try:
        drivers.run(tmp_path / "empty")
        drivers.run(tmp_path / "empty")
        during = drivers.files()
    finally:
        drivers.close()
    left = {str(p) for p in (tmp_path / "logs").rglob("*") if p.is_file()}
    assert left and left <= during == drivers.files()
    assert {Path(f).relative_to(tmp_path / "logs").as_posix() for f in during} == {
        "driver/stderr", "job-1/stdout", "job-1/stderr", "job-2/stdout", "job-2/stderr"}


def test_the_checkov_views_are_never_an_empty_file_where_the_walk_looks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the README's main job beside the CI (session 52): a view the export was writing when the
    walk passed was an empty `dosis-prod.tfplan.json` for an instant, and the run failed (exit 2). The
    views are written through the gate's temporary name and a rename, as its other files are."""
    from gate.checkov.runner import export_stack

    bucket = {"urn": "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", "type": "aws:s3/bucket:Bucket",
              "custom": True, "id": "b", "inputs": {"bucket": "b"},
              "outputs": {"bucket": "b", "region": "eu-west-1"}}

    def refused(self: Path, *args: object, **kwargs: object) -> int:
        raise AssertionError(f"{self}: written in place (empty for an instant)")
    monkeypatch.setattr(Path, "write_text", refused)
    export = export_stack("s", {"deployment": {"resources": [bucket]}}, tmp_path / "views")
    assert export.files and all((tmp_path / "views" / name).read_text() == text
                                for name, text in export.files.items())
