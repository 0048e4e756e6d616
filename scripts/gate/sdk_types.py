"""The SDK's own description of a resource type: its class and the outputs it declares.

Read by the mocks (an output the type does not declare is never made up: a bucket policy has no ARN) and by
`gate.made_up` (a value for each declared output a provider computes).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import threading
from typing import Any

# The process recorder serves registrations from several gRPC threads, and the SDK packages load their
# modules lazily (importlib.util.LazyLoader), which is not thread-safe: two threads reaching one half-loaded
# module see it without its classes. One lock around the look-ups (measured: without it, a fresh
# `gate preview --all --recorder process` made up nothing for interconnect-prod).
LOCK = threading.RLock()


def resource_class(token: str) -> type | None:
    """The SDK class of a resource type token (through the package's module registry), else None."""
    with LOCK:
        return _resource_class(token)


@functools.cache
def _resource_class(token: str) -> type | None:
    from pulumi.runtime.rpc import get_resource_module

    parts = token.split(":")
    if len(parts) != 3:
        return None
    try:
        importlib.import_module("pulumi_" + parts[0].replace("-", "_"))
        module = get_resource_module(parts[0], parts[1], "")
        info = getattr(module, "mod_info", None) or {}
        name = (info.get("classes") or {}).get(token)
        cls = getattr(importlib.import_module(info["fqn"]), name) if name else None
    except Exception:  # an SDK without the registry, a type the installed package does not have
        return None
    return cls if isinstance(cls, type) else None


def declared(token: str) -> tuple[dict[str, Any], frozenset[str]]:
    """(pulumi name -> declared output type, the pulumi names the program can give as inputs)."""
    with LOCK:
        return _declared(token)


@functools.cache
def _declared(token: str) -> tuple[dict[str, Any], frozenset[str]]:
    from pulumi import _types

    cls = resource_class(token)
    if cls is None:
        return {}, frozenset()
    try:
        types = _types.resource_types(cls)
        py_to_pulumi = _types.resource_py_to_pulumi_names(cls)
        params = inspect.signature(cls._internal_init).parameters
    except Exception:  # a class the SDK cannot describe: nothing is made up for it
        return {}, frozenset()
    return types, frozenset(py_to_pulumi.get(p, p) for p in params)
