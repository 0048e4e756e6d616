"""The recorder writes the project stacks byte for byte as in tests/gate/golden (see golden_states)."""

from __future__ import annotations

import hashlib
import json

import pytest
from golden_states import STACKS, canonical, golden_path, program_fingerprint, recorded


@pytest.mark.parametrize("stack", STACKS)
def test_recorded_state_matches_golden(stack: str, tmp_path) -> None:
    golden = json.loads(golden_path(stack).read_text(encoding="utf-8"))
    # A stale golden fails rather than skips: skipping left the recorder unchecked for weeks.
    assert golden["program_fingerprint"] == program_fingerprint(), (
        "program sources changed since the golden was recorded: run "
        "`PYTHONPATH=scripts:. python tests/gate/golden_states.py`, review the diff of tests/gate/golden")
    body = canonical(recorded(stack))
    actual = hashlib.sha256(body.encode()).hexdigest()
    if actual != golden["sha256"]:
        (tmp_path / f"{stack}.json").write_text(body, encoding="utf-8")
    assert actual == golden["sha256"], f"recording of {stack} changed; actual written to {tmp_path}"
