"""What policies see of each resource of a checkpoint: pulumi_policy's own argument objects, built as the
CLI builds them (for the gate's in-process evaluation, gate.policyhost)."""

from __future__ import annotations

from typing import Any

from gate.state_view import StateResource, aliases, custom_timeouts, proxied, resource_option, stack_props

# One empty list for every view that has none of a list (ignored changes, aliases, dependencies, ...): most
# resources have none, and a list each was ~2 MB per 10k resources. Read-only, as the state's shared lists.
_NONE: list[Any] = []


def _listed(value: Any) -> list[Any]:
    """`list(value)`, the shared empty list for an empty one."""
    return _NONE if type(value) is list and not value else list(value)


def views_of(resources: list[StateResource], by_urn: dict[str, StateResource], for_stack: bool,
           ) -> tuple[Any, Any, list[Any]]:
    """(provider_of, options_of, stack views): what policies see of each resource, built once."""
    from pulumi_policy.policy import (
        PolicyCustomTimeouts,
        PolicyProviderResource,
        PolicyResource,
        PolicyResourceOptions,
    )

    providers: dict[str, Any] = {}
    no_timeouts = PolicyCustomTimeouts(0.0, 0.0, 0.0)

    def provider_of(r: StateResource) -> Any:
        if not r.provider_urn or r.provider_urn not in by_urn:
            return None
        if r.provider_urn not in providers:
            p = by_urn[r.provider_urn]
            providers[r.provider_urn] = PolicyProviderResource(p.type, proxied(p.inputs), p.urn, p.name)
        return providers[r.provider_urn]

    # Options without lists or timeouts are one object per (protect, deleteBeforeReplace, parent): 3,576
    # distinct per realistic 10k (round 25). Read-only, as the lists are.
    plain_options: dict[tuple[bool, bool | None, str | None], Any] = {}

    def options_of(r: StateResource) -> Any:
        raw = r.raw
        dbr = raw.get("deleteBeforeReplace")
        dbr = dbr if isinstance(dbr, bool) else None
        timeouts = custom_timeouts(r)
        ignore = _listed(resource_option(r, "ignoreChanges", _NONE))
        alias = _listed(aliases(r))
        secret = _listed(resource_option(r, "additionalSecretOutputs", _NONE))
        key = None
        if ignore is _NONE and alias is _NONE and secret is _NONE and not any(timeouts):
            key = (bool(raw.get("protect", False)), dbr, r.parent or None)
            found = plain_options.get(key)
            if found is not None:
                return found
        opts = PolicyResourceOptions(
            bool(raw.get("protect", False)), ignore, dbr, alias,
            PolicyCustomTimeouts(*timeouts) if any(timeouts) else no_timeouts, secret, r.parent or None)
        if key is not None:
            plain_options[key] = opts
        return opts

    # Stack policies see every resource at once, so those views are built first and, where a resource's
    # outputs equal its inputs (preview), shared with the resource policies: one deserialisation each.
    stack_views: list[Any] = []
    if for_stack:
        stack_views = [PolicyResource(r.type, proxied(stack_props(r)), r.urn, r.name, options_of(r),
                                      provider_of(r), None, [], {}) for r in resources]
        views = {v.urn: v for v in stack_views}
        # The loader makes equal URN lists one list (state_load): their views are one list too, read-only
        # as the state is (25k lists instead of 164k for the realistic 100k state's property dependencies;
        # the dependencies lists too since round 25).
        shared: dict[int, list[Any]] = {}

        def views_of_urns(urns: list[str]) -> list[Any]:
            found = shared.get(id(urns))     # the URN lists outlive this loop: ids are not reused
            if found is None:
                found = shared[id(urns)] = [views[d] for d in urns if d in views]
            return found

        # Equal property dependencies (the same keys to the same shared lists) are one dict too: 4,950
        # distinct of 8,382 non-empty per realistic 10k (round 25). Read-only, as the lists are.
        dicts: dict[tuple[tuple[str, int], ...], dict[str, list[Any]]] = {}

        def views_of_deps(deps: dict[str, list[str]]) -> dict[str, list[Any]]:
            key = tuple([(k, id(v)) for k, v in deps.items() if v])
            found = dicts.get(key)
            if found is None:
                found = dicts[key] = {k: views_of_urns(v) for k, v in deps.items() if v}
            return found

        for r, pr in zip(resources, stack_views, strict=True):
            pr.parent = views.get(r.parent) if r.parent else None
            pr.dependencies = (views_of_urns(r.dependencies) if r.dependencies else None) or _NONE
            pr.property_dependencies = views_of_deps(r.property_dependencies)
    return provider_of, options_of, stack_views
