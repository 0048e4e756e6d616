"""Rendering the gate's verdicts: a preview-like text summary, JSON, SARIF 2.1.0 and JUnit XML.

`render(report, fmt)` renders one stack as one document (a JSON object, a SARIF log with one run, one JUnit
suite); `render([reports...], fmt)` renders `--all` (a JSON list, one SARIF run and one JUnit testsuite per
stack). Messages are printed as the packs wrote them; the gate never holds secrets in clear, so nothing
here needs redacting.
"""

from __future__ import annotations

import hashlib
import sys
import xml.etree.ElementTree as ET
from typing import Any, TextIO

from gate.jsonio import dumps
from gate.model import PolicyRun, StackReport, Violation
from gate.report_parts import detail, grouped, short_name

FORMATS = ("text", "json", "sarif", "junit")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "gate"
TOOL_URI = "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/"
FINGERPRINT = "gateFinding/v1"


def render(reports: StackReport | list[StackReport], fmt: str, out: TextIO | None = None, *,
           quiet: bool = False, reports_dir: str = "") -> None:
    """Write the report(s) in `fmt` to `out` (stdout by default); `quiet`/`reports_dir` shape the text."""
    out = out if out is not None else sys.stdout
    many = isinstance(reports, list)
    items: list[StackReport] = reports if isinstance(reports, list) else [reports]
    if fmt == "json":
        docs = [r.to_json() for r in items]
        out.write(dumps(docs if many else docs[0]))
    elif fmt == "sarif":
        out.write(dumps(to_sarif(items)))
    elif fmt == "junit":
        out.write(to_junit(items))
    elif fmt == "text":
        from gate.report_text import render_text

        render_text(items, out, quiet=quiet, reports_dir=reports_dir)
    else:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


# ------------------------------------------------------------------------------------------- SARIF


def _rule_id(pack: str, policy: str) -> str:
    return f"{pack}/{policy}"


def _sarif_level(v: Violation) -> str:
    if v.waiver is not None:
        return "note"
    return "error" if v.blocking else "warning"


def _default_level(level: str) -> str:
    return {"mandatory": "error", "remediate": "error", "advisory": "warning"}.get(level, "none")


def to_sarif(reports: list[StackReport]) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run per stack, rules from the evaluated policies, results per violation."""
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [_sarif_run(r) for r in reports]}


def _sarif_run(report: StackReport) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}

    def rule(pack: str, policy: str, level: str, severity: str, description: str) -> int:
        rid = _rule_id(pack, policy)
        if rid not in index:
            index[rid] = len(rules)
            entry: dict[str, Any] = {
                "id": rid,
                "name": policy,
                "defaultConfiguration": {"level": _default_level(level)},
                "properties": {"pack": pack, "enforcementLevel": level, "severity": severity},
            }
            if description:
                entry["shortDescription"] = {"text": description}
            rules.append(entry)
        return index[rid]

    for p in report.policies:
        rule(p.pack, p.policy, p.level, p.severity, p.description)
    results = []
    for v in report.violations:
        description = v.message.partition("\n")[0] if "\n" in v.message else ""
        i = rule(v.pack, v.policy, v.level, v.severity, description)
        if v.urn:
            location = {"fullyQualifiedName": v.urn, "name": short_name(v.urn), "kind": "resource"}
        else:
            location = {"fullyQualifiedName": report.stack, "name": report.stack, "kind": "module"}
        result: dict[str, Any] = {
            "ruleId": _rule_id(v.pack, v.policy),
            "ruleIndex": i,
            "level": _sarif_level(v),
            "message": {"text": v.message},
            "locations": [{"physicalLocation": _physical(report, v), "logicalLocations": [location]}],
            "partialFingerprints": {FINGERPRINT: _fingerprint(report.stack, v)},
            "properties": {"stack": report.stack, "pack": v.pack, "enforcementLevel": v.level,
                           "severity": v.severity, "resourceType": v.type, "source": v.source,
                           "sourceChain": list(v.source_chain)},
        }
        if v.waiver is not None:
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": _waiver_text(v.waiver)}]
        results.append(result)
    return {
        "tool": {"driver": {"name": TOOL_NAME, "informationUri": TOOL_URI, "rules": rules}},
        "automationDetails": {"id": f"gate/{report.stack}/"},
        "results": results,
        "properties": {"stack": report.stack, "blocked": report.blocked, "resources": report.resources,
                       "asOf": report.as_of},
    }


def _physical(report: StackReport, v: Violation) -> dict[str, Any]:
    """The file and line in the repository (the program's source, else the stack's config file)."""
    file, _, line = (v.source or report.source_fallback or "Pulumi.yaml:1").rpartition(":")
    if not file or not line.isdigit():
        file, line = v.source or report.source_fallback, "1"
    uri = f"{report.source_root.rstrip('/')}/{file}" if report.source_root else file
    return {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}, "region": {"startLine": int(line)}}


def _fingerprint(stack: str, v: Violation) -> str:
    """Stable across commits (no line number): the same finding on the same resource keeps its alert."""
    key = "\0".join((stack, v.pack, v.policy, v.urn, detail(v.message)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _waiver_text(waiver: dict[str, Any]) -> str:
    text = f"waiver {waiver.get('rule')} until {waiver.get('expires')}, owner {waiver.get('owner')}"
    return f"{text}: {waiver['reason']}" if waiver.get("reason") else text


# ------------------------------------------------------------------------------------------- JUnit


def to_junit(reports: list[StackReport]) -> str:
    """JUnit XML: one testsuite per stack, one testcase per policy, a failure per blocking violation."""
    suites = ET.Element("testsuites", name=TOOL_NAME)
    total_tests = total_failures = 0
    for report in reports:
        cases = _cases(report)
        failures = sum(1 for _, found in cases if any(v.blocking for v in found))
        suite = ET.SubElement(suites, "testsuite", name=report.stack, tests=str(len(cases)),
                              failures=str(failures), errors="0",
                              skipped=str(sum(1 for run, _ in cases if run.level == "disabled")))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="resources", value=str(report.resources))
        ET.SubElement(props, "property", name="blocked", value=str(report.blocked).lower())
        for run, found in cases:
            case = ET.SubElement(suite, "testcase", classname=f"{report.stack}.{run.pack}", name=run.policy)
            if run.level == "disabled":
                ET.SubElement(case, "skipped", message="policy disabled")
                continue
            for v in found:
                if v.blocking:
                    where = f"{v.source} {v.urn}" if v.source else (v.urn or f"stack {report.stack}")
                    failure = ET.SubElement(case, "failure", type=v.level,
                                            message=f"{where}: {detail(v.message)}")
                    failure.text = f"{where} ({v.type})\n{v.message}" if v.type else f"{where}\n{v.message}"
            others = [v for v in found if not v.blocking]
            if others:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(f"[{'waived' if v.waiver else v.level}] {v.urn or report.stack}: "
                                     f"{detail(v.message)}" for v in others)
        total_tests += len(cases)
        total_failures += failures
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _cases(report: StackReport) -> list[tuple[PolicyRun, list[Violation]]]:
    """Every evaluated policy, plus any policy that only appears in findings (e.g. checkov checks)."""
    found = {(p, q): vs for p, group in grouped(report.violations).items() for q, vs in group.items()}
    cases = [(run, found.pop((run.pack, run.policy), [])) for run in report.policies]
    for (pack, policy), vs in found.items():
        cases.append((PolicyRun(pack=pack, policy=policy, level=vs[0].level, severity=vs[0].severity,
                                violations=len(vs)), vs))
    return cases
