"""checkov's JSON readers for the gate's own one-line files, at the speed of `json.loads`.

checkov reads a Terraform plan and an ARM template through pure-Python YAML loaders that mark every
mapping with its lines (a third of a large scan). On a document that is one line of ASCII JSON, as the
gate writes them, every mark is line 1, so the same objects can be built from `json.loads`: the same
node types (`DictNode`/`ListNode`/`StrNode` for a plan, plain containers for ARM), the same
`__file__`/`__startline__`/`__endline__` keys in the same order, and numbers resolved as YAML 1.1
resolves them (`1e+20` stays a string, `NaN` too). Anything else - several lines, non-ASCII, a
surrogate pair escape (YAML keeps the two halves), duplicate keys (the plan loader rejects them) -
goes to checkov's own loader. Runs in checkov's environment (`driver.py`): imports nothing of the gate.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import yaml

_SURROGATE = re.compile(r"\\u[dD][89abAB]")


class _Fallback(Exception):
    """The fast reader cannot promise checkov's result: use checkov's loader."""


def one_line_json(content: str) -> bool:
    body = content.rstrip("\n")
    return (body.startswith("{") and "\n" not in body and "\r" not in body and content.isascii()
            and not _SURROGATE.search(content))


@functools.cache
def _yaml_number(token: str) -> Any:
    """What YAML 1.1 makes of a plain JSON number token (a float without a dot is a string there)."""
    return yaml.safe_load(token)


def _loads(content: str, object_pairs_hook: Any) -> Any:
    return json.loads(content, object_pairs_hook=object_pairs_hook, parse_float=_yaml_number,
                      parse_constant=_yaml_number)


def arm_loads(content: str) -> list[dict[str, Any]]:
    """`checkov.common.parsers.yaml.loader.loads` on one-line JSON: plain containers, line markers 1."""
    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        out["__startline__"] = 1
        out["__endline__"] = 1
        return out
    return [_loads(content, mapping)]


def plan_loads(content: str, fname: str) -> Any:
    """`checkov.cloudformation.parser.cfn_yaml.loads` of a TFPLAN on one-line JSON (raises _Fallback)."""
    from checkov.common.parsers.json.decoder import Mark
    from checkov.common.parsers.node import DictNode, ListNode, StrNode

    mark = Mark(0, 0)
    new_str = str.__new__

    def string(value: str) -> StrNode:
        # StrNode(value, mark, mark) without its __init__, which raises and catches a TypeError per call
        # (a tenth of the parse): the same object, the same two attributes
        out = new_str(StrNode, value)
        out.start_mark = out.end_mark = mark
        return out

    def node(value: Any) -> Any:
        if isinstance(value, str):
            return string(value)
        if isinstance(value, list):
            return ListNode([node(v) for v in value], mark, mark)
        return value   # numbers, booleans, None; objects are DictNodes already (built inside out)

    def mapping(pairs: list[tuple[str, Any]]) -> DictNode:
        out: dict[Any, Any] = {}
        for key, value in pairs:
            if key in out:
                raise _Fallback(f"duplicate key {key!r}")
            out[string(key)] = node(value)
        out["__file__"] = fname
        out["__startline__"] = 1
        out["__endline__"] = 1
        return DictNode(out, mark, mark)
    return _loads(content, mapping)


def install() -> None:
    """Route checkov's plan and ARM loaders through the fast readers when a document allows it."""
    from checkov.cloudformation.parser import cfn_yaml
    from checkov.common.parsers.yaml import loader

    plan_original, arm_original = cfn_yaml.loads, loader.loads

    def plan(yaml_string: str, fname: str, content_type: Any = None) -> Any:
        if content_type == cfn_yaml.ContentType.TFPLAN and one_line_json(yaml_string):
            try:
                return plan_loads(yaml_string, fname)
            except (_Fallback, ValueError):
                pass
        return plan_original(yaml_string, fname, content_type)

    def arm(content: str) -> Any:
        if one_line_json(content):
            try:
                return arm_loads(content)
            except ValueError:
                pass
        return arm_original(content)

    cfn_yaml.loads = plan     # read by cfn_yaml.load (the plan parser) at call time
    loader.loads = arm        # read by the ARM parser at call time; same answer for any caller
