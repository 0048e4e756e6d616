"""Round 50 of the gate's red team: round 49 let any empty regular file under the run's `checkov/` pass the
walk of the run's own directory (checkov's drivers leave empty outputs there); a stack that found the run's
directory could leave one there unseen. Only the names the drivers write pass now."""

from __future__ import annotations

import time

import pytest
from gate.errors import GateError
from gate.preview_changes import now_ns, refuse_protected

LEFT = ("checkov/portal-prod/eu-west-1", "checkov/.drivers/eu-west-1", "checkov/.drivers/job-1/eu-west-1",
        "checkov/.drivers/job-x/stdout", "checkov/.drivers/job-/stderr", "checkov/.drivers/driver/stdout",
        "checkov/.drivers/job-1/sub/stdout", "checkov/.drivers/stderr", "checkov/stdout")
WRITTEN = ("checkov/.drivers/driver/stderr", "checkov/.drivers/job-1/stdout",
           "checkov/.drivers/job-12/stderr")


def _run(tmp_path, files, written=WRITTEN):
    root = tmp_path / "p"
    out = root / "build" / "gate"
    run = out / ".runs" / "abc"
    run.mkdir(parents=True)
    since = now_ns()
    time.sleep(0.02)
    for name in files:
        (run / name).parent.mkdir(parents=True, exist_ok=True)
        (run / name).write_text("")
    refuse_protected(root, since, [str(out)], [out], run, lambda: {str(run / name) for name in written})


def test_the_empty_files_checkovs_drivers_write_pass(tmp_path):
    _run(tmp_path, WRITTEN)


@pytest.mark.parametrize("name", LEFT)
def test_an_empty_file_elsewhere_under_the_runs_checkov_is_refused(tmp_path, name):
    with pytest.raises(GateError, match=rf"abc/{name}: a node or an empty file made in the gate's own"):
        _run(tmp_path, (*WRITTEN, name))
