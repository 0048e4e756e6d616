"""Read a YAML record and validate it against a JSON schema: bad input names the file and key (exit 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from evidence.errors import EvidenceError


def _plain(value: Any) -> Any:
    """YAML reads 2026-06-01 as a date; schemas (and JSON) speak ISO strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def safe_load(text: str) -> Any:
    """The records' YAML reader (policies.core.yaml_text: a key given twice, an impossible date are YAML
    errors with their line, round 15)."""
    from policies.core.yaml_text import safe_load as strict

    return strict(text)


def yaml_problem(shown: str, exc: yaml.YAMLError, text: str = "") -> str:
    """`<file>: line N: not valid YAML`; for a value YAML cannot make (a key twice, an impossible date,
    a tag) also what is wrong and the line, which names the key."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark else "parse error"
    if not isinstance(exc, yaml.constructor.ConstructorError) or mark is None:
        return f"{shown}: {where}: not valid YAML"
    lines = text.splitlines()
    line = lines[mark.line].strip()[:80] if mark.line < len(lines) else ""
    return f"{shown}: {where}: not valid YAML ({exc.problem}: {line!r})"


def _no_nul(value: Any, shown: str, path: str = "") -> None:
    """A NUL character has no place in a record (a renderer or a reviewer's tool cuts the text there)."""
    if isinstance(value, str) and "\0" in value:
        raise EvidenceError(f"{shown}: {path or '(top level)'}: contains a NUL character")
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        _no_nul(item, shown, f"{path}.{key}" if path and isinstance(key, str) else
                f"{path}[{key}]" if isinstance(key, int) else str(key))


def load_validated(path: Path, schema: dict[str, Any], shown: str | None = None,
                   dates_as_text: bool = False) -> Any:
    """The record at `path` (named `shown` in errors); EvidenceError when missing, unparsable or invalid."""
    from policies.core.record_files import record_text

    shown = shown or str(path)
    text, problem = record_text(Path(path), Path(path).parent)   # no FIFO, no link out, UTF-8 (round 23)
    if problem is not None:
        raise EvidenceError(problem.replace(str(path), shown))
    if text is None:
        raise EvidenceError(f"{shown}: file not found")
    try:
        data = safe_load(text)
    except yaml.YAMLError as exc:
        raise EvidenceError(yaml_problem(shown, exc, text)) from None
    _no_nul(data, shown)
    data = _plain(data) if dates_as_text else data
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        key = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise EvidenceError(f"{shown}: {key}: {error.message}")
    return data
