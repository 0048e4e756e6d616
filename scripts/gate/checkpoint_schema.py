"""The checkpoint (`pulumi stack export`, version 3) validated before anything runs.

Typed checks rather than a JSON Schema validator: the same rules, but linear and fast on 100k-resource
states. What a real engine never writes is bad input (exit 2) naming the resource and key: malformed or
duplicate URNs, options of the wrong type, nesting past MAX_DEPTH, strings or keys past MAX_STRING,
numbers a float64 cannot hold, NaN/Infinity; lone UTF-16 surrogates are refused while parsing
(gate.inputs.parse_json).
"""

from __future__ import annotations

import re
from typing import Any

from gate.checkpoint_refs import validate_references
from gate.errors import GateError
from gate.inputs import MAX_DEPTH

URN = re.compile(r"urn:pulumi:(?P<stack>[^:]+)::(?P<project>[^:]+)::"
                 r"(?P<type>[^:]+(?::[^:]+)*?)::(?P<name>.*)", re.DOTALL)
_INF = float("inf")
MAX_INT = 2**63       # Pulumi numbers are float64; integers beyond this are not real values
MAX_STRING = 16 * 1024 * 1024   # characters in one string or key; no cloud API takes a property this long

_BOOL_KEYS = ("custom", "delete", "protect", "external", "retainOnDelete", "pendingReplacement")
_STR_KEYS = ("id", "type", "parent", "provider", "importID")
_STR_LIST_KEYS = ("dependencies", "ignoreChanges", "additionalSecretOutputs", "replaceOnChanges")


def validate_checkpoint(data: Any, source: str, values_checked: list[bool] | None = None) -> None:
    """GateError naming `source`, the resource index/URN and the key for the first problem found.

    `values_checked` (gate.state_load, which read the resources): True where a resource's values are
    known to be within the limits `_values` checks, whose walk is then skipped (the result is the same)."""
    if not isinstance(data, dict) or not isinstance(data.get("deployment"), dict):
        raise GateError(f"{source}: not a Pulumi checkpoint (expected an object with a 'deployment' key)")
    if data.get("version") not in (3, None):
        raise GateError(f"{source}: version: unsupported checkpoint version {data.get('version')!r} "
                        "(expected 3)")
    _values({k: v for k, v in data["deployment"].items() if k != "resources"}, f"{source}: deployment", 1)
    resources = data["deployment"].get("resources")
    if resources is None:
        validate_references(data["deployment"], [], source)
        return
    if not isinstance(resources, list):
        raise GateError(f"{source}: deployment.resources: expected a list")
    live: set[str] = set()
    fine: set[int] = set()     # ids of property-dependency lists found to be URN lists
    within = values_checked if values_checked is not None and len(values_checked) == len(resources) else \
        [False] * len(resources)
    for i, r in enumerate(resources):
        where = f"{source}: deployment.resources[{i}]"
        if not isinstance(r, dict):
            raise GateError(f"{where}: expected an object")
        if not within[i]:
            _values({k: v for k, v in r.items() if k != "inputs" and k != "outputs"}, where, 1)
        urn = _urn(r, where)
        where = f"{source}: {urn}"
        _options(r, where, fine)
        if not r.get("delete"):
            if urn in live:
                raise GateError(f"{where}: duplicate URN (each live resource has exactly one)")
            live.add(urn)
        inputs = r.get("inputs")
        for key in ("inputs", "outputs"):
            value = r.get(key)
            if value is None:
                continue
            if not isinstance(value, dict):
                raise GateError(f"{where}: {key}: expected an object, got {type(value).__name__}")
            if within[i]:
                continue
            if key == "outputs" and isinstance(inputs, dict):   # outputs gate.state_load shares: checked
                value = [v for k, v in value.items() if inputs.get(k, value) is not v]
            _values(value, f"{where}: {key}", 1)
    validate_references(data["deployment"], resources, source)


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


_STR = {str}
_ALIAS = {str, dict}
_DURATION = {str, int, float}


def _only(values: Any, types: set[type]) -> bool:
    """Every item of a list (or dict's values) is of one of `types` (C-speed: states are large)."""
    return set(map(type, values)) <= types


def _urn_lists(deps: dict[str, Any], fine: set[int]) -> bool:
    """Every value is None or a list of strings. `fine`: ids of lists found so, alive for the whole
    validation (gate.state_load makes equal URN lists one list: most are seen before, tested at C speed)."""
    if set(map(id, deps.values())) <= fine:
        return True
    if not all(v is None or (type(v) is list and _only(v, _STR)) for v in deps.values()):
        return False
    fine.update(map(id, deps.values()))
    return True


def _options(r: dict[str, Any], where: str, fine: set[int]) -> None:
    for key in _BOOL_KEYS:
        v = r.get(key)
        if v is not None and type(v) is not bool:
            raise GateError(f"{where}: {key}: expected true or false, got {type(v).__name__}")
    for key in _STR_KEYS:
        v = r.get(key)
        if v is not None and type(v) is not str:
            raise GateError(f"{where}: {key}: expected a string, got {type(v).__name__}")
    for key in _STR_LIST_KEYS:
        v = r.get(key)
        if v is not None and (type(v) is not list or not _only(v, _STR)):
            raise GateError(f"{where}: {key}: expected a list of strings")
    deps = r.get("propertyDependencies")
    if deps is not None and (type(deps) is not dict or not _urn_lists(deps, fine)):
        raise GateError(f"{where}: propertyDependencies: expected an object of URN lists")
    aliases = r.get("aliases")
    if aliases is not None and (type(aliases) is not list or not _only(aliases, _ALIAS)):
        raise GateError(f"{where}: aliases: expected a list of URNs or alias objects")
    dbr = r.get("deleteBeforeReplace")
    if dbr is not None and type(dbr) is not bool:
        raise GateError(f"{where}: deleteBeforeReplace: expected true or false")
    timeouts = r.get("customTimeouts")
    if timeouts is not None and (type(timeouts) is not dict or not _only(timeouts.values(), _DURATION)):
        raise GateError(f"{where}: customTimeouts: expected an object of durations")


def _values(value: Any, where: str, depth: int) -> None:
    """Depth, integer range, finiteness and length (strings and keys) of every value (recursion bounded
    by MAX_DEPTH).

    Lone surrogates can only come from `\\uD8xx` escapes in a file's text: gate.inputs checks the text
    once (fast) instead of every string here.
    """
    if depth > MAX_DEPTH:
        raise GateError(f"{where}: nested more than {MAX_DEPTH} levels")
    if type(value) is dict and value and max(map(len, value)) > MAX_STRING:
        raise GateError(f"{where}: a key longer than {MAX_STRING} characters")
    for v in value.values() if type(value) is dict else value:
        t = type(v)
        if t is str:
            if len(v) > MAX_STRING:
                raise GateError(f"{where}: a string of {len(v)} characters (more than {MAX_STRING}): no "
                                "cloud API takes a property this long; keep large content in files or assets")
            continue
        if t is bool or v is None:
            continue
        if t is dict or t is list:
            if v:
                _values(v, where, depth + 1)
        elif t is int:
            if v > MAX_INT or v < -MAX_INT:
                raise GateError(f"{where}: integer out of range ({str(v)[:20]}…; "
                                "Pulumi numbers are 64-bit floats)")
        elif t is float and (v != v or v == _INF or v == -_INF):
            raise GateError(f"{where}: {v} is not a finite number (Pulumi never writes NaN or Infinity)")
