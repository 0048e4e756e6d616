"""The attributes the pack keeps on pulumi_policy's input proxies, made known to their classes at import.

CPython 3.11 keeps an instance's attributes without a dict while their names are in its class's shared key
table; that table takes a new name only while it has room, and every new instance takes one place of it
until one is left. A proxy carries pulumi_policy's two names (target, path), then the pack's caches: the
inputs' shared memo (args_view) and a proxied top-level input's trace (references). Set first on proxy
thirty or later, the first of the two took the last place and the other made a dict (64 bytes and more)
on every proxy it was set on, for that proxy's life: 4,032 proxies at 10k realistic resources (round 18).
Named here, before a state's proxies are built (the packs load first), both stay in the table.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy.proxy import _DictProxy, _ListProxy

MEMO = "_dosis_memo"
"""On the inputs proxy of a resource: (type, provider, memo) of its views (args_view)."""
TRACE = "_dosis_trace"
"""On a proxied top-level input: (key, trace) of its scan (references); proxies are immutable here."""


PROXIES = (_DictProxy, _ListProxy)
"""pulumi_policy's proxies and their subclasses (the gate's proxies over the state's own containers)."""


def proxy_target(value: Any) -> Any:
    """The dict or list behind a proxy, holding what the proxy hands out (read-only): the one accessor of a
    proxy's contents without its unknown check. pulumi_policy's proxies hold it; the gate's proxies over the
    state's own containers (round 29) convert when read, and give it through pulumi_policy's `["__target"]`
    (integers as floats, containers as proxies: what the copying proxies held before)."""
    t = type(value)
    if t is _DictProxy:
        return value._DictProxy__target
    if t is _ListProxy:
        return value._ListProxy__target
    return value["__target"]


def held(value: Any) -> Any:
    """The container a proxy holds, unconverted: for the gate's proxies over the state (round 29) the state's
    own dict or list, integers, secrets, assets and archives as the checkpoint wrote them. Only for readers
    whose answer cannot differ from `proxy_target`'s (round 30: the party pre-check, which falls back to it
    wherever a signature object is inside)."""
    return value._DictProxy__target if isinstance(value, _DictProxy) else value._ListProxy__target


def _register() -> None:
    """One instance of each class, made without its `__init__`, holding the names: they join the table. The
    gate's subclasses (imported before the packs) have their own tables."""
    for base, names in ((_DictProxy, (MEMO, TRACE)), (_ListProxy, (TRACE,))):
        for cls in (base, *base.__subclasses__()):
            probe = cls.__new__(cls)
            for name in names:
                setattr(probe, name, None)


_register()
