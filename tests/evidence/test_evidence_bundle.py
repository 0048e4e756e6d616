"""Export -> verify, tampering, OSCAL validity, secrets, statuses and escaping on fixtures."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from evidence import cli, oscal
from evidence.errors import EvidenceError
from evidence.export import export
from evidence_fixtures import DB_PASSWORD, PROJECT, PSK


@pytest.fixture
def bundle_dir(tmp_path: Path, export_kwargs) -> Path:
    out = tmp_path / "bundle"
    export(PROJECT, out, stacks=None, **export_kwargs)
    return out


def test_export_writes_every_part_and_verifies(bundle_dir: Path, capsys) -> None:
    names = {p.relative_to(bundle_dir).as_posix() for p in bundle_dir.rglob("*") if p.is_file()}
    assert {
        "manifest.json",
        "assessment-results.json",
        "report.html",
        "controls.csv",
        "register.md",
        "register.json",
        "stacks/portal-prod/report.json",
        "stacks/portal-prod/report.sarif",
        "stacks/dosis-prod/state.json",
    } <= names
    manifest = json.loads((bundle_dir / "manifest.json").read_text())
    assert set(manifest["files"]) == names - {"manifest.json", "manifest.dsse.json"}
    assert manifest["stacks"] == ["portal-prod", "dosis-prod"]
    assert manifest["git_commit"] and manifest["exported"] and "pulumi" in manifest["versions"]
    assert manifest["versions"]["checkov"]           # from its pinned tool environment
    configs = manifest["policy_pack_config"]         # [tool.gate.pack-config] of the project
    assert configs["eu-residency"]["file"] == "policies/config/eu-residency.json"
    assert len(configs["pia-conditions"]["sha256"]) == 64
    assert cli.main(["verify", str(bundle_dir)]) == 0
    assert "intact" in capsys.readouterr().out


def test_verify_names_every_changed_added_and_removed_file(bundle_dir: Path, capsys) -> None:
    html = bundle_dir / "report.html"
    data = bytearray(html.read_bytes())
    data[100] ^= 1  # one byte
    html.write_bytes(bytes(data))
    (bundle_dir / "stacks/extra.txt").write_text("x")
    (bundle_dir / "controls.csv").unlink()
    assert cli.main(["verify", str(bundle_dir)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["changed: report.html", "removed: controls.csv", "added: stacks/extra.txt"]


def test_verify_reports_a_removed_manifest(bundle_dir: Path, capsys) -> None:
    (bundle_dir / "manifest.json").unlink()
    assert cli.main(["verify", str(bundle_dir)]) == 1
    assert "removed: manifest.json" in capsys.readouterr().out


def test_oscal_validates_with_trestle_models(bundle_dir: Path) -> None:
    text = (bundle_dir / "assessment-results.json").read_text()
    model = oscal.validate(text)
    result = model.assessment_results.results[0]
    findings = {
        f.target.target_id: f.target.status.state.value
        for f in result.findings
        if f.target.type.value == "objective-id"
    }
    assert findings == {  # only a verified control is satisfied (a waiver is not a pass)
        "ENC-KEY-ROTATION": "satisfied",
        "LOC-EEA": "not-satisfied",
        "VPN-IPSEC": "not-satisfied",
        "LOG-TRAIL": "not-satisfied",
        "ORG-PIA": "not-satisfied",
    }
    parts = {f.target.target_id for f in result.findings if f.target.type.value == "statement-id"}
    assert "enc-key-rotation_smt.require-kms-rotation" in parts
    items = {i.uuid for i in result.local_definitions.inventory_items}
    subjects = [s.subject_uuid for o in result.observations for s in (o.subjects or [])]
    assert subjects and set(subjects) <= items


def test_control_statuses_in_csv(bundle_dir: Path) -> None:
    rows = {r["control"]: r for r in csv.DictReader((bundle_dir / "controls.csv").open())}
    assert {k: r["status"] for k, r in rows.items()} == {
        "ENC-KEY-ROTATION": "verified",
        "LOC-EEA": "failed",
        "VPN-IPSEC": "partially-verified",  # waived rule; its checkov check did not run
        "LOG-TRAIL": "not-verified",
        "ORG-PIA": "organisational",
    }
    assert rows["LOC-EEA"]["sources"] == "CLOUD Servers"


def test_planted_secrets_appear_nowhere(bundle_dir: Path) -> None:
    for path in bundle_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert PSK.encode() not in data, path
            assert DB_PASSWORD.encode() not in data, path
    state = json.loads((bundle_dir / "stacks/portal-prod/state.json").read_text())
    vpn = state["deployment"]["resources"][3]["inputs"]
    assert vpn == {"tunnel1PresharedKey": "[secret]", "tunnel2PresharedKey": "[secret]"}


def test_report_escapes_values_and_shows_waivers(bundle_dir: Path) -> None:
    page = (bundle_dir / "report.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;backups&lt;/b&gt;" in page
    assert "ciso@vlaio.be" in page and "2027-01-31" in page
    checkov = page.split('id="stack-portal-prod"', 1)[1].split("</details>", 1)[0]
    assert "CKV_AWS_79" in checkov and "Ensure &lt;instance&gt; metadata v2" in checkov
    assert 'id="controls"' in page and "http://" not in page and "https://" not in page.split("<body>")[0]


def test_bad_state_file_is_one_line_exit_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "x.state.json"
    bad.write_text('{"version": 3}')
    out = tmp_path / "bundle"
    assert cli.main(["export", "--stack", "portal-prod", "--state", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(bad) in err and "deployment" in err
    assert not out.exists()


def test_bad_register_names_file_and_key(tmp_path: Path, export_kwargs) -> None:
    reg = tmp_path / "register.yaml"
    reg.write_text("version: 1\nactivities:\n  - id: x\n    name: n\n")
    export_kwargs["register_path"] = reg
    with pytest.raises(EvidenceError, match=r"register.yaml: activities.0: 'controller' is a required"):
        export(PROJECT, tmp_path / "out", stacks=["portal-prod"], **export_kwargs)
    assert not (tmp_path / "out").exists()


def test_refuses_to_replace_a_directory_that_is_not_a_bundle(tmp_path: Path, export_kwargs) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep")
    with pytest.raises(EvidenceError, match="not a bundle written by"):
        export(PROJECT, out, stacks=["portal-prod"], **export_kwargs)
    assert (out / "notes.txt").read_text() == "keep"


def test_reexport_replaces_only_a_bundle_it_wrote(bundle_dir: Path, export_kwargs) -> None:
    export(PROJECT, bundle_dir, stacks=["portal-prod"], **export_kwargs)
    assert cli.main(["verify", str(bundle_dir)]) == 0
    assert not (bundle_dir / "stacks" / "dosis-prod").exists()     # the old bundle's files are gone
    (bundle_dir / "stale.txt").write_text("someone else's")
    with pytest.raises(EvidenceError, match="not a bundle written by"):
        export(PROJECT, bundle_dir, stacks=["portal-prod"], **export_kwargs)
    assert (bundle_dir / "stale.txt").read_text() == "someone else's"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["export", "--all"], "--out"),
        (["export", "--out", "x"], "--stack"),
        (["export", "--all", "--stack", "a", "--out", "x"], "not allowed"),
        (["export", "--all", "--state", "s.json", "--out", "x"], "--state"),
        (["verify", "/nonexistent/bundle"], "/nonexistent/bundle"),
    ],
)
def test_usage_errors_are_one_line_exit_2(argv: list[str], needle: str, capsys) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("evidence: error: ") and needle in err


def test_invalid_catalogue_is_one_line_naming_file_and_key(tmp_path: Path, monkeypatch, capsys) -> None:
    import policies.catalogue as catalogue_module

    def broken():
        raise catalogue_module.CatalogueError(
            "policies/catalogue/controls.yaml: controls[3].sources: [] is too short"
        )

    monkeypatch.setattr(catalogue_module, "load_catalogue", broken)
    out = tmp_path / "bundle"
    assert cli.main(["export", "--all", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == "evidence: error: policies/catalogue/controls.yaml: controls[3].sources: [] is too short\n"
    assert not out.exists()


def test_live_summary_is_one_line_per_check(tmp_path: Path, capsys) -> None:
    live = tmp_path / "live.json"
    live.write_text(json.dumps([
        {"cloud": "aws", "check": "aws.kms.rotation", "status": "not-verified"},
        {"cloud": "aws", "check": "aws.kms.rotation", "status": "pass"},
        {"cloud": "azure", "check": "azure.sql.tls", "status": "not-verified"},
    ]))
    cli._live_summary(live)
    assert capsys.readouterr().out.splitlines() == [
        "evidence: live: aws/aws.kms.rotation: 1 not-verified, 1 pass",
        "evidence: live: azure/azure.sql.tls: 1 not-verified",
    ]
    cli._live_summary(tmp_path / "absent.json")
    assert "no live checks ran" in capsys.readouterr().out


def test_a_checkout_changed_during_the_export_is_refused(tmp_path: Path, export_kwargs, monkeypatch) -> None:
    """Found by a flaky test (docs/gate-red-team.md): the commit is read when the export begins and again
    before the bundle is written; a file edited in between (minutes under load) is exit 2, not a bundle
    naming a checkout that was not the one judged."""
    from evidence import export as export_module

    seen = iter(["c0ffee", "c0ffee+dirty"])
    monkeypatch.setattr(export_module, "git_commit", lambda project: next(seen))
    with pytest.raises(EvidenceError, match="checkout changed during the export"):
        export(PROJECT, tmp_path / "out", stacks=["portal-prod"], **export_kwargs)
    assert not (tmp_path / "out").exists()


def test_a_failing_git_status_is_an_error_not_a_clean_tree(tmp_path: Path, monkeypatch) -> None:
    import subprocess

    from evidence.export import git_commit

    def fake(argv, **kwargs):
        code = 0 if argv[1] == "rev-parse" else 128
        return subprocess.CompletedProcess(argv, code, stdout="c0ffee\n", stderr="fatal: index locked")

    monkeypatch.setattr(subprocess, "run", fake)
    with pytest.raises(EvidenceError, match="git status"):
        git_commit(tmp_path)
