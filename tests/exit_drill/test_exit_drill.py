"""The exit drill against a moto S3 server and SQLite: it restores what was written and catches one
changed byte of the copy."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from exit_drill import local, report
from exit_drill.offvendor import content_checksum, export_copy
from exit_drill.restore import restore

ROOT = Path(__file__).resolve().parents[2]
STACK = "dosis-prod"
COPY = "20261130T020000Z"
pytestmark = pytest.mark.slow


@pytest.fixture
def copy(tmp_path):
    """(s3 client, bucket, source rows per table) with one copy written."""
    with local.moto_s3() as s3:
        local.locked_bucket(s3, "offvendor")
        db = local.seed(tmp_path / "source.sqlite", dossiers=40)
        rows = {t: db.execute(f"SELECT * FROM {t}").fetchall() for t in ("dossier", "status")}
        export_copy(s3, "offvendor", STACK, COPY, db, "test")
        db.close()
        yield s3, "offvendor", rows


def _tamper(s3, bucket: str, key: str, at: int = 30) -> None:
    data = bytearray(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    s3.put_object(Bucket=bucket, Key=key, Body=bytes(data))


def test_restores_the_data_that_was_written(copy, tmp_path):
    s3, bucket, rows = copy
    findings = restore(s3, bucket, STACK, tmp_path / "restored.sqlite")
    assert findings["ok"], findings["problems"]
    assert findings["copy"]["copy_id"] == COPY
    restored = sqlite3.connect(tmp_path / "restored.sqlite")
    for table, source_rows in rows.items():
        back = restored.execute(f"SELECT * FROM {table}").fetchall()
        assert len(back) == len(source_rows) > 0
        assert content_checksum(back) == content_checksum(source_rows)
    # NULLs, commas, quotes, newlines and non-ASCII survive the round trip
    note = restored.execute("SELECT note FROM status WHERE seq = '0' LIMIT 1").fetchone()
    assert note == ("één, \"twee\"\n",)
    assert restored.execute("SELECT count(*) FROM status WHERE note IS NULL").fetchone()[0] > 0


def test_one_changed_byte_of_a_table_fails(copy, tmp_path):
    s3, bucket, _ = copy
    _tamper(s3, bucket, f"{STACK}/{COPY}/tables/dossier.csv")
    findings = restore(s3, bucket, STACK, tmp_path / "restored.sqlite")
    assert not findings["ok"]
    assert findings["problems"] == [
        f"{STACK}/{COPY}/tables/dossier.csv: SHA-256 {findings['tables'][0]['sha256_actual']} differs "
        "from the manifest"
    ]


def test_a_changed_table_with_a_matching_object_hash_still_fails_on_content(copy, tmp_path):
    s3, bucket, _ = copy
    key = f"{STACK}/{COPY}/tables/status.csv"
    _tamper(s3, bucket, key, at=60)
    manifest_key = f"{STACK}/{COPY}/manifest.json"
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=manifest_key)["Body"].read())
    import hashlib

    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    manifest["tables"][1]["sha256"] = hashlib.sha256(data).hexdigest()
    s3.put_object(Bucket=bucket, Key=manifest_key, Body=json.dumps(manifest).encode())
    findings = restore(s3, bucket, STACK, tmp_path / "restored.sqlite")
    assert findings["problems"] == ["status: restored content checksum differs from the manifest"]


def test_the_latest_copy_is_restored_and_the_target_must_be_fresh(copy, tmp_path):
    s3, bucket, _ = copy
    db = local.seed(tmp_path / "newer.sqlite", dossiers=5)
    export_copy(s3, bucket, STACK, "20261201T020000Z", db, "test")
    db.close()
    findings = restore(s3, bucket, STACK, tmp_path / "restored.sqlite")
    assert findings["copy"]["copy_id"] == "20261201T020000Z"
    assert findings["tables"][0]["rows_restored"] == 5
    with pytest.raises(Exception, match="already exists"):
        restore(s3, bucket, STACK, tmp_path / "restored.sqlite")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "exit_drill"), *args],
                          capture_output=True, text=True, timeout=180, check=False, cwd=ROOT)


def test_cli_dry_run_by_default_writes_nothing(tmp_path):
    out = tmp_path / "r.json"
    run = _cli("--stack", STACK, "--local", "--date", "2026-11-30", "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("dry run:") and not out.exists()


def test_cli_local_drill_writes_a_signed_report(tmp_path, monkeypatch):
    out = tmp_path / "drills" / f"{STACK}-2026-11-30.json"
    run = _cli("--stack", STACK, "--local", "--execute", "--date", "2026-11-30", "--out", str(out))
    assert run.returncode == 0, run.stderr
    rep = json.loads(out.read_text())
    assert rep["result"] == "passed" and rep["mode"] == "local" and rep["controls"] == ["LOC-03", "LOC-04"]
    assert {t["name"]: t["rows_restored"] for t in rep["tables"]} == {"dossier": 250, "status": 500}
    assert report.verify(rep)
    rep["tables"][0]["rows_restored"] = 249
    assert not report.verify(rep)


def test_cli_bad_input_exits_2():
    assert _cli("--stack", STACK, "--bucket", "b", "--region", "us-east-1").returncode == 2
    # Zurich and London have an eu- prefix but are not in the EEA (policies/core/eea.py decides).
    for region in ("eu-central-2", "eu-west-2"):
        run = _cli("--stack", STACK, "--bucket", "b", "--region", region)
        assert run.returncode == 2 and "not an EEA region" in run.stderr
    assert _cli("--stack", STACK, "--bucket", "b", "--region", "eu-south-2").returncode == 0
    assert _cli("--stack", STACK, "--local", "--date", "30/11/2026").returncode == 2
    run = _cli("--stack", STACK, "--bucket", "b", "--region", "eu-west-1", "--execute")
    assert run.returncode == 2 and "--signed-off-by" in run.stderr
