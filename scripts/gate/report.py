"""Rendering the gate's verdicts: a preview-like text summary, JSON, SARIF 2.1.0 and JUnit XML.

`render(report, fmt)` renders one stack as one document (a JSON object, a SARIF log with one run, one JUnit
suite); `render([reports...], fmt)` renders `--all` (a JSON list, one SARIF run and one JUnit testsuite per
stack). Messages are printed as the packs wrote them; the gate never holds secrets in clear, so nothing
here needs redacting.
"""

from __future__ import annotations

import hashlib
import io
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any, TextIO

from gate.findings import triage_note
from gate.jsonio import PLACEHOLDER, dumps, joined, write_list
from gate.model import PolicyRun, StackReport, Violation
from gate.report_parts import detail, grouped, labelled_message, printable, short_name

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
        out.write(joined([r.to_json_bytes() for r in items], many).decode("utf-8"))
    elif fmt == "sarif":
        write_sarif(items, out)
    elif fmt == "junit":
        write_junit(items, out)
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


BATCH = 2000      # results / test cases rendered at a time: memory bounded by a batch, not by the findings


def to_sarif(reports: list[StackReport]) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run per stack, rules from the evaluated policies, results per violation."""
    runs = []
    for r in reports:
        run, results = _sarif_run(r)
        runs.append({**run, "results": list(results)})
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}


def write_sarif(reports: list[StackReport], out: TextIO) -> None:
    """`dumps(to_sarif(reports))`, byte for byte, written a batch of results at a time."""
    skeleton, results = [], []
    for r in reports:
        run, found = _sarif_run(r)
        skeleton.append(run)
        results.append(found)
    text = dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": skeleton})
    parts = text.split(f'"{PLACEHOLDER}"')
    out.write(parts[0])
    for found, tail in zip(results, parts[1:], strict=True):
        write_list(found, out, level=3)
        out.write(tail)


def _sarif_run(report: StackReport) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """The run without its results (a placeholder), and its results, made as they are read."""
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
    for v in report.violations:    # every rule before the first result
        if _rule_id(v.pack, v.policy) not in index:
            head, newline, _ = v.message.partition("\n")
            rule(v.pack, v.policy, v.level, v.severity, head if newline else "")
    run = {
        "tool": {"driver": {"name": TOOL_NAME, "informationUri": TOOL_URI, "rules": rules}},
        "automationDetails": {"id": f"gate/{report.stack}/"},
        "results": PLACEHOLDER,
        "properties": {"stack": report.stack, "blocked": report.blocked, "resources": report.resources,
                       "asOf": report.as_of},
    }
    return run, _sarif_results(report, index)


def _sarif_results(report: StackReport, index: dict[str, int]) -> Iterator[dict[str, Any]]:
    physical: dict[str, dict[str, Any]] = {}    # one location object per source line, shared
    for v in report.violations:
        rid = _rule_id(v.pack, v.policy)
        if v.urn:
            location = {"fullyQualifiedName": v.urn, "name": printable(short_name(v.urn)), "kind": "resource"}
        else:
            location = {"fullyQualifiedName": report.stack, "name": report.stack, "kind": "module"}
        where = physical.get(v.source)
        if where is None:
            where = physical[v.source] = _physical(report, v)
        result: dict[str, Any] = {
            "ruleId": rid,
            "ruleIndex": index[rid],
            "level": _sarif_level(v),
            "message": {"text": labelled_message(v.message)},
            "locations": [{"physicalLocation": where, "logicalLocations": [location]}],
            "partialFingerprints": {FINGERPRINT: _fingerprint(report.stack, v)},
            "properties": {"stack": report.stack, "pack": v.pack, "enforcementLevel": v.level,
                           "severity": v.severity, "resourceType": v.type, "source": v.source,
                           "sourceChain": list(v.source_chain), "recording": v.recording},
        }
        if v.waiver is not None:
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": printable(_waiver_text(v.waiver))}]
        elif (note := triage_note(v)) is not None:   # the project's recorded decision on an advisory
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": printable(f"triaged {note}")}]
        yield result


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
    out = io.StringIO()
    write_junit(reports, out)
    return out.getvalue()


def write_junit(reports: list[StackReport], out: TextIO) -> None:
    """The JUnit XML of `reports` (as ElementTree indents it), written a batch of elements at a time."""
    suites = [(report, _cases(report)) for report in reports]
    failed = [sum(1 for _, found in cases if any(v.blocking for v in found)) for _, cases in suites]
    root = ET.Element("testsuites", name=TOOL_NAME, tests=str(sum(len(c) for _, c in suites)),
                      failures=str(sum(failed)))
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + _open_tag(root))
    for (report, cases), failures in zip(suites, failed, strict=True):
        suite = ET.Element("testsuite", name=report.stack, tests=str(len(cases)), failures=str(failures),
                           errors="0", skipped=str(sum(1 for run, _ in cases if run.level == "disabled")))
        props = ET.Element("properties")
        ET.SubElement(props, "property", name="resources", value=str(report.resources))
        ET.SubElement(props, "property", name="blocked", value=str(report.blocked).lower())
        out.write("\n  " + _open_tag(suite) + _element(props, 2))
        chunk: list[str] = []
        for run, found in cases:
            for text in _case(report, run, found):
                chunk.append(text)
                if len(chunk) >= BATCH:
                    out.write("".join(chunk))
                    chunk = []
        out.write("".join(chunk) + "\n  </testsuite>")
    out.write("\n</testsuites>\n")


def _open_tag(element: ET.Element) -> str:
    """`<tag attr="...">` as ElementTree writes it (the element rendered with a child, cut before it)."""
    element = ET.Element(element.tag, element.attrib)
    ET.SubElement(element, "x")
    return ET.tostring(element, encoding="unicode").rsplit("<x />", 1)[0]


def _element(element: ET.Element, level: int) -> str:
    """The element on its own line, indented as `ET.indent` indents it `level` deep in the document."""
    ET.indent(element, level=level)
    return "\n" + "  " * level + ET.tostring(element, encoding="unicode")


_UPDATE = ", update graph"   # a finding of the update graph only (round 10), said so in JUnit


def _case(report: StackReport, run: PolicyRun, found: list[Violation]) -> Iterator[str]:
    """One test case: its open tag, a line per failure (and the other findings), its close tag."""
    case = ET.Element("testcase", classname=printable(f"{report.stack}.{run.pack}"),
                      name=printable(run.policy))
    if run.level == "disabled":
        ET.SubElement(case, "skipped", message="policy disabled")
        yield _element(case, 2)
        return
    blocking = [v for v in found if v.blocking]
    others = [v for v in found if not v.blocking]
    if not blocking and not others:
        yield _element(case, 2)
        return
    yield "\n    " + _open_tag(case)
    for v in blocking:   # round 21: what a program or pack gave is `printable` (XML 1.0 has no ESC or NUL)
        where = printable(f"{v.source} {v.urn}" if v.source else (v.urn or f"stack {report.stack}"))
        where += f" [{_UPDATE[2:]}]" if v.recording == "update" else ""
        text = f"at {where} ({printable(v.type)})" if v.type else f"at {where}"
        message = printable(f"{where}: {detail(v.message)}")
        yield (f'\n      <failure type="{_attr(v.level)}" message="{_attr(message)}">'
               f"{_cdata(text)}\n{_cdata(labelled_message(v.message))}</failure>")
    if others:
        text = "\n".join(f"[{'waived' if v.waiver else v.level}{_UPDATE * (v.recording == 'update')}] "
                         + printable(f"{v.urn or report.stack}: {detail(v.message)}") for v in others)
        yield f"\n      <system-out>{_cdata(text)}</system-out>"
    yield "\n    </testcase>"


# A finding's element written directly with ElementTree's own escaping (an Element and tostring per
# finding cost 100 µs; tests hold the output to what ElementTree writes).
_attr = ET._escape_attrib      # type: ignore[attr-defined]
_cdata = ET._escape_cdata      # type: ignore[attr-defined]


def _cases(report: StackReport) -> list[tuple[PolicyRun, list[Violation]]]:
    """Every evaluated policy, plus any policy that only appears in findings (e.g. checkov checks)."""
    found = {(p, q): vs for p, group in grouped(report.violations).items() for q, vs in group.items()}
    cases = [(run, found.pop((run.pack, run.policy), [])) for run in report.policies]
    for (pack, policy), vs in found.items():
        cases.append((PolicyRun(pack=pack, policy=policy, level=vs[0].level, severity=vs[0].severity,
                                violations=len(vs)), vs))
    return cases
