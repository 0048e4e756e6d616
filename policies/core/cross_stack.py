"""A value another stack exports, read through `pulumi.StackReference`: placed through the recorded graph of
the stack that exports it (round 11 of the engine), else by what that stack states, else failing closed.

In an offline gate run (`GATE_STACK_GRAPHS` set) a referenced stack's graph decides: the value resolves
when a resource of that graph has it as its recorded id, ARN or endpoint, and is judged where that resource
is; what the stack merely states (a `location` output) places nothing. Without the gate (the Pulumi CLI, a
pack test) the stated region of the referenced stack is used, as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from policies.core.destinations import region_of
from policies.core.documents import iter_strings
from policies.core.location import allowed, region_verdict
from policies.core.references import Ref, scan
from policies.core.rule import RuleContext
from policies.core.stack_graphs import ENV, referenced_graph
from policies.core.view import ResourceView, StackGraph


def output_values(s: ResourceView, outputs: dict[str, Any]) -> frozenset[str]:
    """Every string a referenced stack's outputs hold, and every reference the scanner finds in them."""
    vals = s.memo.get("_output_values")
    if vals is None:
        found = {x.lower() for x in iter_strings(outputs)}
        found.update(r.value.lower() for r in scan(outputs) if r.kind not in ("unknown", "secret", "opaque"))
        vals = s.memo["_output_values"] = frozenset(found)
    return vals


def holders(ref: Ref, stack_refs: list[ResourceView]) -> list[ResourceView]:
    """The stack references whose outputs are `ref` (an output string equal to it, or a reference the
    scanner finds in one; never a substring: `exports` is not `my-exports`)."""
    want = ref.value.lower()
    return [s for s in stack_refs
            if isinstance(out := s.input("outputs"), dict) and want in output_values(s, out)]


def stated(ref: Ref, stack_refs: list[ResourceView]) -> str | None:
    """The region/location a referenced stack states beside an output that is `ref` (without the gate)."""
    for s in holders(ref, stack_refs):
        outputs = s.input("outputs")
        for key in ("location", "region"):
            if isinstance(outputs.get(key), str):
                return outputs[key]
    return None


Placer = Callable[[ResourceView, Ref, StackGraph, RuleContext, str], "str | None"]


def place(ref: Ref, stack_refs: list[ResourceView], ctx: RuleContext, what: str,
          find: Callable[[StackGraph, Ref], ResourceView | None], placed: Placer) -> tuple[bool, str | None]:
    """(whether `ref` is another stack's output, the verdict if so: None when placed in an allowed region)."""
    found = holders(ref, stack_refs)
    if not found:
        return False, None
    gate = bool(os.environ.get(ENV))
    why = how = ""
    for s in found:
        stack, graph, why, how = referenced_graph(s)
        if graph is None:
            continue
        target = find(graph, ref)
        if target is None:
            return True, (
                f"`{ref.path}` refers to {ref.value!r}, an output of stack {stack} that no resource of "
                "its recorded graph has as its id, ARN or endpoint (never matched by name), so where it is "
                f"cannot be judged; export the resource's own id, ARN or endpoint from {stack}, or declare "
                "the destination in stacks/records/endpoints.yaml")
        return True, placed(target, ref, graph, ctx, f"{what}, a resource of stack {stack}")
    claim = None if gate else stated(ref, found)
    where = region_of(claim) if claim is not None else None
    if where is not None:
        return True, region_verdict(*where, f"`{ref.path}` (a resource of a referenced stack)", allowed(ctx))
    if not gate:
        return False, None
    return True, (f"`{ref.path}` refers to {ref.value!r}, an output of stack {stack}, {why}, so where it is "
                  f"cannot be judged (fail closed); {how}")


def own_elsewhere(ref: Ref, stack_refs: list[ResourceView],
                  find: Callable[[StackGraph, Ref], ResourceView | None]) -> bool:
    """An ARN of another account that a referenced stack's recorded graph has (or, without the gate, that a
    referenced stack states a region for): a resource of the run, not of a third party."""
    for s in holders(ref, stack_refs):
        graph = referenced_graph(s)[1]
        if graph is not None and find(graph, ref) is not None:
            return True
    return not os.environ.get(ENV) and stated(ref, stack_refs) is not None
