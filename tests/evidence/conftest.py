"""Fixtures of the evidence tests (helpers live in evidence_fixtures.py)."""

from __future__ import annotations

from typing import Any

import pytest
from evidence_fixtures import PROJECT, catalogue, fake_collect, rule_meta


@pytest.fixture
def export_kwargs() -> dict[str, Any]:
    """Arguments that make `export` run on fixtures only (no gate, no catalogue module)."""
    return {
        "catalogue": catalogue(),
        "rule_meta": rule_meta(),
        "collect": fake_collect,
        "register_path": PROJECT / "stacks/records/processing-register.yaml",
    }


@pytest.fixture(autouse=True)
def _signing_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bundles are signed with a throw-away key, never one in the real home directory."""
    key = tmp_path_factory.getbasetemp() / "signing" / "key.pem"
    monkeypatch.setenv("EVIDENCE_SIGNING_KEY", str(key))
