"""Local proof of the procedure: a moto S3 server on 127.0.0.1 and SQLite, no cloud credentials.

The local run writes a small deterministic source database, exports it as an off-vendor copy into an
Object Lock bucket of the moto server, then runs the same restore and verification as a live drill.
"""

from __future__ import annotations

import contextlib
import sqlite3
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gate.environ import environ

LOCAL_REGION = "eu-west-1"
_FAKE = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


@contextlib.contextmanager
def moto_s3() -> Iterator[Any]:
    """A boto3 S3 client against a fresh moto server (fake credentials, only for this server)."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        with environ(_FAKE):
            host, port = server.get_host_and_port()
            # moto keeps its backends per process: start from an empty store every time
            urllib.request.urlopen(
                urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")
            )
            yield boto3.client("s3", region_name=LOCAL_REGION, endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()


def locked_bucket(s3: Any, name: str) -> None:
    """An Object Lock bucket in COMPLIANCE mode, as the off-vendor stores are."""
    s3.create_bucket(
        Bucket=name,
        CreateBucketConfiguration={"LocationConstraint": LOCAL_REGION},
        ObjectLockEnabledForBucket=True,
    )
    s3.put_object_lock_configuration(
        Bucket=name,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 35}},
        },
    )


def seed(path: Path, dossiers: int = 250) -> sqlite3.Connection:
    """A small dossier-status database (synthetic: no personal data)."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE dossier (id INTEGER PRIMARY KEY, kbo TEXT, supplier TEXT, opened TEXT)")
    db.execute("CREATE TABLE status (dossier_id INTEGER, seq INTEGER, code TEXT, note TEXT)")
    db.executemany(
        "INSERT INTO dossier VALUES (?, ?, ?, ?)",
        [(i, f"0{400000000 + i * 7919}", f"supplier-{i % 9}", f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}")
         for i in range(1, dossiers + 1)],
    )
    db.executemany(
        "INSERT INTO status VALUES (?, ?, ?, ?)",
        [(i, s, ("INGEDIEND", "IN_BEHANDELING", "AFGEROND")[s], None if s else "één, \"twee\"\n")
         for i in range(1, dossiers + 1) for s in range(1 + i % 3)],
    )
    db.commit()
    return db
