"""Literal Azure ids a stack records for its own resources (round 62). An update's preview knows the ids of
what exists, so a literal id equal to one the stack records names the stack's own resource. But the view's
`id` is outputs over inputs, and a create's outputs are its inputs: Azure's `Subnet`, `VirtualNetwork` and
many other types take an `id` input, so a program can give a subnet of its own the id of another party's
subnet and then name that id elsewhere (r62p-07, -08). Azure makes a resource's id from its path (resource
group, parent names, name), never from that input, so a recorded id counts only when its resource group and
every name segment are the resource's own inputs; a literal fed from a resource of the stack (the engine
records outputs as they will be) counts on the same terms, and in the subscription the resource's provider
pins, where it pins one (the offline engine records ids there too; without a pin the subscription is the
credentials', which no program input says). Round 67: the inputs an id is made of are the type's own, as the
SDK's `get_*` function takes them (`policies/data/azure_id_params.json`), not every `*Name` input: an API
Management backend is named by `backendId` (r67p-60), a slot by `slot`, and an input such as a security
rule's `sourceApplicationSecurityGroupName` names another resource, not a segment of this one's id."""

from __future__ import annotations

import functools
import json
import re

from policies.core.graph_index import graph_index
from policies.core.types import ID_PARAMS_FILE
from policies.core.view import ResourceView, StackGraph, is_unknown

_GROUP = re.compile(r"^/subscriptions/([^/]+)/resourceGroups/([^/]+)", re.IGNORECASE)
_PATH = re.compile(r"/providers/[^/]+/(.+)$", re.IGNORECASE)


@functools.cache
def _id_params() -> dict[str, tuple[str, ...]]:
    return {t: tuple(ps) for t, ps in json.loads(ID_PARAMS_FILE.read_text(encoding="utf-8")).items()}


def names(r: ResourceView) -> set[str]:
    """The lower-cased names `r`'s id is made of (its group, parents and own), as its inputs give them, and
    its recorded `name`: an auto-named resource's own name is in no input, and the name the engine or Azure
    records is the one its id ends in. A type whose id the SDK does not spell makes none (closed world)."""
    params = _id_params().get(r.type)
    if params is None:
        return set()
    return {
        v.lower()
        for k in (*params, "name")
        if isinstance(v := r.input(k), str) and not is_unknown(v)
    }


def made_by(r: ResourceView, rid: str) -> bool:
    """Whether `r`'s own group and names make the id `rid` (the rest is not the program's to say)."""
    own = names(r)
    group = _GROUP.match(rid)
    if group is None or group.group(2).lower() not in own:
        return False
    pinned = r.provider.inputs.get("subscriptionId") if r.provider is not None else None
    if isinstance(pinned, str) and not is_unknown(pinned) and pinned.lower() != group.group(1).lower():
        return False
    path = _PATH.search(rid)
    return all(seg.lower() in own for seg in (path.group(1).split("/")[1::2] if path else ()))


def own_resource(graph: StackGraph, rid: str) -> ResourceView | None:
    """The resource of the stack whose recorded id is `rid` (any case) and whose inputs make it."""
    hit = graph_index(graph).azure_ids.get(rid.lower())
    return hit if hit is not None and made_by(hit, rid) else None
