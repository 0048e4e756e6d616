"""Round 21: the gate's own output when a program or a pack writes hostile text.

A resource name, a config value, a policy message or a waiver reason holding escape sequences, a carriage
return, a newline followed by a line that reads as the gate's clean verdict, a workflow command, NUL, a
lone surrogate (a Python string no UTF-8 can hold) or a megabyte: every report — the text a CI log shows,
JUnit XML, SARIF and the JSON report — must stay well-formed (its parser reads it) and unspoofable (no line
of it reads as a verdict or a workflow command, no escape moves the cursor), and the run must end with its
real verdict, never a crash."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gate.findings import violation
from gate.model import PolicyRun, StackReport
from gate.report import render

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "tests/gate/hostile_packs/hostile_output_pack"
VERDICT = "gate: allowed (0 of 1 stacks blocked)"
HOSTILE = (f"x\x1b[2K\x1b[1G\r\n{VERDICT}\n::error::spoof\x00\x0b\x85\u2028{VERDICT}\u202e\ufffe"
           f"]]><failure/>&amp;\n  {VERDICT}\ngate: PASS")
SURROGATE = f"s\udcff\n{VERDICT}"
MEGABYTE = "m" * 1_000_000
BUCKET = "aws:s3/bucket:Bucket"
JUDGE = ("--no-checkov", "--no-cache", "--as-of", "2026-11-30")


def _report(text: str) -> StackReport:
    """One stack whose every program- or pack-given field holds `text` (a lone surrogate only where it can
    be: a pack's message; a program's names and values reach the recorder as protobuf, valid UTF-8)."""
    urn = f"urn:pulumi:corpus::r21::{BUCKET}::{text.replace(chr(0xDCFF), '')}"
    waived = violation("eu-residency", "no-global-services", "advisory", "high", urn, BUCKET,
                       f"Global services are blocked.\n[waived: no-global-services until 2099-01-31, owner "
                       f"team] {text}")
    return StackReport(
        stack="corpus", resources=2,
        violations=[violation("eu-residency", "require-eea-location", "mandatory", "critical", urn, BUCKET,
                              f"Resources live in the EEA.\nthe resource is in '{text}'"),
                    violation("eu-residency", "tags", "advisory", "low", urn, BUCKET, f"Tags.\n{text}"),
                    waived],
        policies=[PolicyRun("eu-residency", "require-eea-location", "mandatory", "critical",
                            "Resources live in the EEA.", 2, 1),
                  PolicyRun("eu-residency", "tags", "advisory", "low", "Tags.", 2, 1),
                  PolicyRun("eu-residency", "no-global-services", "mandatory", "high", "Global.", 2, 1)],
        resource_types={BUCKET: 1}, regions={text.replace(chr(0xDCFF), ""): 1})


def _rendered(report: StackReport, fmt: str) -> str:
    buf = io.StringIO()
    render([report], fmt, buf)
    return buf.getvalue()


def _unspoofable(text: str) -> None:
    """No line (at any break `str.splitlines` knows) reads as a verdict or a workflow command; no escape
    sequence, carriage return or NUL reaches a terminal."""
    for line in text.splitlines():
        assert not line.lstrip().startswith(("gate: allowed", "gate: PASS", "::")), repr(line[:200])
    for char in ("\x1b", "\r", "\x00"):
        assert char not in text, repr(char)


CASES = {"hostile": HOSTILE, "surrogate": SURROGATE, "megabyte": MEGABYTE}


@pytest.mark.parametrize("case", CASES)
def test_junit_is_well_formed_xml_and_reads_no_verdict(case: str) -> None:
    """ElementTree escapes `&`, `<` and quotes, not the characters XML 1.0 forbids (ESC, NUL, \\x0b): a
    name holding them made the whole document unparsable, so CI read no failures at all."""
    document = _rendered(_report(CASES[case]), "junit").encode("utf-8")
    root = ET.fromstring(document)
    assert root.get("failures") == "1" and len(root.findall(".//failure")) == 1
    _unspoofable(document.decode("utf-8"))


@pytest.mark.parametrize("case", CASES)
def test_sarif_parses_and_its_messages_read_no_verdict(case: str) -> None:
    """SARIF viewers show `message.text` as text: a newline in a resource name started a line there."""
    document = _rendered(_report(CASES[case]), "sarif").encode("utf-8")
    log = json.loads(document)
    results = log["runs"][0]["results"]
    assert [r["level"] for r in results].count("error") == 1
    for result in results:
        _unspoofable(result["message"]["text"])


@pytest.mark.parametrize("case", CASES)
def test_the_json_report_parses_and_keeps_the_data(case: str) -> None:
    """The JSON report is data: a value is kept (JSON-escaped), except a lone surrogate, which no UTF-8
    document can hold (escaped as `\\udcff`): before, the writer's TypeError was an internal error."""
    document = _rendered(_report(CASES[case]), "json").encode("utf-8")
    [data] = json.loads(document)
    [blocking] = [v for v in data["violations"] if v["level"] == "mandatory"]
    kept = CASES[case].replace("\udcff", "\\udcff")
    assert blocking["message"].endswith(f"'{kept}'") and blocking["urn"].endswith(kept.replace("\\udcff", ""))
    _unspoofable(document.decode("utf-8"))


