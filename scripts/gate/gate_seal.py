"""The gate's modules and classes as they were when the packs began, in the gate's process (round 48).

Packs run in the gate's process. A pack's load replaced `gate.model.StackReport.blocked` with a property
saying False, or gave `gate.commands` a module-level `any` answering False: the report and the exit code
read "not blocked" over a mandatory finding (exit 0). `seal`, called in the gate's own process before a
pack is loaded (gate.packs), keeps every name of the gate's modules and of `builtins` (and `sys.exit`) as
it is, and installs an audit hook refusing, from then on, an attribute set or deleted on one of the
gate's classes or on the code or defaults of one of its functions (`object.__setattr__`, PermissionError,
said on stderr at once); `changed` (gate.cli, after the run) names what was refused and every sealed name
of a function, class or module since rebound or removed, or such a name added: the run exits 2. Data a
pack rebinds in a gate module, attributes of the gate's objects (not classes), and an edit of this
module's own records are not seen: code in the gate's process can always reach the gate's state; only a
process of its own would not (docs/gate-red-team.md, round 48).
"""

from __future__ import annotations

import builtins
import functools
import os
import sys
import types
from typing import Any

_KINDS = (type, types.FunctionType, types.BuiltinFunctionType, types.ModuleType, staticmethod, classmethod,
          property, functools.partial)
_SEALED: dict[str, tuple[Any, dict[str, Any]]] = {}   # module name -> (its dict, its names then)
_OBJECTS: dict[int, Any] = {}   # id -> the gate's classes, functions and methods when sealed
_CLASSES: dict[int, tuple[type, dict[str, Any]]] = {}   # the gate's classes and their names then
_REFUSED: list[str] = []
_HOOKED: list[int] = []
_GONE = object()


def _ours(name: str) -> bool:
    return name == "gate" or name.startswith("gate.")


def seal() -> None:
    """In the gate's own process (gate.process_ends' owner): seal the gate's modules imported so far."""
    from gate.process_ends import _OWNER

    if os.getpid() not in _OWNER:
        return
    for name, module in list(sys.modules.items()):
        if (_ours(name) or module is builtins) and name not in _SEALED \
                and isinstance(module, types.ModuleType):
            _SEALED[name] = (vars(module), dict(vars(module)))
            for key, value in _own_objects(name, vars(module)).items():
                _OBJECTS.setdefault(key, value)
    for cls in _OBJECTS.values():
        if isinstance(cls, type) and id(cls) not in _CLASSES:   # as first sealed, not as a pack left it
            _CLASSES[id(cls)] = (cls, dict(vars(cls)))
    _SEALED.setdefault("sys", (vars(sys), {"exit": sys.exit}))
    if not _HOOKED:
        _HOOKED.append(os.getpid())
        sys.addaudithook(_holding(os.getpid(), _OBJECTS, _REFUSED))


def _own_objects(module: str, names: dict[str, Any]) -> dict[int, Any]:
    """The classes and functions `module` defines, with its classes' own functions."""
    found: dict[int, Any] = {}
    for value in names.values():
        if isinstance(value, (type, types.FunctionType)) and getattr(value, "__module__", None) == module:
            found[id(value)] = value
            if isinstance(value, type):
                for member in vars(value).values():
                    member = getattr(member, "__func__", getattr(member, "fget", member))
                    if isinstance(member, types.FunctionType):
                        found[id(member)] = member
    return found


def _holding(owner: int, objects: dict[int, Any], refused: list[str]) -> Any:
    getpid, write = os.getpid, os.write
    events = ("object.__setattr__", "object.__delattr__")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event not in events or getpid() != owner or not args:
            return
        target, attr = args[0], str(args[1]) if len(args) > 1 else "?"
        if objects.get(id(target)) is not target:
            return
        what = f"set {target.__qualname__}.{attr} of the gate's {target.__module__}"
        refused.append(what)
        write(2, f"gate: error: code in the gate's process (a pack's) tries to {what}, which would change "
                 "the gate: refused\n".encode("utf-8", "replace"))
        raise PermissionError(f"the gate does not let code in its process {what}")
    return hook


def changed() -> list[str]:
    """What code in the gate's process changed of it since `seal` (empty where nothing was sealed)."""
    found = [f"tried to {what}" for what in _REFUSED]
    for name, (now, then) in _SEALED.items():
        for key, value in then.items():
            if isinstance(value, _KINDS) and now.get(key, _GONE) is not value:
                found.append(f"{name}.{key} {'rebound' if key in now else 'removed'}")
        if name != "sys":
            found.extend(f"{name}.{key} added" for key, value in now.items() if key not in then
                         and isinstance(value, _KINDS) and sys.modules.get(f"{name}.{key}") is not value)
    for cls, then in _CLASSES.values():   # a type's attributes raise no audit event when set
        found.extend(_differences(f"{cls.__module__}.{cls.__qualname__}", vars(cls), then))
    return found


def _differences(where: str, now: Any, then: dict[str, Any]) -> list[str]:
    found = [f"{where}.{key} {'rebound' if key in now else 'removed'}" for key, value in then.items()
             if isinstance(value, _KINDS) and now.get(key, _GONE) is not value]
    return found + [f"{where}.{key} added" for key, value in now.items()
                    if key not in then and isinstance(value, _KINDS)]
