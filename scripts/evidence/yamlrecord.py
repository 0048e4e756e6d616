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


def load_validated(path: Path, schema: dict[str, Any], shown: str | None = None,
                   dates_as_text: bool = False) -> Any:
    """The record at `path` (named `shown` in errors); EvidenceError when missing, unparsable or invalid."""
    shown = shown or str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvidenceError(f"{shown}: file not found") from None
    except OSError as exc:
        raise EvidenceError(f"{shown}: not readable ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "parse error"
        raise EvidenceError(f"{shown}: {where}: not valid YAML") from None
    data = _plain(data) if dates_as_text else data
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        key = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise EvidenceError(f"{shown}: {key}: {error.message}")
    return data
