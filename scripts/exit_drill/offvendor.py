"""The off-vendor copy: a vendor-neutral layout (one CSV per table + a manifest) in an S3-compatible store.

Layout under `s3://<bucket>/<stack>/<copy id>/`: `tables/<table>.csv` and `manifest.json`. The manifest
lists, per table, the object key, the row count, the SHA-256 of the object bytes and a content checksum
of the rows (order-independent), so a restore can prove both that the bytes are the ones written and
that the database built from them holds the same data. Copy ids sort by time (`YYYYMMDDTHHMMSSZ`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

FORMAT = "dosis-offvendor-copy/1"
NULL = "\\N"
_COPY_ID = re.compile(r"^\d{8}T\d{6}Z$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class CopyError(Exception):
    """The copy is missing, unreadable, or does not match its manifest."""


@dataclass(frozen=True)
class TableCopy:
    name: str
    object: str
    rows: int
    sha256: str
    content_sha256: str
    columns: tuple[str, ...]


def cell(value: Any) -> str:
    """Canonical text of one value (CSV and checksums agree on it)."""
    return NULL if value is None else str(value)


def content_checksum(rows: list[tuple[Any, ...]]) -> str:
    """SHA-256 over the canonical rows, sorted: independent of storage order."""
    lines = sorted(json.dumps([cell(v) for v in row], ensure_ascii=False) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def table_names(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").fetchall()
    return [r[0] for r in rows if not r[0].startswith("sqlite_")]


def safe_name(name: str) -> str:
    if not _NAME.match(name):
        raise CopyError(f"table name {name!r} is not a plain identifier")
    return name


def dump_table(db: sqlite3.Connection, table: str) -> tuple[bytes, list[str], list[tuple[Any, ...]]]:
    cur = db.execute(f'SELECT * FROM "{safe_name(table)}"')
    columns = [d[0] for d in cur.description]
    rows = cur.fetchall()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue().encode(), columns, rows


def export_copy(s3: Any, bucket: str, stack: str, copy_id: str, db: sqlite3.Connection, source: str) -> str:
    """Write every table of `db` and the manifest as one copy; return the manifest key."""
    if not _COPY_ID.match(copy_id):
        raise CopyError(f"copy id {copy_id!r} is not YYYYMMDDTHHMMSSZ")
    prefix = f"{stack}/{copy_id}/"
    tables = []
    for table in table_names(db):
        data, columns, rows = dump_table(db, table)
        key = f"{prefix}tables/{table}.csv"
        s3.put_object(Bucket=bucket, Key=key, Body=data)
        tables.append({
            "name": table, "object": key, "rows": len(rows), "sha256": hashlib.sha256(data).hexdigest(),
            "content_sha256": content_checksum(rows), "columns": columns,
        })
    manifest = {"format": FORMAT, "stack": stack, "copy_id": copy_id, "source": source, "tables": tables}
    s3.put_object(Bucket=bucket, Key=f"{prefix}manifest.json", Body=json.dumps(manifest, indent=1).encode())
    return f"{prefix}manifest.json"


def latest_copy(s3: Any, bucket: str, stack: str) -> str:
    """Id of the newest copy of `stack` that has a manifest."""
    ids = set()
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=f"{stack}/"):
        for obj in page.get("Contents", ()):
            parts = obj["Key"].split("/")
            if len(parts) == 3 and parts[2] == "manifest.json" and _COPY_ID.match(parts[1]):
                ids.add(parts[1])
    if not ids:
        raise CopyError(f"no copy with a manifest under s3://{bucket}/{stack}/")
    return max(ids)


def read_manifest(s3: Any, bucket: str, stack: str, copy_id: str) -> tuple[dict[str, Any], str]:
    """(manifest, sha256 of its bytes)."""
    body = s3.get_object(Bucket=bucket, Key=f"{stack}/{copy_id}/manifest.json")["Body"].read()
    try:
        manifest = json.loads(body)
    except ValueError as err:
        raise CopyError(f"manifest of copy {copy_id} is not JSON ({err})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CopyError(f"manifest of copy {copy_id} is not in format {FORMAT}")
    if manifest.get("stack") != stack or manifest.get("copy_id") != copy_id:
        raise CopyError(f"manifest of copy {copy_id} names another stack or copy")
    return manifest, hashlib.sha256(body).hexdigest()


def tables_of(manifest: dict[str, Any]) -> list[TableCopy]:
    out = []
    try:
        for t in manifest["tables"]:
            out.append(TableCopy(safe_name(t["name"]), str(t["object"]), int(t["rows"]), str(t["sha256"]),
                                 str(t["content_sha256"]), tuple(safe_name(c) for c in t["columns"])))
    except (KeyError, TypeError, ValueError) as err:
        raise CopyError(f"manifest table entry is malformed ({err!r})") from None
    if not out:
        raise CopyError("manifest lists no tables")
    return out
