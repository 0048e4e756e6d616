"""The suite is calendar-proof: with the clock far past every committed expiry it still passes.

The record-judging tests run again in a subprocess whose clock (and that of every Python process it
starts: gate, packs over gRPC, evidence) is moved a year past the last expiry in stacks/records, with
time-machine started from a sitecustomize module. They pass because the evaluation date is pinned
(GATE_AS_OF in tests/conftest.py); test_as_of.py shows that the gate itself does block at that date.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from committed_records import committed_expiries

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
# What judges records: waivers and PIA records in the packs, checkov waivers, the gate on the project.
RECORD_JUDGING = [
    "tests/policies/rules/test_require_pia_record.py",
    "tests/policies/rules/test_require_valid_waivers.py",
    "tests/policies/test_policy_crossguard.py",
    "tests/policies/rules/test_require_timely_record_renewal.py",
    "tests/checkov/test_checkov_tools.py",
    "tests/gate/test_as_of.py",
]
SITECUSTOMIZE = """\
import os, time_machine
_traveller = time_machine.travel(os.environ["FAKE_CLOCK"], tick=True)
_traveller.start()
"""


def test_record_judging_tests_pass_with_the_clock_past_every_expiry(tmp_path: Path) -> None:
    future = max(committed_expiries().values()) + dt.timedelta(days=365)
    (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE)
    probe = "import datetime; print(datetime.date.today().isoformat())"
    env = {**os.environ, "FAKE_CLOCK": f"{future.isoformat()} 12:00:00+00:00",
           "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    seen = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert seen.stdout.strip() == future.isoformat()   # the fake clock reaches child processes

    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
                           *RECORD_JUDGING], cwd=REPO, env=env, capture_output=True, text=True, check=False,
                          timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout.splitlines()[-1]
