"""What the program may not change of the gate's watch in its own process (round 43).

The watch (`gate.side_effects`) decides in the program's interpreter what the program may do, from its
settings (`_Watch`: the program's directory, the run's start, the paths the gate judges by) and the names
of the modules it decides by (`_WRITE`, the events it hears; `gate.dir_fd`, `gate.read_probes`, ...). A
program reaching them (`sys.modules`) could widen its directory to `/`, switch the watch off, claim
another recording's file as its own or rebind `_WRITE`, for one write and back, and none of it is a
replaced function `gate.integrity` would see after the program. So the settings and the modules' names are
sealed when the program starts (the objects themselves, compared by identity) and checked at every event
the watch hears and at the program's end: what differs is put back, the event is judged as the gate set
the watch, and the recording fails naming the change. The files the recording wrote, and those its
preview left, are kept in the seal, not in `_Watch`.
Setting a gate function's `__code__` or `__defaults__` raises an audit event of its own and is refused.
In-process this is detection of the common forms, not a wall: the seal is an object the program can reach.
"""

from __future__ import annotations

from operator import attrgetter, is_
from types import FunctionType
from typing import Any

_MISSING = object()
FIELDS = ("program_file", "notes", "root", "since", "judged", "out", "hold", "own", "preview")
_SETTINGS = attrgetter(*FIELDS)


class Seal:
    """The watch as the gate set it; `own` and `preview` are what the watch's decisions read."""

    __slots__ = ("changes", "classes", "names", "own", "preview", "settings")

    def __init__(self, watch: type, modules: tuple[dict[str, Any], ...],
                 classes: tuple[type, ...] = ()) -> None:
        self.settings = tuple(getattr(watch, field) for field in FIELDS)
        self.names = tuple(dict(names) for names in modules)
        self.classes = tuple(dict(vars(cls)) for cls in classes)   # round 44: gate.read_tracker.ReadTracker
        self.own: set[str] = set(watch.own)
        self.preview: dict[str, list[int]] = {path: list(fp) for path, fp in watch.preview.items()}
        self.changes: list[str] = []     # what was found changed and put back, noted at the program's end


def broken(seal: Seal, watch: type, modules: tuple[dict[str, Any], ...],
           classes: tuple[type, ...] = ()) -> str | None:
    """What the program changed of the watch's settings, its modules' names or the sealed classes'
    attributes since `seal` was taken (put back as sealed), named, or None. Identity, not equality:
    `since = 0` or a new `own` set is a change."""
    try:    # the common case, in C: nothing changed
        if all(map(is_, _SETTINGS(watch), seal.settings)) and modules == seal.names and all(
                len(vars(cls)) == len(sealed) and all(map(is_, vars(cls).values(), sealed.values()))
                for cls, sealed in zip(classes, seal.classes, strict=True)):
            return None
    except AttributeError:   # a field deleted
        pass
    changed = [f"gate.side_effects._Watch.{field}" for field, value in zip(FIELDS, seal.settings, strict=True)
               if getattr(watch, field, _MISSING) is not value]
    for field, value in zip(FIELDS, seal.settings, strict=True) if changed else ():
        type.__setattr__(watch, field, value)
    for names, sealed in zip(modules, seal.names, strict=True):
        if names != sealed:
            changed += _put_back(names, sealed)
    for cls, sealed in zip(classes, seal.classes, strict=True):
        changed += _class_put_back(cls, sealed)
    seal.changes += [name for name in changed if name not in seal.changes]
    return f"the gate's watch ({', '.join(changed)})" if changed else None


def _put_back(names: dict[str, Any], sealed: dict[str, Any]) -> list[str]:
    """The names of a module rebound, added or removed since sealed, each put back; dunder names (the
    interpreter's `__warningregistry__`) are taken as they are now."""
    moved = {name for name in names.keys() | sealed.keys() if names.get(name, _MISSING) is not
             sealed.get(name, _MISSING)}
    kept = {name for name in moved if name.startswith("__")}
    sealed.update({name: names[name] for name in kept if name in names})
    for name in moved - kept:
        if name in sealed:
            names[name] = sealed[name]
        else:
            names.pop(name, None)
    return sorted(f"{sealed.get('__name__', '?')}.{name}" for name in moved - kept)


def _class_put_back(cls: type, sealed: dict[str, Any]) -> list[str]:
    """A sealed class's attributes rebound, added or removed (a fresh `ReadTracker.paths` the reads go
    into, round 44), each put back; its mutable sets are the gate's to fill in place."""
    now = vars(cls)
    moved = {name for name in now.keys() | sealed.keys() if not name.startswith("__")
             and now.get(name, _MISSING) is not sealed.get(name, _MISSING)}
    for name in moved:
        if name in sealed:
            type.__setattr__(cls, name, sealed[name])
        else:
            type.__delattr__(cls, name)
    return sorted(f"{cls.__module__}.{cls.__qualname__}.{name}" for name in moved)


def noted(seal: Seal) -> str | None:
    """The note at the program's end for every change found during it (the recording fails by it)."""
    if not seal.changes:
        return None
    return (f"change the gate's watch ({', '.join(seal.changes)}), which decides what the program may do: it "
            "is not the program's to edit")


def code_change(args: tuple[Any, ...]) -> str | None:
    """An `object.__setattr__`/`__delattr__` event (a function's `__code__`, `__defaults__`,
    `__kwdefaults__`): refused for the gate's own functions, whose identity `gate.integrity` compares but
    whose code or bound helpers (the audit hook's `_describe`) this changes in place."""
    target = args[0] if args else None
    if type(target) is not FunctionType:   # `__class__` set on a lazy module (pulumi's) raises it too
        return None
    module = target.__module__
    if not isinstance(module, str) or not (module == "gate" or module.startswith("gate.")):
        return None
    name = args[1] if len(args) > 1 else "?"
    return f"change the gate's code: {module}.{target.__qualname__}'s {name}"
