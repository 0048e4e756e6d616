"""The users' GitHub workflow is valid (actionlint, pinned, from PyPI) and wires the gate as documented."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from gate.checkov.toolenv import ensure_actionlint

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "policy-gate.yml"


@pytest.fixture(scope="module")
def actionlint() -> Path:
    return ensure_actionlint()


def _lint(actionlint: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(actionlint), "-no-color", *map(str, files)], capture_output=True, text=True,
                          cwd=REPO, timeout=120, check=False)


@pytest.mark.slow
def test_workflow_passes_actionlint(actionlint: Path) -> None:
    done = _lint(actionlint, WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_actionlint_catches_a_broken_workflow(actionlint: Path, tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    text = WORKFLOW.read_text()
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs-on: ${{ matrix.nope }}", 1))
    assert _lint(actionlint, broken).returncode == 1


def test_workflow_runs_offline_gate_with_sarif_and_cloud_preview_with_both_packs() -> None:
    doc = yaml.safe_load(WORKFLOW.read_text())
    steps = {job: "\n".join(str(s.get("run", "")) + str(s.get("uses", "")) for s in spec["steps"])
             for job, spec in doc["jobs"].items()}
    # One short command: packs, configs, records and checkov come from [tool.gate] in pyproject.toml;
    # CI keeps the record out of the program's process (docs/gate.md, round 8)
    assert "scripts/uvw run --frozen gate preview --all --recorder process\n" in steps["offline-gate"]
    assert "github/codeql-action/upload-sarif" in steps["offline-gate"]
    upload = next(s for s in doc["jobs"]["offline-gate"]["steps"] if "upload-sarif" in str(s.get("uses")))
    assert upload["with"]["sarif_file"] == ".gate/gate.sarif"
    for pack in ("eu-residency", "pia-conditions"):  # the real CLI takes the pack config as flags
        assert f"--policy-pack-config policies/config/{pack}.json" in steps["cloud-preview"]
    preview = steps["cloud-preview"]
    assert "--policy-pack policies/eu_residency" in preview
    assert "--policy-pack policies/pia_conditions" in preview
    oidc = doc["jobs"]["cloud-preview"]["permissions"]
    assert oidc == {"contents": "read", "id-token": "write"}  # OIDC federation, no stored cloud keys


def test_scheduled_job_fails_14_days_before_an_expiry() -> None:
    """The users' gate keeps the real clock; a daily job judges the stacks as of 14 days ahead."""
    doc = yaml.safe_load(WORKFLOW.read_text())
    assert doc[True]["schedule"]   # YAML 1.1 reads the key `on` as True
    job = doc["jobs"]["record-expiry"]
    assert "schedule" in job["if"]
    run = "\n".join(str(s.get("run", "")) for s in job["steps"])
    assert "date -u -d '+14 days' +%F" in run and '--as-of "$ahead"' in run
    assert "gate preview --all" in run and "exit 1" in run


@pytest.mark.slow
def test_secret_scan_finds_a_planted_key_but_not_pulumi_constants(tmp_path: Path) -> None:
    from gate.checkov.secret_scan import findings
    from gate.recording import SECRET_SIG, SIG_KEY, UNKNOWN

    # Built at run time so the repository scan never sees a key in this file.
    key_id, key = "AKIA" + "QZ7XN3WJ5RTY2UBC", "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYz3Q9sLkT2vEm"
    (tmp_path / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={key_id}\n"
                                        f"export AWS_SECRET_ACCESS_KEY={key}\n")
    (tmp_path / "sdk.py").write_text(f'SIG = "{SIG_KEY}"\nSECRET = "{SECRET_SIG}"\nUNKNOWN = "{UNKNOWN}"\n')
    found = findings(tmp_path)
    assert {f["file_path"].lstrip("/") for f in found} == {"deploy.sh"}
