"""The declared external endpoints record: valid entries load; every bad input raises naming file and key;
through the gate a bad record is bad input (exit 2, one line)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from policies.core.endpoints import EndpointsError, parse_endpoints, validate_record

REPO = Path(__file__).resolve().parents[2]
GOOD = {
    "id": "magda",
    "class": "government-service",
    "hosts": ["*.magda.be"],
    "jurisdiction": "BE",
    "reason": "MAGDA document service under the DPA",
}


def test_project_record_is_valid():
    assert validate_record() >= 1
    e = parse_endpoints({"endpoints": [GOOD]}, "f.yaml")[0]
    assert e.matches("host", "api.magda.be") and not e.matches("host", "magda.be.evil.com")
    assert parse_endpoints({"endpoints": [{**GOOD, "cidrs": ["192.0.2.10/32"]}]}, "f.yaml")[0].cidrs == (
        "192.0.2.10/32",
    )


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ({k: v for k, v in GOOD.items() if k != "jurisdiction"}, "f.yaml: endpoints[0].region: missing"),
        ({**GOOD, "class": "friend"}, "f.yaml: endpoints[0].class: 'friend' is not one of"),
        ({**GOOD, "reason": "short"}, "endpoints[0].reason"),
        ({**GOOD, "hosts": []}, "endpoints[0].hosts: give at least one"),
        ({**GOOD, "hosts": "x.be"}, "endpoints[0].hosts: must be a list"),
        ({**GOOD, "regio": "eu-west-1"}, "endpoints[0].regio: unknown key"),
        ({**GOOD, "cidrs": ["192.0.2.300/32"]}, "endpoints[0].cidrs[0]: '192.0.2.300/32' is not an IP"),
        ({**GOOD, "cidrs": "192.0.2.10/32"}, "endpoints[0].cidrs: must be a list"),
        ("magda", "endpoints[0]: must be a mapping"),
    ],
)
def test_bad_entries_name_file_and_key(entry, needle):
    with pytest.raises(EndpointsError) as e:
        parse_endpoints({"endpoints": [entry]}, "f.yaml")
    assert needle in str(e.value)


def test_bad_document():
    with pytest.raises(EndpointsError, match=r"f\.yaml: endpoints: must be a list"):
        parse_endpoints({"endpoint": []}, "f.yaml")
    with pytest.raises(EndpointsError, match="declared twice"):
        parse_endpoints({"endpoints": [GOOD, GOOD]}, "f.yaml")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            "endpoints:\n  - {id: x, class: supplier, hosts: [a.be], reason: 'a supplier API in the EU'}\n",
            "endpoints[0].region: missing",
        ),
        (
            "endpoints:\n  - {id: x, class: friend, hosts: [a.be], region: eu-west-1,\n"
            "      reason: '20 characters at least'}\n",
            "endpoints[0].class",
        ),
        ("endpoints: [unclosed\n", "not valid YAML"),
    ],
)
def test_gate_exits_2_on_a_bad_record(tmp_path, text, needle):
    records = tmp_path / "records"
    records.mkdir()
    (records / "endpoints.yaml").write_text(text, encoding="utf-8")
    state = tmp_path / "s.json"
    state.write_text('{"version": 3, "deployment": {"resources": []}}', encoding="utf-8")
    env = {**os.environ, "DOSIS_RECORDS_DIR": str(records), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gate",
            "analyze",
            "--state",
            str(state),
            "--stack",
            "x",
            "--no-checkov",
            "--policy-pack",
            str(REPO / "policies" / "eu_residency"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "endpoints.yaml" in lines[0] and needle in lines[0]
