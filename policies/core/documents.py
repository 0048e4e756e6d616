"""The documents a string input holds (JSON, YAML), IAM statements, and the plain values behind proxies.

Parsed once per string (the same policies and templates recur on thousands of resources); callers never
modify a parsed document.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

import yaml

from policies.core.asl_variables import inline_variables
from policies.core.proxy_attrs import PROXIES, proxy_target


@functools.lru_cache(maxsize=1024)
def json_doc(s: str) -> Any:
    try:
        return inline_variables(json.loads(s))  # Step Functions variables read as their literals
    except Exception:
        return None


@functools.lru_cache(maxsize=1024)
def yaml_doc(s: str) -> Any:
    try:
        return yaml.safe_load(s)
    except Exception:
        return None


# The grammar of an IAM policy statement: a dict with any other key is not one (an app's config that
# merely has an `Effect` key is scanned as any other document).
_STATEMENT_KEYS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource",
     "Condition"}
)


def statement(d: dict[str, Any]) -> bool:
    grants = "Action" in d or "NotAction" in d
    return grants and d.keys() <= _STATEMENT_KEYS and d["Effect"] in ("Allow", "Deny")


def unproxied(value: Any) -> Any:
    """The plain dict or list behind pulumi_policy's read-only proxies (any other value as it is)."""
    return proxy_target(value) if isinstance(value, PROXIES) else value


def iter_strings(value: Any) -> Iterator[str]:
    """Every string inside a plain value (used to index recorded outputs)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from iter_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from iter_strings(v)
