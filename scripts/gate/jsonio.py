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
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

try:
    import orjson
except ImportError:   # pragma: no cover - orjson is a declared dependency; the fallback writes the same JSON
    orjson = None


# Round 21: what JSON may carry raw but a log viewer breaks a line at or turns around — C1 controls (NEL),
# the line and paragraph separators, the bidirectional controls (as gate.report_parts escapes them in
# text) — is written as a `\uXXXX` escape: the same document once parsed, no line of it a spoofed verdict.
# (their UTF-8 forms: U+0080-009F, U+061C, U+200E/F, U+2028-202E, U+2066-2069; each starts at a lead byte)
_BREAKS = re.compile(rb"\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def _escaped(data: bytes) -> bytes:
    """`data` with each of those characters as its `\\uXXXX` escape (valid only inside a JSON string, which
    is the only place JSON holds a non-ASCII character)."""
    if data.isascii() or _BREAKS.search(data) is None:   # each of them is non-ASCII; isascii is a C scan
        return data
    return _BREAKS.sub(lambda m: b"\\u%04x" % ord(m.group().decode("utf-8")), data)


def dumps_bytes(value: Any) -> bytes:
    """Indented (2 spaces) UTF-8 JSON with a final newline; keys in insertion order."""
    if orjson is not None:
        return _escaped(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    return _escaped((json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def dumps(value: Any) -> str:
    return dumps_bytes(value).decode("utf-8")


def _item(value: Any, pad: bytes) -> bytes:
    if orjson is not None:
        data = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    else:
        data = json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")
    return pad + _escaped(data).replace(b"\n", b"\n" + pad)


def list_chunks(items: Iterable[Any], level: int, batch: int = 2000) -> Iterator[bytes]:
    """A list nested `level` deep in a document `dumps` renders, as `dumps` renders it there, in pieces of
    `batch` items (a list of 100k findings is never a whole tree of dicts in memory)."""
    pad, close = b"  " * (level + 1), b"  " * level
    first = True
    chunk: list[bytes] = []
    for item in items:
        chunk.append(_item(item, pad))
        if len(chunk) >= batch:
            yield (b"[\n" if first else b",\n") + b",\n".join(chunk)
            first, chunk = False, []
    if chunk:
        yield (b"[\n" if first else b",\n") + b",\n".join(chunk)
        first = False
    yield b"[]" if first else b"\n" + close + b"]"


def write_list(items: Iterable[Any], out: TextIO, level: int) -> None:
    """`list_chunks` written to a text stream."""
    for chunk in list_chunks(items, level):
        out.write(chunk.decode("utf-8"))


def joined(docs: list[bytes], many: bool) -> bytes:
    """Documents rendered by `dumps_bytes`: one as it is, or the list of them as `dumps_bytes` renders
    a list (each indented one level)."""
    if not many:
        return docs[0]
    if not docs:
        return b"[]\n"
    return b"[\n" + b",\n".join(b"  " + d.rstrip(b"\n").replace(b"\n", b"\n  ") for d in docs) + b"\n]\n"


PLACEHOLDER = "@gate:list@"


def dumps_with_list(doc: dict[str, Any], items: Iterable[Any]) -> bytes:
    """`dumps_bytes` of `doc` whose top-level value PLACEHOLDER stands for the list `items`."""
    head, tail = dumps_bytes(doc).split(f'"{PLACEHOLDER}"'.encode(), 1)
    return b"".join([head, *list_chunks(items, level=1), tail])


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
    write_bytes_atomic(path, dumps_bytes(value))


def write_json_atomic(path: Path, data: Any) -> None:
    """A state or run file as the recording writes it (stdlib JSON, indent 1, final newline), atomically:
    the stack cache writes a hit's state with it too, so a hit and a recording leave the same bytes."""
    write_bytes_atomic(path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """`data` into `path` via a temp file in the same directory and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
