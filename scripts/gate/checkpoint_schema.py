"""The checkpoint (`pulumi stack export`, version 3) validated before anything runs.

Typed checks rather than a JSON Schema validator: the same rules, but linear and fast on 100k-resource
states. What a real engine never writes is bad input (exit 2) naming the resource and key: malformed or
duplicate URNs, options of the wrong type, nesting past MAX_DEPTH, numbers a float64 cannot hold,
NaN/Infinity (refused while parsing, see gate.inputs.parse_json), lone UTF-16 surrogates.
"""

from __future__ import annotations

import re
from typing import Any

from gate.errors import GateError
from gate.inputs import MAX_DEPTH

URN = re.compile(r"urn:pulumi:(?P<stack>[^:]+)::(?P<project>[^:]+)::"
                 r"(?P<type>[^:]+(?::[^:]+)*?)::(?P<name>.*)", re.DOTALL)
_INF = float("inf")
MAX_INT = 2**63       # Pulumi numbers are float64; integers beyond this are not real values

_BOOL_KEYS = ("custom", "delete", "protect", "external", "retainOnDelete", "pendingReplacement")
_STR_KEYS = ("id", "type", "parent", "provider", "importID")
_STR_LIST_KEYS = ("dependencies", "ignoreChanges", "additionalSecretOutputs", "replaceOnChanges")


def validate_checkpoint(data: Any, source: str) -> None:
    """GateError naming `source`, the resource index/URN and the key for the first problem found."""
    if not isinstance(data, dict) or not isinstance(data.get("deployment"), dict):
        raise GateError(f"{source}: not a Pulumi checkpoint (expected an object with a 'deployment' key)")
    if data.get("version") not in (3, None):
        raise GateError(f"{source}: version: unsupported checkpoint version {data.get('version')!r} "
                        "(expected 3)")
    resources = data["deployment"].get("resources")
    if resources is None:
        return
    if not isinstance(resources, list):
        raise GateError(f"{source}: deployment.resources: expected a list")
    live: set[str] = set()
    for i, r in enumerate(resources):
        where = f"{source}: deployment.resources[{i}]"
        if not isinstance(r, dict):
            raise GateError(f"{where}: expected an object")
        urn = _urn(r, where)
        where = f"{source}: {urn}"
        _options(r, where)
        if not r.get("delete"):
            if urn in live:
                raise GateError(f"{where}: duplicate URN (each live resource has exactly one)")
            live.add(urn)
        for key in ("inputs", "outputs"):
            value = r.get(key)
            if value is None:
                continue
            if not isinstance(value, dict):
                raise GateError(f"{where}: {key}: expected an object, got {type(value).__name__}")
            _values(value, f"{where}: {key}", 1)


def _urn(r: dict[str, Any], where: str) -> str:
    urn, typ = r.get("urn"), r.get("type")
    if not isinstance(urn, str):
        raise GateError(f"{where}: urn: expected a string")
    m = URN.fullmatch(urn)
    if m is None or not m["name"]:
        raise GateError(f"{where}: urn: {urn[:200]!r} is not a Pulumi URN "
                        "(urn:pulumi:<stack>::<project>::<type>::<name>)")
    if not isinstance(typ, str) or not typ:
        raise GateError(f"{where}: type: expected a type token")
    own = m["type"].rsplit("$", 1)[-1]
    if own != typ:
        raise GateError(f"{where}: type: {typ!r} does not match the URN's type {own!r}")
    return urn


def _options(r: dict[str, Any], where: str) -> None:
    for key in _BOOL_KEYS:
        if key in r and r[key] is not None and not isinstance(r[key], bool):
            raise GateError(f"{where}: {key}: expected true or false, got {type(r[key]).__name__}")
    for key in _STR_KEYS:
        if key in r and r[key] is not None and not isinstance(r[key], str):
            raise GateError(f"{where}: {key}: expected a string, got {type(r[key]).__name__}")
    for key in _STR_LIST_KEYS:
        value = r.get(key)
        if value is not None and (not isinstance(value, list) or not all(isinstance(x, str) for x in value)):
            raise GateError(f"{where}: {key}: expected a list of strings")
    deps = r.get("propertyDependencies")
    if deps is not None and (not isinstance(deps, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v)
            for v in deps.values() if v is not None)):
        raise GateError(f"{where}: propertyDependencies: expected an object of URN lists")
    aliases = r.get("aliases")
    if aliases is not None and (not isinstance(aliases, list)
                                or not all(isinstance(a, str | dict) for a in aliases)):
        raise GateError(f"{where}: aliases: expected a list of URNs or alias objects")
    dbr = r.get("deleteBeforeReplace")
    if dbr is not None and not isinstance(dbr, bool):
        raise GateError(f"{where}: deleteBeforeReplace: expected true or false")
    timeouts = r.get("customTimeouts")
    if timeouts is not None and (not isinstance(timeouts, dict) or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in timeouts.values())):
        raise GateError(f"{where}: customTimeouts: expected an object of durations")


def _values(value: Any, where: str, depth: int) -> None:
    """Depth, integer range and UTF-16 surrogates of every value (one pass, no copies)."""
    stack: list[tuple[Any, int]] = [(value, depth)]
    while stack:
        v, d = stack.pop()
        t = type(v)
        if t is str:
            if not v.isascii() and _has_surrogate(v):
                raise GateError(f"{where}: a string holds a lone UTF-16 surrogate (not valid Unicode)")
        elif t is dict or t is list:
            if d > MAX_DEPTH:
                raise GateError(f"{where}: nested more than {MAX_DEPTH} levels")
            items = v.values() if t is dict else v
            stack.extend((x, d + 1) for x in items if type(x) is not bool and x is not None)
            if t is dict:
                for k in v:
                    if not k.isascii() and _has_surrogate(k):
                        raise GateError(f"{where}: a key holds a lone UTF-16 surrogate (not valid Unicode)")
        elif t is float and (v != v or v in (_INF, -_INF)):
            raise GateError(f"{where}: {v} is not a finite number (Pulumi never writes NaN or Infinity)")
        elif t is int and not -MAX_INT <= v <= MAX_INT:
            raise GateError(f"{where}: integer out of range ({str(v)[:20]}…; "
                            "Pulumi numbers are 64-bit floats)")


def _has_surrogate(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
