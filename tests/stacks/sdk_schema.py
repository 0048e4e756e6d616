"""What the SDK does not check before a `pulumi up`: a nested input given as a dict and a value of an enum.

A resource's top-level arguments are Python keywords (a misspelt one raises), but a nested input may be a
plain dict (the SDKs' `…ArgsDict` types are TypedDicts, not checked at run time) and an enum-typed field
takes any string. The mock monitor records both as given, while the provider drops a key its schema does
not know (`pulumi up` succeeds, the setting is not made) or the cloud API rejects the value. This walker reads
each recorded input against the SDK's own input types: a key the type does not declare and a value outside a
closed enum are findings; a value outside an open enum (`Union[str, Enum]`: the service accepts more than the
SDK lists) is a finding unless the caller knows it (`known_open`).
"""

from __future__ import annotations

import collections.abc
import enum
import functools
import importlib
import typing
from typing import Any

import pulumi.output
from gate.recording import UNKNOWN
from gate.sdk_types import resource_class
from pulumi import _types

_SECRET_SIG = "4dabf18193072939515e22adb298388d"


@functools.cache
def args_class(token: str) -> type | None:
    """The input type of a resource type's constructor (`<Name>InitArgs` where a nested type took `Args`)."""
    cls = resource_class(token)
    if cls is None:
        return None
    module = importlib.import_module(cls.__module__)
    return getattr(module, cls.__name__ + "InitArgs", None) or getattr(module, cls.__name__ + "Args", None)


@functools.cache
def fields(cls: type) -> dict[str, Any]:
    """Wire name -> annotated type of an input type's properties."""
    wire = _types.input_type_py_to_pulumi_names(cls)
    module = vars(importlib.import_module(cls.__module__))
    local = {"Output": pulumi.output.Output, "T": pulumi.output.T}   # pulumi.Input's own forward reference
    out: dict[str, Any] = {}
    for py, name in wire.items():
        prop = getattr(cls, py, None)
        fget = getattr(prop, "fget", None)
        try:
            out[name] = typing.get_type_hints(fget, globalns=module, localns=local)["return"]
        except Exception:  # an annotation the module cannot resolve: judged as any value
            out[name] = Any
    return out


def _leaves(tp: Any) -> list[Any]:
    """The member types of an annotation, through Optional, Union, Input, Output and Awaitable."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or getattr(origin, "__name__", "") in ("Output", "Awaitable"):
        return [leaf for arg in typing.get_args(tp) for leaf in _leaves(arg)]
    return [tp]


class Walk:
    """The findings of one walk, and how many values it read (a walk that reads nothing proves nothing)."""

    def __init__(self, known_open: dict[str, frozenset[str]] | None = None) -> None:
        self.known_open = known_open or {}
        self.findings: list[str] = []
        self.read = 0

    def resource(self, token: str, name: str, inputs: dict[str, Any]) -> None:
        cls = args_class(token)
        if cls is None:
            self.findings.append(f"{name} ({token}): the installed SDK has no class for this type")
            return
        self.object(inputs, cls, f"{name}:{token.rsplit(':', 1)[-1]}")

    def object(self, value: dict[str, Any], cls: type, path: str) -> None:
        declared = fields(cls)
        for key, item in value.items():
            if key not in declared:
                self.findings.append(f"{path}.{key}: {cls.__name__} declares no such input (the provider "
                                     "drops it)")
            else:
                self.value(item, declared[key], f"{path}.{key}")

    def value(self, value: Any, tp: Any, path: str) -> None:
        if isinstance(value, dict) and _SECRET_SIG in value:
            value = value.get("value", UNKNOWN)
        if value is None or value == UNKNOWN:
            return
        self.read += 1
        leaves = [leaf for leaf in dict.fromkeys(_leaves(tp)) if leaf is not type(None)]
        enums = [leaf for leaf in leaves if isinstance(leaf, type) and issubclass(leaf, enum.Enum)]
        objects = [leaf for leaf in leaves if isinstance(leaf, type) and _types.is_input_type(leaf)]
        origins = {typing.get_origin(leaf): leaf for leaf in leaves}
        if isinstance(value, str) and enums:
            self._enum(value, enums, str in leaves, path)
        elif isinstance(value, dict) and len(objects) == 1:
            self.object(value, objects[0], path)
        elif isinstance(value, list):
            seq = origins.get(list) or origins.get(collections.abc.Sequence)
            for i, item in enumerate(value):
                self.value(item, typing.get_args(seq)[0] if seq is not None else Any, f"{path}[{i}]")
        elif isinstance(value, dict):
            mapping = origins.get(dict) or origins.get(collections.abc.Mapping)
            for key, item in value.items():
                self.value(item, typing.get_args(mapping)[1] if mapping is not None else Any, f"{path}.{key}")

    def _enum(self, value: str, enums: list[type[enum.Enum]], open_: bool, path: str) -> None:
        allowed = {str(m.value).lower() for e in enums for m in e}
        if value.lower() in allowed:
            return
        names = "/".join(e.__name__ for e in enums)
        if not open_:
            self.findings.append(f"{path}: {value!r} is none of {names}'s values (the API rejects it)")
        elif value not in self.known_open.get(names, frozenset()):
            self.findings.append(f"{path}: {value!r} is none of {names}'s values (an open enum: record the "
                                 "value with where the service documents it, or use one of the SDK's)")
