"""One structural mutation of a valid YAML/JSON/TOML input file (round 15: bad input in every file the
gate and the evidence export read). Written before reading the loaders: the mutations are generic.

`paths(doc)` lists every mapping key of a document (its path from the root); `mutate(text, kind, mutation,
pick)` applies ONE mutation at the key `pick` selects (an index into `paths`, modulo its length) and
returns the new text and the key it touched ("" for a whole-file mutation), or None when the mutation
does not apply to this file (no date to make impossible, no YAML tag in JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from pathlib import Path
from typing import Any

import yaml

LONG = "x" * 100_000
VALUE_MUTATIONS: dict[str, Any] = {
    "null": None,
    "list": ["x"],
    "map": {"x": 1},
    "number": 7,
    "bool": True,
    "long-string": LONG,
    "nul": "a\0b",
    "newline": "a\nb",
}
KEY_MUTATIONS = ("drop-key", "unknown-key", "duplicate-key", *VALUE_MUTATIONS, "impossible-date",
                 "python-tag")
FILE_MUTATIONS = ("bom", "crlf", "tabs", "document-separator")
MUTATIONS = KEY_MUTATIONS + FILE_MUTATIONS
TAG_MARK = "GATE-R15-TAG-MARK"
IMPOSSIBLE_DATE = "2026-02-30"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Pairs(list):
    """A mapping given as (key, value) pairs, so a key can be written twice."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Pairs, lambda d, pairs: d.represent_mapping("tag:yaml.org,2002:map", list(pairs)))


def paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every mapping key of `doc`, as its path (keys and list indexes) from the root."""
    found: list[tuple] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            found.append((*prefix, key))
            found.extend(paths(value, (*prefix, key)))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found.extend(paths(value, (*prefix, i)))
    return found


def _parent(doc: Any, path: tuple) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) or (isinstance(value, str) and bool(_DATE.match(value)))


def _dump(doc: Any, fmt: str) -> str:
    if fmt == "json":
        return _json(doc) + "\n"
    if fmt == "toml":
        return _toml(doc)
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**9)


def _json(value: Any) -> str:
    if isinstance(value, Pairs):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_json(v)}" for k, v in value) + "}"
    if isinstance(value, dict):
        return _json(Pairs(value.items()))
    if isinstance(value, list):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return json.dumps(value.isoformat())
    return json.dumps(value)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value)   # a TOML basic string is a JSON string for these values
    if isinstance(value, dict | Pairs):
        items = value if isinstance(value, Pairs) else list(value.items())
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in items) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if value is None:
        return "nan"    # TOML has no null: the nearest thing a hand edit leaves is a value of another type
    raise TypeError(type(value))


def _toml(doc: dict) -> str:
    """`{"tool": {"gate": {key: value}}}` as a `[tool.gate]` table (nested tables inline)."""
    body = doc["tool"]["gate"]
    items = body if isinstance(body, Pairs) else list(body.items())
    lines = ["[tool.gate]", *(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in items)]
    return "\n".join(lines) + "\n"


def load(text: str, fmt: str) -> Any:
    if fmt == "json":
        return json.loads(text)
    if fmt == "toml":
        import tomllib

        return tomllib.loads(text)
    return yaml.safe_load(text)


def mutate(text: str, fmt: str, mutation: str, pick: int, depth: int = 1) -> tuple[str, str] | None:
    """(new text, touched key) or None when `mutation` does not apply to this document. Only keys at
    least `depth` levels deep are touched (a TOML file's own table is not the input of its kind)."""
    if mutation in FILE_MUTATIONS:
        return _file_mutation(text, fmt, mutation, pick)
    doc = load(text, fmt)
    keys = [p for p in paths(doc) if len(p) >= depth]
    if mutation == "impossible-date":
        keys = [p for p in keys if _is_date(_parent(doc, p)[p[-1]])]
    if not keys or (mutation == "python-tag" and fmt != "yaml"):
        return None
    path = keys[pick % len(keys)]
    parent, key = _parent(doc, path), path[-1]
    if mutation == "drop-key":
        del parent[key]
    elif mutation == "unknown-key":
        parent["gateR15Unknown"] = "x"
        key = "gateR15Unknown"
    elif mutation == "duplicate-key":
        value = parent[key]
        again = "dup" if not isinstance(value, str) else value + "-dup"
        pairs = Pairs(parent.items())
        pairs.append((key, again))
        if len(path) == 1:
            doc = pairs
        else:
            _parent(doc, path[:-1])[path[-2]] = pairs
    elif mutation == "impossible-date":
        parent[key] = IMPOSSIBLE_DATE
    elif mutation == "python-tag":
        parent[key] = TAG_MARK
    else:
        parent[key] = VALUE_MUTATIONS[mutation]
    out = _dump(doc, fmt)
    if mutation == "impossible-date" and fmt == "yaml":
        out = out.replace(f"'{IMPOSSIBLE_DATE}'", IMPOSSIBLE_DATE)   # a date as written, not a quoted string
    if mutation == "python-tag":
        out = out.replace(TAG_MARK, '!!python/object/apply:os.system ["true"]')
    return out, str(key)


def _file_mutation(text: str, fmt: str, mutation: str, pick: int) -> tuple[str, str] | None:
    if mutation == "bom":
        return "\ufeff" + text, ""
    if mutation == "crlf":
        return text.replace("\n", "\r\n"), ""
    if mutation == "tabs":
        lines = text.split("\n")
        indented = [i for i, line in enumerate(lines) if line.startswith(" ")]
        if not indented:
            return None
        i = indented[pick % len(indented)]
        lines[i] = "\t" + lines[i].lstrip(" ")
        return "\n".join(lines), ""
    if fmt == "toml":
        return None
    second = "{}\n" if fmt == "json" else "---\n{}\n"
    return text + ("\n" if not text.endswith("\n") else "") + second, ""


RESULT_FILES = ("run.json", "run.dsse.json", "*.report.json", "*.state.json", "gate.sarif", "gate.junit.xml",
                "summary.json", "manifest.json", "*.html")


def written(out: Path) -> list[str]:
    """Result files in `out` (what a later step could read as this run's result)."""
    return sorted(p.name for pattern in RESULT_FILES for p in out.glob(pattern)) if out.is_dir() else []


def spread(name: str, mutation: str, pick: int) -> int:
    """Which key a pick touches: offset by the (kind, mutation) pair, so that the first example of each
    pair (hypothesis starts at 0) does not always touch the file's first key."""
    return pick + zlib.crc32(f"{name}/{mutation}".encode())
