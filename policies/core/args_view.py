"""Resource views and the stack graph built from pulumi_policy's arguments (the CLI's or the gate's).

The gate hands a resource's inputs object both to the resource policies (ResourceValidationArgs) and to the
stack policies (PolicyResource): the views of one inputs object share their memo, so that the inputs are
unwrapped, scanned and placed once per resource, whatever the number of rules and packs.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from policies.core.proxy_attrs import MEMO
from policies.core.view import ProviderView, ResourceView, StackGraph, plain


def view_from_args(args: Any, urns: dict[int, Any] | None = None) -> ResourceView:
    """The view of a pulumi_policy ResourceValidationArgs / PolicyResource (cached on the args object).

    The gate passes the same args object to every policy of a resource, so the unwrap happens once.
    `urns`: one URN tuple per list of dependencies and one dict per property dependencies (by id; the gate
    shares equal ones), for a graph.
    """
    # Attributes, never `args.__dict__`: reading that makes a dict for each of a large stack's objects, which
    # Python keeps their attributes without (64 bytes each; the same for the inputs proxies below).
    cached = getattr(args, "_dosis_view", None)
    if cached is not None:
        return cached
    attr: Any = functools.partial(getattr, args)
    prov = attr("provider", None)
    provider = None
    if prov is not None:
        provider = getattr(prov, "_dosis_view", None)
        if provider is None:
            pprops = plain(prov.props)
            provider = ProviderView(
                prov.resource_type, pprops if isinstance(pprops, dict) else {}, prov.urn, prov.name
            )
            with contextlib.suppress(AttributeError):  # slotted objects: no cache
                prov._dosis_view = provider
    opts = attr("opts", None)
    parent = attr("parent", None)
    parent_urn = (
        parent.urn
        if parent is not None and hasattr(parent, "urn")
        else (getattr(opts, "parent", None) if opts is not None else None)
    )
    deps = _deps(attr("dependencies", None) or (), urns)
    pdeps = attr("property_dependencies", None)
    pdeps = _urn_tuples(pdeps, urns) if pdeps else {}   # no temporary's id in `urns`
    raw = args.props
    type_ = args.resource_type
    # Built without the dataclass __init__ (every field is set here): two views per resource of a large stack.
    view = object.__new__(ResourceView)
    view.type = type_
    view.raw = raw
    view.urn = args.urn
    view.name = args.name
    view.provider = provider
    view.parent = parent_urn or None
    view.dependencies = deps
    view.property_dependencies = pdeps
    view.protect = bool(getattr(opts, "protect", False)) if opts is not None else False
    # The engine gives every custom resource a provider (explicit or default) and none to components.
    view.custom = provider is not None or type_.startswith("pulumi:providers:")
    view.memo = _shared_memo(raw, type_, provider)
    with contextlib.suppress(AttributeError):  # slotted objects: no cache
        args._dosis_view = view
    return view


def _urn_tuples(deps: Any, urns: dict[int, Any] | None) -> dict[str, tuple[str, ...]]:
    """Property dependencies as URN tuples; one tuple per list object and one dict per dict object when
    `urns` (the caller keeps the lists and dicts alive meanwhile; the gate shares equal ones, round 25)."""
    if urns is None or type(deps) is not dict:
        return {k: tuple([d.urn for d in v]) for k, v in deps.items()}
    whole = urns.get(id(deps))
    if whole is not None:
        return whole
    out = urns[id(deps)] = {}
    for k, v in deps.items():
        found = urns.get(id(v))
        if found is None:
            found = urns[id(v)] = tuple([d.urn for d in v])
        out[k] = found
    return out


def _deps(deps: Any, urns: dict[int, Any] | None) -> tuple[str, ...]:
    """The dependencies' URNs; one tuple per list object when `urns` (as _urn_tuples)."""
    if urns is None or type(deps) is not list or not deps:
        return tuple([d.urn for d in deps])
    found = urns.get(id(deps))
    if found is None:
        found = urns[id(deps)] = tuple([d.urn for d in deps])
    return found


def _shared_memo(raw: Any, type_: str, provider: ProviderView | None) -> dict[str, Any]:
    """The memo of the views of one inputs object (a pulumi_policy proxy), so that the resource policies and
    the stack policies of a resource unwrap and scan its inputs once. Only views of the same type and the
    same provider share it (what the memoised values depend on besides the inputs)."""
    entry = getattr(raw, MEMO, None)
    if entry is not None and entry[0] == type_ and entry[1] is provider:
        return entry[2]
    memo: dict[str, Any] = {}
    if entry is None:
        with contextlib.suppress(AttributeError):  # a plain dict: nothing to hang it on
            setattr(raw, MEMO, (type_, provider, memo))
    return memo


def graph_from_args(args: Any) -> StackGraph:
    """The graph of a pulumi_policy StackValidationArgs (cached on the args object)."""
    cached = getattr(args, "_dosis_graph", None)
    if cached is not None:
        return cached
    urns: dict[int, Any] = {}   # args.resources holds the lists and dicts while the graph is built
    graph = StackGraph(view_from_args(r, urns) for r in args.resources)
    with contextlib.suppress(AttributeError):  # slotted objects: no cache
        args._dosis_graph = graph
    return graph
