"""Step Functions workflow variables (round 39): a state's `Assign` sets a variable that later states read
(`"Bucket.$": "$target"` in JSONPath, `"Bucket": "{% $target %}"` in JSONata). A variable is not the
execution's input: it holds what the definition assigns it. A field reading a variable that every `Assign`
of the definition sets to a literal is judged as those literals (all of them: any state may have run last);
a variable assigned from the input, from another variable or by an expression is left as written and blocks
as a value chosen at run time (policies/core/runtime_refs.py)."""

from __future__ import annotations

import re
from typing import Any

_JSONPATH_VAR = re.compile(r"^\$([A-Za-z_]\w*)$")  # `$target` (not `$.x`, `$$.x`, `$target.x`)
_JSONATA_VAR = re.compile(r"^\{%\s*\$([A-Za-z_]\w*)\s*%\}$")  # `{% $target %}`
_RESERVED = frozenset({"states"})  # JSONata's `$states` is the input, context and results


def _assignments(node: Any, out: dict[str, list[Any]]) -> None:
    if isinstance(node, dict):
        assign = node.get("Assign")
        if isinstance(assign, dict):
            for k, v in assign.items():
                name = k[:-2] if k.endswith(".$") else k
                out.setdefault(name, []).append(None if k.endswith(".$") else v)  # `x.$`: a path, not a value
        for v in node.values():
            _assignments(v, out)
    elif isinstance(node, list):
        for v in node:
            _assignments(v, out)


def _literal(values: list[Any]) -> Any:
    """The variable's literals (one, or a list of each), or None when one assignment is not a literal."""
    if any(not isinstance(v, str) or v.startswith(("$", "{%")) for v in values):
        return None
    kept = sorted(set(values))
    return kept[0] if len(kept) == 1 else kept


def _inline(node: Any, known: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline(v, known) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k == "Assign":
            out[k] = v
            continue
        m = _JSONPATH_VAR.match(v) if isinstance(v, str) and k.endswith(".$") else (
            _JSONATA_VAR.match(v) if isinstance(v, str) else None)
        if m and m.group(1) in known:
            out[k[:-2] if k.endswith(".$") else k] = known[m.group(1)]
        else:
            out[k] = _inline(v, known)
    return out


def inline_variables(doc: Any) -> Any:
    """An Amazon States Language document, each read of a literal-valued variable replaced by its literals."""
    if not isinstance(doc, dict) or "States" not in doc:
        return doc
    found: dict[str, list[Any]] = {}
    _assignments(doc, found)
    known = {name: lit for name, values in found.items()
             if name not in _RESERVED and (lit := _literal(values)) is not None}
    return _inline(doc, known) if known else doc
