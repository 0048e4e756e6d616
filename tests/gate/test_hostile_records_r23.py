"""Round 23: the gate's inputs other than the program, in forms a repository cannot hold as a corpus case.

A records file that is a FIFO, a symlink out of the records directory, or huge must end in the correct verdict
or exit 2 with one line naming the file — never a hang, a traceback, or a waiver read from a file no reviewer
of the repository sees (docs/gate-red-team.md, round 23). The corpus cases `records-*`, `config-*` and
`fixture-merge-key-other-token` hold the rest of the round.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from test_bad_input import assert_bad_input

from policies.core import yaml_text
from policies.core.endpoints import EndpointsError, parse_endpoints

REPO = Path(__file__).resolve().parents[2]
# A program whose state backend is in us-east-1 and whose stack waives that finding (a valid waiver).
CASE = REPO / "tests" / "corpus" / "engine" / "good" / "records-waiver-quoted-dates"
JUDGE = ("--no-checkov", "--no-cache", "--format", "json", "--policy-pack", "policies/eu_residency",
         "--policy-pack-config", "eu-residency=policies/config/eu-residency.json", "--as-of", "2026-11-30")


def _program(tmp_path: Path) -> tuple[Path, Path]:
    program = tmp_path / "program"
    shutil.copytree(CASE, program)
    return program, program / "records"


def _preview(run_gate, program: Path, records: Path, tmp_path: Path, timeout: float = 240):
    return run_gate("preview", "--program", program, "--stack", "corpus", "--records", records, *JUDGE,
                    "--out", tmp_path / "out", timeout=timeout)


def test_a_waivers_file_that_is_a_fifo_is_refused_not_waited_for(run_gate, tmp_path):
    program, records = _program(tmp_path)
    waivers = records / "waivers" / "corpus.yaml"
    waivers.unlink()
    os.mkfifo(waivers)
    assert_bad_input(_preview(run_gate, program, records, tmp_path, timeout=120), "corpus.yaml")


def test_a_waivers_file_linked_from_outside_the_records_is_refused(run_gate, tmp_path):
    """The waiver is valid, but it lives where no review of the repository sees it."""
    program, records = _program(tmp_path)
    waivers = records / "waivers" / "corpus.yaml"
    outside = tmp_path / "elsewhere.yaml"
    outside.write_bytes(waivers.read_bytes())
    waivers.unlink()
    waivers.symlink_to(outside)
    assert_bad_input(_preview(run_gate, program, records, tmp_path), "corpus.yaml")


def test_an_endpoints_record_linked_from_outside_the_records_is_refused(run_gate, tmp_path):
    """The program sends to a host only the outside record declares: read, it would pass unreviewed."""
    program = tmp_path / "program"
    shutil.copytree(CASE.parent / "records-endpoints-anchors-eu", program)
    records = program / "records"
    outside = tmp_path / "endpoints.yaml"
    outside.write_bytes((records / "endpoints.yaml").read_bytes())
    (records / "endpoints.yaml").unlink()
    (records / "endpoints.yaml").symlink_to(outside)
    assert_bad_input(_preview(run_gate, program, records, tmp_path), "endpoints.yaml")


@pytest.mark.parametrize("kind", ["waivers", "endpoints"])
def test_a_huge_records_file_is_judged_as_its_content(run_gate, tmp_path, kind):
    """64 MiB of comments after a valid record: judged as the record (here: a pass), within the timeout."""
    program, records = _program(tmp_path)
    path = records / "waivers" / "corpus.yaml" if kind == "waivers" else records / "endpoints.yaml"
    with path.open("a") as f:
        f.write(("# " + "x" * 1021 + "\n") * 65536)
    proc = _preview(run_gate, program, records, tmp_path, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


def _endpoint(host: str) -> dict:
    return {"id": "x", "class": "cloud-service", "hosts": [host], "region": "eu-west-1",
            "reason": "an endpoint the stack calls, declared for the test"}


@pytest.mark.parametrize("host", ["*.amazonaws.com", "*.s3.amazonaws.com", "*.blob.core.windows.net",
                                  "*.cloudfront.net", "*.be"])
def test_a_wildcard_over_a_shared_cloud_domain_or_a_top_level_domain_is_refused(host):
    with pytest.raises(EndpointsError, match=r"endpoints\[0\]\.hosts\[0\]"):
        parse_endpoints({"endpoints": [_endpoint(host)]}, "endpoints.yaml")


@pytest.mark.parametrize("host", ["*.vlaanderen.be", "*.execute-api.eu-west-1.amazonaws.com",
                                  "*.westeurope.cloudapp.azure.com", "*.x7k2pq.euw1.cache.amazonaws.com"])
def test_a_wildcard_under_an_own_or_a_regional_domain_stays_allowed(host):
    assert parse_endpoints({"endpoints": [_endpoint(host)]}, "endpoints.yaml")[0].hosts == (host,)


def test_a_record_nested_too_deep_is_a_yaml_error_not_a_crash():
    with pytest.raises(yaml.YAMLError, match="nesting deeper than"):
        yaml_text.safe_load("a: " + "[" * 100_000 + "]" * 100_000)
    value = yaml_text.safe_load("a: " + "[" * 40 + "]" * 40)["a"]
    for _ in range(39):
        (value,) = value
    assert value == []
