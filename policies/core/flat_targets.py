"""The container behind a flat proxy (round 24). The gate makes a container whose copy would equal it (no
container, integer or secret inside: tags, lists of strings) the proxy's target itself, the state's own
(gate.state_view.proxied); a view that keeps an unwrapped input keeps that target, which equals
`view.plain`'s copy, rather than a second copy for the run."""

from __future__ import annotations

from typing import Any

from pulumi_policy.proxy import _DictProxy, _ListProxy
from pulumi_policy.secret import Secret

_NOT_FLAT = (_DictProxy, _ListProxy, dict, Secret)   # what view.plain unwraps inside a container


def flat_target(value: Any) -> dict[str, Any] | list[Any] | None:
    """The target of a dict or list proxy holding nothing `plain` would unwrap; None for anything else."""
    tv = type(value)
    if tv is _DictProxy:
        target = value._DictProxy__target
        values = target.values()
    elif tv is _ListProxy:
        target = values = value._ListProxy__target
    else:
        return None
    for v in values:
        if type(v) in _NOT_FLAT:
            return None
    return target
