"""The container behind a flat proxy (round 24). The gate makes a container whose copy would equal it (no
container, integer or secret inside: tags, lists of strings) the proxy's target itself, the state's own
(gate.state_view.proxied); a view that keeps an unwrapped input keeps that target, which equals
`view.plain`'s copy, rather than a second copy for the run."""

from __future__ import annotations

from typing import Any

from pulumi_policy.proxy import _DictProxy, _ListProxy
from pulumi_policy.secret import Secret

from policies.core.proxy_attrs import PROXIES, proxy_target

_NOT_FLAT = (_DictProxy, _ListProxy, dict, Secret)   # what view.plain unwraps inside a container


def flat_target(value: Any) -> dict[str, Any] | list[Any] | None:
    """The target of a dict or list proxy holding nothing `plain` would unwrap; None for anything else."""
    if not isinstance(value, PROXIES):
        return None
    held = proxy_target(value)   # the state's own container where nothing in it converts (gate.state_view)
    for v in (held.values() if type(held) is dict else held):
        if type(v) in _NOT_FLAT or isinstance(v, PROXIES):
            return None
    return held
