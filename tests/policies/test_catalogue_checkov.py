"""Controls cite checkov checks as further evidence; every cited id is one the pinned checkov ships."""

from __future__ import annotations

import json
from pathlib import Path

from policies.catalogue import load_catalogue

TARGETS = Path(__file__).resolve().parents[2] / "scripts" / "gate" / "checkov" / "data" / "targets.json"


def test_every_cited_checkov_id_exists_in_the_pinned_checkov() -> None:
    targets = json.loads(TARGETS.read_text(encoding="utf-8"))
    known = set(targets["terraform"]) | set(targets["arm"])
    cited = {(c.id, ck) for c in load_catalogue().controls for ck in c.checkov}
    assert cited, "no control cites a checkov check"
    assert sorted((cid, ck) for cid, ck in cited if ck not in known) == []


def test_encryption_and_logging_controls_cite_checkov() -> None:
    cat = load_catalogue()
    assert "CKV_AWS_7" in cat.control("ENC-02").checkov          # KMS key rotation
    assert "CKV_AWS_67" in cat.control("LOG-01").checkov         # CloudTrail in all regions
