"""Resource views and the stack graph built from pulumi_policy's arguments (the CLI's or the gate's).

The gate hands a resource's inputs object both to the resource policies (ResourceValidationArgs) and to the
stack policies (PolicyResource): the views of one inputs object share their memo, so that the inputs are
unwrapped, scanned and placed once per resource, whatever the number of rules and packs.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from pulumi_policy.policy import PolicyResource, ResourceValidationArgs

from policies.core.view import ProviderView, ResourceView, StackGraph, plain

_ARGS_CLASSES = frozenset({ResourceValidationArgs, PolicyResource})


def view_from_args(args: Any) -> ResourceView:
    """The view of a pulumi_policy ResourceValidationArgs / PolicyResource (cached on the args object).

    The gate passes the same args object to every policy of a resource, so the unwrap happens once.
    """
    d = getattr(args, "__dict__", None)
    cached = d.get("_dosis_view") if d is not None else getattr(args, "_dosis_view", None)
    if cached is not None:
        return cached
    # pulumi_policy's own argument classes keep every attribute in the instance dict: read it directly.
    attr: Any = d.get if d is not None and type(args) in _ARGS_CLASSES else functools.partial(getattr, args)
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
    deps = tuple([d.urn for d in attr("dependencies", None) or ()])
    pdeps = {k: tuple([d.urn for d in v]) for k, v in (attr("property_dependencies", None) or {}).items()}
    raw = args.props
    type_ = args.resource_type
    # Built without the dataclass __init__ (every field is set here): two views per resource of a large stack.
    view = object.__new__(ResourceView)
    view.__dict__ = {
        "type": type_,
        "raw": raw,
        "urn": args.urn,
        "name": args.name,
        "provider": provider,
        "parent": parent_urn or None,
        "dependencies": deps,
        "property_dependencies": pdeps,
        "protect": bool(getattr(opts, "protect", False)) if opts is not None else False,
        # The engine gives every custom resource a provider (explicit or default) and none to components.
        "custom": provider is not None or type_.startswith("pulumi:providers:"),
        "memo": _shared_memo(raw, type_, provider),
    }
    if d is not None:
        d["_dosis_view"] = view
    else:
        with contextlib.suppress(AttributeError):  # slotted objects: no cache
            args._dosis_view = view
    return view


def _shared_memo(raw: Any, type_: str, provider: ProviderView | None) -> dict[str, Any]:
    """The memo of the views of one inputs object (a pulumi_policy proxy), so that the resource policies and
    the stack policies of a resource unwrap and scan its inputs once. Only views of the same type and the
    same provider share it (what the memoised values depend on besides the inputs)."""
    d = getattr(raw, "__dict__", None)
    if d is None:  # a plain dict: nothing to hang it on
        return {}
    entry = d.get("_dosis_memo")
    if entry is not None and entry[0] == type_ and entry[1] is provider:
        return entry[2]
    memo: dict[str, Any] = {}
    if entry is None:
        d["_dosis_memo"] = (type_, provider, memo)
    return memo


def graph_from_args(args: Any) -> StackGraph:
    """The graph of a pulumi_policy StackValidationArgs (cached on the args object)."""
    cached = getattr(args, "_dosis_graph", None)
    if cached is not None:
        return cached
    graph = StackGraph(view_from_args(r) for r in args.resources)
    with contextlib.suppress(AttributeError):  # slotted objects: no cache
        args._dosis_graph = graph
    return graph
