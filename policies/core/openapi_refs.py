"""An OpenAPI body's operations with their `$ref`s followed (round 97). A path item may be a Reference Object
(OpenAPI 3.0), and an HTTP API's `x-amazon-apigateway-integration` may be a `$ref` to
`components.x-amazon-apigateway-integrations` (the API Gateway extension for HTTP APIs): what such an
operation allows, and what it reads, is where the reference points. A local reference (`#/…`, a JSON pointer
into the body) is followed; an external one (another document, a URL) or one naming nothing of the body
cannot be judged and is reported (closed world). Where a `$ref` has members beside it (a path item's own
operations, an integration's fields), OpenAPI leaves the merge undefined or ignores them: both are judged."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

INTEGRATION = "x-amazon-apigateway-integration"
_MISSING = object()
_DEPTH = 16  # a chain longer than this (or a loop) is not followed


def _pointer(doc: Any, ref: str) -> Any:
    """The node a local JSON pointer (`#/a/b~1c`) names in the body, or _MISSING."""
    node = doc
    for raw in ref[1:].split("/")[1:] if ref != "#" else ():
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def follow(doc: Any, node: Any, where: str) -> tuple[Any, str | None]:
    """`node` with its `$ref` chain followed inside the body, or why it cannot be followed."""
    seen: list[str] = []
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None, (
                f"`body`: {where} is `$ref` {ref!r}, outside the body: what it defines (who may call it, "
                "what its integration reads) is not in the program, so it cannot be judged (fail closed); "
                "inline it or point `$ref` into the body (#/…)"
            )
        if ref in seen or len(seen) >= _DEPTH:
            return None, f"`body`: {where} is `$ref` {ref!r}, a chain of references that does not end"
        seen.append(ref)
        node = _pointer(doc, ref)
        if node is _MISSING:
            return None, (
                f"`body`: {where} is `$ref` {ref!r}, which names nothing the body defines, so what it allows "
                "cannot be judged (fail closed); define it in the body"
            )
    return node, None


def variants(doc: Any, node: Any, where: str) -> tuple[list[Any], list[str]]:
    """The readings of a node: itself, or for a `$ref` its target and (when it has any) its siblings. OpenAPI
    ignores a Reference Object's siblings (and defines none for operations or extensions); whether API
    Gateway's import merges them is not established, so both are judged (the probe r97p-10, -11)."""
    if not (isinstance(node, dict) and "$ref" in node):
        return [node], []
    target, problem = follow(doc, {"$ref": node["$ref"]}, where)
    siblings = {k: v for k, v in node.items() if k != "$ref"}
    return [siblings] * bool(siblings) + [target] * (problem is None), [problem] if problem else []


def _operations(doc: Any, op: Any, where: str) -> tuple[list[dict[str, Any]], list[str]]:
    """An operation's readings, each with one reading of its integration."""
    out: list[dict[str, Any]] = []
    ops, problems = variants(doc, op, where)
    for each in ops:
        if not isinstance(each, dict) or not isinstance(each.get(INTEGRATION), dict):
            out += [each] if isinstance(each, dict) else []
            continue
        integrations, found = variants(doc, each[INTEGRATION], f"the integration of {where}")
        problems += found
        out += [{**each, INTEGRATION: i} for i in integrations]
    return out, problems


def operations(doc: Any) -> tuple[list[tuple[str, str, dict[str, Any]]], list[str]]:
    """Each (path, key, operation) of the body's path items, references followed; and the references that
    cannot be followed. Every dict member of a path item is returned (the callers pick the verbs)."""
    paths = doc.get("paths") if isinstance(doc, dict) else None
    out: list[tuple[str, str, dict[str, Any]]] = []
    problems: list[str] = []
    for path, item in paths.items() if isinstance(paths, dict) else ():
        items, problems_here = variants(doc, item, f"path item {path}")
        problems += problems_here
        for each in items:
            for key, op in each.items() if isinstance(each, dict) else ():
                ops, found = _operations(doc, op, f"operation {key.upper()} {path}")
                problems += found
                out += [(str(path), str(key), o) for o in ops]
    return out, problems
