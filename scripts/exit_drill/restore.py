"""Restore one copy into a fresh database and compare it with the manifest, table by table."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from pathlib import Path
from typing import Any

from exit_drill.offvendor import NULL, CopyError, content_checksum, latest_copy, read_manifest, tables_of


def _load_table(db: sqlite3.Connection, table: str, columns: tuple[str, ...], data: bytes) -> None:
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    header = next(reader, None)
    if header is None or tuple(header) != columns:
        raise CopyError(f"table {table}: CSV header {header} differs from the manifest {list(columns)}")
    cols = ", ".join(f'"{c}"' for c in columns)
    db.execute(f'CREATE TABLE "{table}" ({cols})')
    marks = ", ".join("?" for _ in columns)
    db.executemany(
        f'INSERT INTO "{table}" VALUES ({marks})',
        ([None if v == NULL else v for v in row] for row in reader),
    )


def restore(s3: Any, bucket: str, stack: str, target: Path, copy_id: str | None = None) -> dict[str, Any]:
    """Restore the latest (or given) copy into a new SQLite file `target`; return the findings.

    Every object is checked against the manifest's SHA-256 before it is loaded; the restored tables
    are then counted and checksummed. `ok` is true only when every check passed.
    """
    if target.exists():
        raise CopyError(f"restore target {target} already exists: the drill restores into a fresh database")
    copy_id = copy_id or latest_copy(s3, bucket, stack)
    manifest, manifest_sha = read_manifest(s3, bucket, stack, copy_id)
    findings: dict[str, Any] = {
        "copy": {"bucket": bucket, "stack": stack, "copy_id": copy_id, "manifest_sha256": manifest_sha,
                 "source": manifest.get("source")},
        "tables": [],
        "problems": [],
    }
    db = sqlite3.connect(target)
    try:
        for t in tables_of(manifest):
            data = s3.get_object(Bucket=bucket, Key=t.object)["Body"].read()
            actual = hashlib.sha256(data).hexdigest()
            entry = {"name": t.name, "object": t.object, "sha256_expected": t.sha256, "sha256_actual": actual,
                     "rows_expected": t.rows, "rows_restored": None,
                     "content_sha256_expected": t.content_sha256, "content_sha256_restored": None}
            findings["tables"].append(entry)
            if actual != t.sha256:
                findings["problems"].append(f"{t.object}: SHA-256 {actual} differs from the manifest")
                continue
            _load_table(db, t.name, t.columns, data)
            rows = db.execute(f'SELECT * FROM "{t.name}"').fetchall()
            entry["rows_restored"] = len(rows)
            entry["content_sha256_restored"] = content_checksum(rows)
            if len(rows) != t.rows:
                findings["problems"].append(f"{t.name}: {len(rows)} rows restored, manifest says {t.rows}")
            if entry["content_sha256_restored"] != t.content_sha256:
                findings["problems"].append(f"{t.name}: restored content checksum differs from the manifest")
        db.commit()
    finally:
        db.close()
    findings["ok"] = not findings["problems"]
    return findings
