"""Rendering the gate's verdicts: a preview-like text summary, JSON, SARIF 2.1.0 and JUnit XML.

`render(report, fmt)` renders one stack as one document (a JSON object, a SARIF log with one run, one JUnit
suite); `render([reports...], fmt)` renders `--all` (a JSON list, one SARIF run and one JUnit testsuite per
stack). Messages are printed as the packs wrote them; the gate never holds secrets in clear, so nothing
here needs redacting.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any, TextIO

from gate.model import PolicyRun, StackReport, Violation

FORMATS = ("text", "json", "sarif", "junit")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "gate"
TOOL_URI = "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/"


def render(reports: StackReport | list[StackReport], fmt: str, out: TextIO | None = None) -> None:
    """Write the report(s) in `fmt` to `out` (stdout by default)."""
    out = out if out is not None else sys.stdout
    many = isinstance(reports, list)
    items: list[StackReport] = reports if isinstance(reports, list) else [reports]
    if fmt == "json":
        docs = [r.to_json() for r in items]
        out.write(json.dumps(docs if many else docs[0], indent=1) + "\n")
    elif fmt == "sarif":
        out.write(json.dumps(to_sarif(items), indent=1) + "\n")
    elif fmt == "junit":
        out.write(to_junit(items))
    elif fmt == "text":
        render_text(items, out)
    else:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def short_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if urn else ""


def _detail(message: str) -> str:
    """The violation message without the policy description line the CLI prepends."""
    head, sep, rest = message.partition("\n")
    return rest if sep else head


# -------------------------------------------------------------------------------------------- text


def render_text(reports: list[StackReport], out: TextIO) -> None:
    """A preview-like summary per stack: resources per type and region, then violations by pack/policy."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, width=110, highlight=False, soft_wrap=False,
                      force_terminal=out.isatty() if hasattr(out, "isatty") else False)
    for report in reports:
        blocking = [v for v in report.violations if v.blocking]
        verdict = Text("BLOCKED", style="bold red") if report.blocked else Text("ok", style="bold green")
        header = Text(f"Stack {report.stack}: {report.resources} resources, ")
        if report.as_of:
            header.append(f"as of {report.as_of}, ")
        header.append(f"{len(report.violations)} findings ({len(blocking)} blocking): ")
        header.append(verdict)
        console.print(header)

        types = Table(title="Resources", title_justify="left", show_edge=False, pad_edge=False)
        types.add_column("type")
        types.add_column("count", justify="right")
        for t, n in report.resource_types.items():
            types.add_row(t, str(n))
        regions = Table(title="Regions", title_justify="left", show_edge=False, pad_edge=False)
        regions.add_column("region (own or provider's)")
        regions.add_column("count", justify="right")
        for region, n in report.regions.items():
            regions.add_row(region, str(n))
        console.print(types)
        console.print(regions)

        checked = [p for p in report.policies if p.level != "disabled"]
        console.print(f"Policies: {len(checked)} evaluated, "
                      f"{sum(1 for p in checked if p.violations)} with findings, "
                      f"{len(report.policies) - len(checked)} disabled")
        if not report.violations:
            console.print(Text("No policy violations.", style="green"))
        else:
            console.print(Text("Policy Violations:", style="bold"))
            for pack, policies in _grouped(report.violations).items():
                console.print(Text(f"    {pack}", style="bold"))
                for policy, found in policies.items():
                    _text_policy(console, policy, found)
        console.print()


def _grouped(violations: Iterable[Violation]) -> dict[str, dict[str, list[Violation]]]:
    grouped: dict[str, dict[str, list[Violation]]] = {}
    for v in violations:
        grouped.setdefault(v.pack, {}).setdefault(v.policy, []).append(v)
    return grouped


def _text_policy(console: Any, policy: str, found: list[Violation]) -> None:
    from rich.text import Text

    first = found[0]
    description = first.message.partition("\n")[0] if "\n" in first.message else ""
    line = Text("        ")
    levels = sorted({v.level for v in found})
    style = "red" if any(v.blocking for v in found) else "yellow"
    line.append(f"[{'/'.join(levels)}]", style=style)
    line.append(f"  {policy}  ({len(found)})")
    if first.severity:
        line.append(f"  severity {first.severity}")
    console.print(line)
    if description:
        console.print(Text(f"          {description}", style="dim"))
    for v in found:
        where = f"{short_name(v.urn)} ({v.type})" if v.urn else "stack"
        entry = Text(f"          - {where}: ")
        if v.waiver:
            entry.append(f"[waived until {v.waiver.get('expires')}, owner {v.waiver.get('owner')}] ",
                         style="cyan")
            entry.append(v.waiver.get("reason") or _detail(v.message))
        else:
            entry.append(_detail(v.message))
        console.print(entry, soft_wrap=True)  # one finding per line: greppable in CI logs


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
            "locations": [{"logicalLocations": [location]}],
            "properties": {"stack": report.stack, "pack": v.pack, "enforcementLevel": v.level,
                           "severity": v.severity, "resourceType": v.type},
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
                    where = v.urn or f"stack {report.stack}"
                    failure = ET.SubElement(case, "failure", type=v.level,
                                            message=f"{where}: {_detail(v.message)}")
                    failure.text = f"{where} ({v.type})\n{v.message}" if v.type else f"{where}\n{v.message}"
            others = [v for v in found if not v.blocking]
            if others:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(f"[{'waived' if v.waiver else v.level}] {v.urn or report.stack}: "
                                     f"{_detail(v.message)}" for v in others)
        total_tests += len(cases)
        total_failures += failures
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _cases(report: StackReport) -> list[tuple[PolicyRun, list[Violation]]]:
    """Every evaluated policy, plus any policy that only appears in findings (e.g. checkov checks)."""
    found = {(p, q): vs for p, group in _grouped(report.violations).items() for q, vs in group.items()}
    cases = [(run, found.pop((run.pack, run.policy), [])) for run in report.policies]
    for (pack, policy), vs in found.items():
        cases.append((PolicyRun(pack=pack, policy=policy, level=vs[0].level, severity=vs[0].severity,
                                violations=len(vs)), vs))
    return cases
