"""require-timely-record-renewal: owners are warned before a waiver or PIA acceptance lapses."""

from __future__ import annotations

import pytest
from policy_testlib import LB, graph, messages, res, waiver

from policies.core import records

PIA = """\
stack: test
reference: PIA-T
classification: vertrouwelijk
platform: azure
action_points: {}
residual_risk: {accepted_by: "leidend ambtenaar X", accepted_on: 2026-01-01, expires: 2027-01-15}
"""


@pytest.fixture
def records_dir(records_dir):
    """A waiver expiring on 2026-12-31 and a residual-risk acceptance expiring on 2027-01-15."""
    (records_dir / "waivers" / "test.yaml").write_text(
        "waivers:\n" + waiver("require-tls-1-2", LB, owner="web team", expires="2026-12-31"))
    (records_dir / "pia" / "test.yaml").write_text(PIA)
    return records_dir


def _on(monkeypatch, day: str, config: dict | None = None) -> list[str]:
    monkeypatch.setenv("GATE_AS_OF", day)
    return [m for _, m in messages("require-timely-record-renewal",
                                   graph(res("aws:lb/listener:Listener", "lb")), config)]


def test_nothing_due_outside_the_window(records_dir, monkeypatch):
    assert _on(monkeypatch, "2026-11-30") == []          # waiver expires in 31 days, acceptance in 46


def test_waiver_due_inside_the_window(records_dir, monkeypatch):
    p = f"{records_dir}/waivers/test.yaml"
    assert _on(monkeypatch, "2026-12-01") == [
        f"{p}: waiver of require-tls-1-2 for {LB} expires on 2026-12-31 (30 days after 2026-12-01); "
        "owner web team must renew or resolve it"
    ]


def test_acceptance_due_inside_the_window(records_dir, monkeypatch):
    (records_dir / "waivers" / "test.yaml").write_text("waivers: []\n")
    p = f"{records_dir}/pia/test.yaml"
    assert _on(monkeypatch, "2026-12-16") == [
        f"{p}: residual_risk acceptance expires on 2027-01-15 (30 days after 2026-12-16); leidend "
        "ambtenaar X must renew it (D36 §101 7th)"
    ]


def test_window_is_configurable(records_dir, monkeypatch):
    assert _on(monkeypatch, "2026-11-30", {"renewalWarningDays": 31})[0].startswith(
        f"{records_dir}/waivers/test.yaml: waiver of require-tls-1-2")
    assert len(_on(monkeypatch, "2026-11-30", {"renewalWarningDays": 46})) == 2
    assert _on(monkeypatch, "2026-12-30", {"renewalWarningDays": 0}) == []
    # numbers cross the Analyzer protocol as floats
    assert len(_on(monkeypatch, "2026-11-30", {"renewalWarningDays": 46.0})) == 2


def test_expired_records_are_left_to_the_blocking_rules(records_dir, monkeypatch):
    assert _on(monkeypatch, "2027-01-16", {"renewalWarningDays": 365}) == []


def test_bad_window_or_date_fails_closed(records_dir, monkeypatch):
    for bad in (-1, 2.5, "30", True):
        [message] = _on(monkeypatch, "2026-12-01", {"renewalWarningDays": bad})
        assert "could not judge" in message and "renewalWarningDays" in message
    [message] = _on(monkeypatch, "2026-12-1")
    assert "could not judge" in message and "GATE_AS_OF: '2026-12-1' is not a date (YYYY-MM-DD)" in message


def test_evaluation_date_reads_the_clock_only_without_gate_as_of(monkeypatch, time_machine):
    time_machine.move_to("2031-05-06 12:00:00+00:00")
    monkeypatch.delenv("GATE_AS_OF")
    assert records.evaluation_date().isoformat() == "2031-05-06"
    monkeypatch.setenv("GATE_AS_OF", "2026-02-03")
    assert records.evaluation_date().isoformat() == "2026-02-03"


def test_add_months_clamps_to_the_month_end():
    import datetime as dt

    assert records.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert records.add_months(dt.date(2026, 11, 30), 12) == dt.date(2027, 11, 30)
    assert records.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
