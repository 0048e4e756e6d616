"""Round 10: the update graph judged in full — a value unknown in preview is judged as deployed, and the
findings of the update graph say which recording they come from (JSON, SARIF, JUnit)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from gate.dual import WHEN_DEPLOYED, merge
from gate.model import StackReport, Violation
from gate.report import to_junit, to_sarif
from gate.runner import StackRun, with_update
from gate.wire import UNKNOWN

URN = "urn:pulumi:corpus::p::aws:lambda/function:Function::worker"
STACK_URN = "urn:pulumi:corpus::p::pulumi:pulumi:Stack::p-corpus"


def _state(value: str) -> dict:
    return {"deployment": {"resources": [
        {"urn": URN, "type": "aws:lambda/function:Function", "custom": True,
         "inputs": {"environment": {"variables": {"EXPORT_QUEUE": value}}}}]}}


def _finding(message: str, level: str = "mandatory") -> Violation:
    return Violation(pack="eu-residency", policy="disallow-non-eea-replication", level=level,  # type: ignore[arg-type]
                     severity="critical", urn=URN, type="aws:lambda/function:Function", message=message)


def test_an_update_graph_that_only_knows_what_the_preview_did_not_is_kept_for_judging():
    """Unknown in preview, a us-east-1 queue when deployed: no difference in a known value, and still the
    update graph is the run's to judge (round 9 dropped it)."""
    preview, update = _state(UNKNOWN), _state("https://sqs.us-east-1.amazonaws.com/123456789012/export")
    run = with_update(StackRun(stack="corpus", project="p", checkpoint=preview, config={}),
                      {"update_checkpoint": update})
    assert run.differences == []
    assert run.update_checkpoint is update


def test_a_finding_of_the_update_graph_only_says_so_in_its_message_and_recording():
    report = StackReport(stack="corpus", resources=1, violations=[])
    update = StackReport(stack="corpus", resources=1, violations=[_finding(
        "Data stays in the EEA.\n`environment.variables.EXPORT_QUEUE` is in 'us-east-1'")])
    merge(report, update, [], [], STACK_URN)
    (v,) = report.violations
    assert v.message == ("Data stays in the EEA.\n(when deployed, not in preview) "
                         "`environment.variables.EXPORT_QUEUE` is in 'us-east-1'")
    assert WHEN_DEPLOYED == "(when deployed, not in preview)"
    assert v.recording == "update" and v.to_json()["recording"] == "update"


def test_a_finding_the_preview_already_made_is_not_repeated_and_stays_the_previews():
    same = _finding("Data stays in the EEA.\nsame words")
    report = StackReport(stack="corpus", resources=1, violations=[same])
    merge(report, StackReport(stack="corpus", resources=1, violations=[same]), [], [], STACK_URN)
    assert [v.recording for v in report.violations] == ["preview"]
    assert same.to_json()["recording"] == "preview"


def _both() -> StackReport:
    report = StackReport(stack="corpus", resources=1, violations=[])
    update = StackReport(stack="corpus", resources=1, violations=[
        _finding("Data stays in the EEA.\nblocks"), _finding("Data stays in the EEA.\nnotes", "advisory")])
    merge(report, update, [], [], STACK_URN)
    return report


def test_sarif_says_which_recording_each_result_is_from():
    results = to_sarif([_both()])["runs"][0]["results"]
    assert [r["properties"]["recording"] for r in results] == ["update", "update"]


def test_junit_says_which_recording_each_failure_is_from():
    root = ET.fromstring(to_junit([_both()]))
    (failure,) = root.iter("failure")
    assert failure.get("message") == f"{URN} [update graph]: (when deployed, not in preview) blocks"
    (out,) = root.iter("system-out")
    assert out.text == f"[advisory, update graph] {URN}: (when deployed, not in preview) notes"


def test_json_report_carries_the_recording_of_every_finding():
    data = json.loads(json.dumps(_both().violations[0].to_json()))
    assert data["recording"] == "update"
