"""The reports are written a batch at a time, yet read exactly as the whole-document renderings did:
JSON and SARIF as `dumps` of the whole document, JUnit as ElementTree indents the whole tree."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace

from gate import jsonio, report
from gate.jsonio import dumps, dumps_bytes, joined
from gate.model import StackReport
from test_report import dosis, portal


def big(n: int) -> StackReport:
    """`dosis()` with `n` findings: past a batch, with characters XML and JSON escape."""
    r = dosis()
    extra = [replace(v, urn=f"{v.urn}-{i}", message=f'{v.message} <&"\n\t> é {i}')
             for i in range(n) for v in r.violations[:2]]
    return replace(r, violations=r.violations + extra)


def test_report_json_is_dumps_of_the_document() -> None:
    for r in (big(1500), portal()):
        assert r.to_json_bytes() == dumps_bytes(r.to_json())


def test_joined_documents_are_dumps_of_the_list() -> None:
    docs = [big(3).to_json(), portal().to_json()]
    assert joined([dumps_bytes(d) for d in docs], many=True) == dumps_bytes(docs)
    assert joined([dumps_bytes(docs[0])], many=False) == dumps_bytes(docs[0])
    assert joined([], many=True) == dumps_bytes([])


def test_list_chunks_match_dumps_at_every_level() -> None:
    items = [{"a": [1, {"b": "é"}], "c": {}}, [], "x", 2.5] * 700
    for level in (0, 1, 3):
        doc: object = jsonio.PLACEHOLDER
        for _ in range(level):
            doc = {"k": doc}
        mark = f'"{jsonio.PLACEHOLDER}"'
        expected = dumps_bytes(json.loads(json.dumps(doc).replace(mark, json.dumps(items))))
        head, tail = dumps_bytes(doc).split(mark.encode())
        assert head + b"".join(jsonio.list_chunks(items, level, batch=333)) + tail == expected
        empty = head + b"".join(jsonio.list_chunks([], level)) + tail
        assert json.loads(empty) == json.loads(json.dumps(doc).replace(mark, "[]"))


def test_sarif_streamed_is_dumps_of_the_log() -> None:
    reports = [big(2100), portal()]
    out = io.StringIO()
    report.write_sarif(reports, out)
    assert out.getvalue() == dumps(report.to_sarif(reports))
    assert json.loads(out.getvalue())["runs"][0]["results"][-1]["ruleIndex"] >= 0


def test_junit_streamed_is_the_indented_tree() -> None:
    reports = [big(2100), portal()]
    text = report.to_junit(reports)
    declaration, _, xml = text.partition("\n")
    assert declaration == '<?xml version="1.0" encoding="UTF-8"?>'
    root = ET.fromstring(xml)
    ET.indent(root)
    assert ET.tostring(root, encoding="unicode") + "\n" == xml
    assert root.get("tests") == str(sum(len(s.findall("testcase")) for s in root))
    failures = root.findall("testsuite/testcase/failure")
    assert len(failures) == 1 + 2100 + 1       # the mandatory ones, the copies, the stack-level one
