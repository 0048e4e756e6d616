"""The findings of a stack rule, computed once per stack graph and reused while the policy config agrees.

The waived-findings companion of a pack judges every waivable stack rule again (under its own config) to
find the findings that a waiver names; over a large stack that doubles the cost of the heaviest rules. A
rule sees only the graph and its RuleContext, so its findings depend on the stack, the graph and the config
keys it reads: the config is handed over in a dict that records those reads, and the findings are reused
for a later config that agrees on every key read (any whole-config use, such as iterating it, requires an
equal config).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policies.core.rule import Rule, RuleContext
from policies.core.view import StackGraph

_ABSENT = object()
Findings = list[tuple[str, str]]


class _Reads(dict):  # type: ignore[type-arg]
    """A policy config that records the keys read from it (`whole` once it is used as a whole)."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.keys_read: set[Any] = set()
        self.whole = False

    def get(self, key: Any, default: Any = None) -> Any:
        self.keys_read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self.keys_read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: Any) -> bool:
        self.keys_read.add(key)
        return super().__contains__(key)


def _whole(name: str) -> Callable[..., Any]:
    method = getattr(dict, name)

    def use(self: _Reads, *args: Any, **kwargs: Any) -> Any:
        self.whole = True
        return method(self, *args, **kwargs)

    use.__name__ = name
    return use


for _name in ("__iter__", "__len__", "__eq__", "__ne__", "__repr__", "__reversed__", "__or__", "__ror__",
              "__reduce__", "__reduce_ex__", "__setitem__", "__delitem__", "keys", "items", "values", "copy",
              "pop", "popitem", "setdefault", "update", "clear"):
    setattr(_Reads, _name, _whole(_name))


def _agrees(old: dict[str, Any], keys: frozenset[Any] | None, new: dict[str, Any]) -> bool:
    if keys is None:
        return old == new
    return all(old.get(k, _ABSENT) == new.get(k, _ABSENT) for k in keys)


def stack_findings(rule: Rule, graph: StackGraph, ctx: RuleContext,
                   run: Callable[[Rule, StackGraph, RuleContext], Findings]) -> Findings:
    """`run(rule, graph, ctx)`, or the findings of an earlier run on this graph that read the same config."""
    memo: dict[str, list[tuple[str, dict[str, Any], frozenset[Any] | None, Findings]]] = (
        graph.__dict__.setdefault("_stack_findings", {})
    )
    config = dict(ctx.config)
    earlier = memo.setdefault(rule.id, [])
    for stack, old, keys, found in earlier:
        if stack == ctx.stack and _agrees(old, keys, config):
            return found
    reads = _Reads(config)
    found = run(rule, graph, RuleContext(config=reads, stack=ctx.stack))
    earlier.append((ctx.stack, config, None if reads.whole else frozenset(reads.keys_read), found))
    return found
