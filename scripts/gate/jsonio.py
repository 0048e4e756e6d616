"""JSON in and out at the speed of evaluation.

Reports of large stacks are tens of megabytes: the standard library's indented dump runs its pure-Python
encoder (1.8 s for a 100k-resource report), orjson writes the same document in 0.1 s (measured in
scripts/bench_gate.py). Loading pauses the cyclic GC, which would otherwise rescan the millions of
containers a large state is made of, again and again, while they are being built.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

try:
    import orjson
except ImportError:   # pragma: no cover - orjson is a declared dependency; the fallback writes the same JSON
    orjson = None


def dumps_bytes(value: Any) -> bytes:
    """Indented (2 spaces) UTF-8 JSON with a final newline; keys in insertion order."""
    if orjson is not None:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def dumps(value: Any) -> str:
    return dumps_bytes(value).decode("utf-8")


def _item(value: Any, pad: str) -> str:
    if orjson is not None:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    else:
        text = json.dumps(value, indent=2, ensure_ascii=False)
    return pad + text.replace("\n", "\n" + pad)


def write_list(items: Iterable[Any], out: TextIO, level: int, batch: int = 2000) -> None:
    """A list nested `level` deep in a document `dumps` renders, written as `dumps` would write it there,
    `batch` items at a time (a list of 100k findings is never a whole document in memory)."""
    pad, close = "  " * (level + 1), "  " * level
    first = True
    chunk: list[str] = []
    for item in items:
        chunk.append(_item(item, pad))
        if len(chunk) >= batch:
            out.write(("[\n" if first else ",\n") + ",\n".join(chunk))
            first, chunk = False, []
    if chunk:
        out.write(("[\n" if first else ",\n") + ",\n".join(chunk))
        first = False
    out.write("[]" if first else f"\n{close}]")


def loads(data: bytes | str) -> Any:
    """Parse JSON (ValueError subclass on bad input, with `lineno`/`msg` when the stdlib parser is used)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return json.loads(data)
    finally:
        if paused:
            gc.enable()


def write_atomic(path: Path, value: Any) -> None:
    """Write via a temp file in the same directory and rename: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(dumps_bytes(value))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
