"""The expiry dates in the committed records (stacks/records), for the calendar tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

RECORDS = Path(__file__).resolve().parents[1] / "stacks" / "records"


def committed_expiries() -> dict[str, dt.date]:
    """'waivers/<stack>.yaml[i]' and 'pia/<stack>.yaml' -> the expiry date of that record."""
    found: dict[str, dt.date] = {}
    for path in sorted((RECORDS / "waivers").glob("*.yaml")):
        for i, w in enumerate((yaml.safe_load(path.read_text()) or {}).get("waivers") or []):
            found[f"waivers/{path.name}[{i}]"] = w["expires"]
    for path in sorted((RECORDS / "pia").glob("*.yaml")):
        found[f"pia/{path.name}"] = yaml.safe_load(path.read_text())["residual_risk"]["expires"]
    return found


def day_after_every_expiry() -> dt.date:
    return max(committed_expiries().values()) + dt.timedelta(days=1)
