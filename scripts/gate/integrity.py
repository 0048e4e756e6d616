"""Whether the program changed the code that records and writes it (round 4).

A program runs in the recorder's process, so it can reach the recorder: `sys.modules['gate…']`,
`pulumi.runtime.mocks.MockMonitor` (which a real deploy never uses), `json`'s encoder that writes the
state, through `gc.get_objects()`. In-process this cannot be closed, only detected: the functions and
classes of those modules (and the methods of their classes) are noted before the program runs and
compared after; a replaced one fails the recording (exit 2) naming it. Each registration is sealed
(a digest) when it is recorded and checked after the program ran, so editing the record through
`gc.get_objects()` is caught the same way. What would close it is an
out-of-process recorder: the worker speaking the engine's ResourceMonitor gRPC protocol to a monitor in
the parent process (the `PULUMI_MONITOR` address the language host is given), so each registration
leaves the program's process as it is sent and nothing the program does afterwards can reach it.
"""

from __future__ import annotations

import json as _json
import sys
from hashlib import sha256 as _sha256
from types import FunctionType, ModuleType
from typing import Any

_WATCHED = ("json", "json.encoder", "json.decoder", "pulumi.runtime.mocks")
Snapshot = dict[tuple[str, str], int]


def _modules() -> list[ModuleType]:
    return [m for n, m in list(sys.modules.items()) if isinstance(m, ModuleType)
            and (n in _WATCHED or n == "gate" or n.startswith("gate."))]


def _code(value: Any) -> bool:
    return isinstance(value, (FunctionType, type, classmethod, staticmethod)) or callable(value)


def snapshot() -> Snapshot:
    """`(module, name)` and `(module, Class.name)` -> the id of each function, class and method."""
    out: Snapshot = {}
    for module in _modules():
        name = module.__name__
        for attr, value in list(vars(module).items()):
            if not _code(value):
                continue
            out[(name, attr)] = id(value)
            if isinstance(value, type) and value.__module__ == name:
                for key, member in list(vars(value).items()):
                    if isinstance(member, (FunctionType, classmethod, staticmethod, property)):
                        out[(name, f"{attr}.{key}")] = id(member)
    return out


def changed(before: Snapshot) -> list[str]:
    """What of `before` now holds another object (new names, e.g. lazily imported modules, are not)."""
    after, present = snapshot(), {m.__name__ for m in _modules()}
    return sorted(f"{module}.{name}" for (module, name), ident in before.items()
                  if after.get((module, name), None if module in present else ident) != ident)


_SEALED = ("type", "name", "custom", "inputs", "outputs", "id", "parent", "provider_ref", "dependencies",
           "property_dependencies", "protect", "ignore_changes", "retain_on_delete", "aliases", "version")


def seal(rec: Any) -> str:
    """A digest of what a registration recorded, taken when it is recorded (RecordingMonitor)."""
    fields = [getattr(rec, name) for name in _SEALED]
    text = _json.dumps(fields, sort_keys=True, default=repr, cls=_json.JSONEncoder)
    return _sha256(text.encode()).hexdigest()


def edited(resources: list[Any], seals: dict[str, str]) -> list[str]:
    """The recorded resources that no longer match their seal (the program edited the record), or that
    were recorded without one (put there by the program)."""
    return [f"the record of {rec.urn}" for rec in resources if seals.get(rec.urn) != seal(rec)]
