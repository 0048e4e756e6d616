"""Fixtures of the per-rule tests: policy_testlib (one directory up) on the import path; a records
directory."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # policy_testlib, shared with tests/policies

from policies.core import records


@pytest.fixture
def records_dir(tmp_path, monkeypatch):
    """An empty records directory (pia/, waivers/) the rules read instead of stacks/records."""
    (tmp_path / "pia").mkdir()
    (tmp_path / "waivers").mkdir()
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    records.clear_cache()
    yield tmp_path
    records.clear_cache()
