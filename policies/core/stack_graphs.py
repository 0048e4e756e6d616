"""The recorded graphs of other stacks of the run, as the offline gate hands them to the packs (round 11).

A value a stack reads through `pulumi.StackReference` is placed through the graph of the stack that
exports it: the gate lists, in the JSON file `GATE_STACK_GRAPHS` names, the recorded checkpoints of the
stacks of the project the judged stack references (this run's, or an earlier run's or level's whose seal
it checked). Only the graph whose stack outputs are exactly what the reference read is used (the preview's
or the update's). Under the Pulumi CLI there is no such file: such values fail closed, as before.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from policies.core.file_stamps import Stamp, stamp
from policies.core.view import ProviderView, ResourceView, StackGraph

ENV = "GATE_STACK_GRAPHS"
_ORGANIZATION = "organization"
_CACHE: dict[str, tuple[Stamp, tuple[dict[str, Any] | None, StackGraph]]] = {}
_INDEX: dict[str, tuple[Stamp, dict[str, Any]]] = {}   # path -> its stamp, its index
DECLARE = "declare the destination in stacks/records/endpoints.yaml"
HOW = ("record that stack in the same gate run (gate preview --all, or its level first with --shard), or "
       + DECLARE)


def _index() -> dict[str, Any]:
    """The index `GATE_STACK_GRAPHS` names, read once while the file is unchanged (every stack reference of
    a large stack asks for it: a tiled stack's hundreds of references once each per reference placed)."""
    path = os.environ.get(ENV, "")
    if not path:
        return {}
    try:
        now = stamp(path)
        held = _INDEX.get(path)
        if held is None or held[0] != now:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            held = _INDEX[path] = (now, data if isinstance(data, dict) else {})
    except (OSError, ValueError):
        return {}
    return held[1]


def _provider(res: dict[str, Any], by_urn: dict[str, dict[str, Any]]) -> ProviderView | None:
    ref = res.get("provider")
    if not isinstance(ref, str) or "::" not in ref:
        return None
    urn = ref.rsplit("::", 1)[0]
    p = by_urn.get(urn)
    if p is None:
        return None
    inputs = p.get("inputs") if isinstance(p.get("inputs"), dict) else {}
    return ProviderView(str(p.get("type")), inputs, urn, urn.rsplit("::", 1)[-1])


def graph_of_checkpoint(state: dict[str, Any]) -> tuple[dict[str, Any] | None, StackGraph]:
    """The stack outputs and the graph of a recorded checkpoint, as stack policies see a stack (each
    resource's outputs, which hold its inputs, with its provider, parent and dependencies)."""
    resources = [r for r in state.get("deployment", {}).get("resources", []) if isinstance(r, dict)]
    by_urn = {str(r.get("urn")): r for r in resources}
    outputs: dict[str, Any] | None = None
    views = []
    for r in resources:
        typ = str(r.get("type"))
        props = r.get("outputs") if isinstance(r.get("outputs"), dict) else r.get("inputs")
        props = props if isinstance(props, dict) else {}
        if typ == "pulumi:pulumi:Stack":
            outputs = props
        pdeps = r.get("propertyDependencies") if isinstance(r.get("propertyDependencies"), dict) else {}
        views.append(ResourceView(
            type=typ, raw=props, urn=str(r.get("urn")), name=str(r.get("urn")).rsplit("::", 1)[-1],
            provider=_provider(r, by_urn), parent=r.get("parent") or None,
            dependencies=tuple(r.get("dependencies") or ()),
            property_dependencies={k: tuple(v) for k, v in pdeps.items() if isinstance(v, list)},
            custom=bool(r.get("custom", True))))
    return outputs, StackGraph(views)


def _load(path: str) -> tuple[dict[str, Any] | None, StackGraph] | None:
    """The graph of a checkpoint file, remembered per path while its stamp holds (round 16: the
    modification time and size alone let a checkpoint rewritten in place by a later run of the same process
    be read as the earlier one; one entry per path, not one per version ever read)."""
    try:
        key = stamp(path)
        found = _CACHE.get(path)
        if key is None or found is None or found[0] != key:
            state = json.loads(Path(path).read_text(encoding="utf-8"))
            found = _CACHE[path] = (key, graph_of_checkpoint(state))
        return found[1]
    except (OSError, ValueError, AttributeError):
        return None


def stack_of(name: str, project: str) -> str | None:
    """The stack of this project a StackReference name means; None for another project's."""
    parts = name.split("/")
    if len(parts) > 3 or (len(parts) >= 2 and parts[-2] != project) or (
            len(parts) == 3 and parts[0] != _ORGANIZATION):
        return None
    return parts[-1] or None


def referenced_graph(s: ResourceView) -> tuple[str, StackGraph | None, str, str]:
    """(the referenced stack's name, its recorded graph whose outputs the reference read; else None, why
    not, and how to make the values judgeable). Once per stack reference's view and environment: a view lives
    for one evaluation, in which the index and the graphs it names do not change, and each reference placed
    asks every stack reference holding it (a tiled stack: hundreds of references, each asked hundreds of
    times)."""
    env = os.environ
    project, judged = env.get("PULUMI_PROJECT", ""), env.get("PULUMI_STACK", "")
    key = f"_referenced_graph\0{env.get(ENV, '')}\0{project}\0{judged}"
    found = s.memo.get(key)
    if found is None:
        found = s.memo[key] = _referenced_graph(s, project, judged)
    return found


def _referenced_graph(s: ResourceView, project: str, judged: str) -> tuple[str, StackGraph | None, str, str]:
    name = str(s.input("name") or s.name)
    stack = stack_of(name, project)
    if stack is None:
        return name, None, "a stack of another project, which this run does not record", DECLARE
    if stack == judged:
        return stack, None, ("the stack itself (its previous deployment's outputs, which no recorded graph "
                             "places)"), f"use the resource's own output within the stack, or {DECLARE}"
    entry = (_index().get("stacks") or {}).get(stack)
    if not isinstance(entry, dict):
        return stack, None, "whose recorded graph this gate run did not record or could not vouch for", HOW
    read = s.input("outputs")
    for kind in ("preview", "update"):
        loaded = _load(entry[kind]) if isinstance(entry.get(kind), str) else None
        if loaded is not None and loaded[0] == read:
            return stack, loaded[1], "", ""
    return stack, None, "whose recorded graphs do not export the outputs the reference read", HOW