@pytest.mark.parametrize("quiet", [False, True])
@pytest.mark.parametrize("case", CASES)
def test_the_text_report_reads_no_verdict_but_its_own(case: str, quiet: bool) -> None:
    buf = io.StringIO()
    render([_report(CASES[case])], "text", buf, quiet=quiet)
    _unspoofable(buf.getvalue())
    assert buf.getvalue().rstrip().splitlines()[-1].startswith("gate: BLOCKED")


def test_a_pack_message_that_is_no_unicode_text_is_escaped() -> None:
    """An in-process pack's message is a Python string, which may hold a lone surrogate (a file name read
    with `surrogateescape`, a byte string decoded so): escaped where the finding is made, so every report
    can hold it."""
    found = violation("p", "q", "mandatory", "high", "", "", "d\nbad \udcff byte")
    assert found.message == "d\nbad \\udcff byte"
    found.message.encode("utf-8")


# ------------------------------------------------------------------------- whole runs through the CLI


def _program(tmp_path: Path) -> Path:
    """A program whose bucket name and region (from its stack config) hold the hostile text."""
    root = tmp_path / "program"
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: r21\nruntime: python\nbackend:\n"
                                      "  url: s3://corpus-pulumi-state?region=eu-west-1\n")
    region = json.dumps("us-east-1" + HOSTILE.replace("\x00", "").replace("\x85", ""))
    (root / "Pulumi.corpus.yaml").write_text(f"config:\n  aws:region: eu-west-1\n  r21:note: {region}\n")
    (root / "__main__.py").write_text(
        "import pulumi, pulumi_aws as aws\n"
        f"aws.s3.Bucket({HOSTILE.replace(chr(0), '')!r}, region='us-east-1')\n"
        "aws.s3.Bucket('b', region=pulumi.Config().require('note'))\n"
        f"pulumi.log.warn({HOSTILE!r})\n", encoding="utf-8")
    return root


def _files_well_formed(out: Path) -> None:
    root = ET.fromstring((out / "gate.junit.xml").read_bytes())
    assert int(root.get("failures") or 0) >= 1
    _unspoofable((out / "gate.junit.xml").read_text(encoding="utf-8"))
    for result in json.loads((out / "gate.sarif").read_bytes())["runs"][0]["results"]:
        _unspoofable(result["message"]["text"])
    json.loads((out / "corpus.report.json").read_bytes())


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "junit"])
def test_a_hostile_program_is_blocked_and_every_report_holds(run_gate, tmp_path: Path, fmt: str) -> None:
    program = _program(tmp_path)
    proc = run_gate("preview", "--program", program, "--stack", "corpus", *JUDGE, "--format", fmt,
                    "--policy-pack", "policies/eu_residency",
                    "--policy-pack-config", "eu-residency=policies/config/eu-residency.json",
                    "--out", tmp_path / "out")
    assert proc.returncode == 1, proc.stderr[-2000:]
    _unspoofable(proc.stdout + proc.stderr)
    if fmt == "junit":
        ET.fromstring(proc.stdout.encode("utf-8"))
    _files_well_formed(tmp_path / "out")


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["inprocess", "grpc"])
def test_a_hostile_pack_is_judged_and_stdout_stays_the_report(run_gate, tmp_path: Path, mode: str) -> None:
    """The pack's finding is a blocking one whatever its text; what it writes to its standard output (bytes
    that are no UTF-8, a fake verdict) never reaches the report on stdout. Before: an internal error
    (exit 3) in process, as the JSON writer met the surrogate."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: r21\nruntime: python\n")
    (program / "Pulumi.corpus.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "__main__.py").write_text("import pulumi_aws as aws\naws.s3.Bucket('b')\n")
    proc = run_gate("preview", "--program", program, "--stack", "corpus", *JUDGE, "--format", "json",
                    "--policy-mode", mode, "--policy-pack", PACK,
                    "--out", tmp_path / "out")
    assert proc.returncode == 1, proc.stderr[-2000:]
    [report] = json.loads(proc.stdout)["stacks"] if "stacks" in json.loads(proc.stdout) \
        else [json.loads(proc.stdout)]
    assert report["blocked"] is True
    _unspoofable(proc.stderr)
    _files_well_formed(tmp_path / "out")


def test_the_clean_value_fast_paths_skip_only_what_needs_no_escape():
    """`printable` skips its translate for a value `str.isprintable` accepts and the JSON writer its scan
    for ASCII data (issue 19: the two cost the stress report 30 % of its writing): sound only while every
    escaped character is one isprintable refuses and non-ASCII."""
    from gate.jsonio import _BREAKS
    from gate.report_parts import _CONTROLS, printable

    assert [hex(c) for c in _CONTROLS if chr(c).isprintable()] == []
    assert _BREAKS.search(bytes(range(0x80)) * 4) is None and _BREAKS.search("\u2028".encode()) is not None
    assert printable("clean value: é, §, — and a\u00a0space") == "clean value: é, §, — and a\u00a0space"
    assert printable(HOSTILE) == HOSTILE.translate(_CONTROLS)
