"""A module of the program's directory named like one the recording imports from elsewhere (round 13).

`pulumi up` runs the program with its main directory first on `sys.path` (the language host's `runpy`), so a
`pulumi_aws/` package or a `boto3.py` there replaces the installed one for the program. A recording worker
may already have imported the installed one (the zygote preloads the SDK modules the previous run's workers
loaded, `gate.zygote`), and then the program runs another SDK offline than when it is deployed; without the
preload it runs the program's copy. Which one runs would depend on an earlier run. Closed world: such a name
is refused before the program runs, whatever was preloaded.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from pathlib import Path

from gate.errors import GateError
from gate.zygote import SDK_MODULE


def _module_name(entry: os.DirEntry[str]) -> str:
    """The top-level module an entry of a `sys.path` directory provides ("" if none)."""
    if entry.is_file() and entry.name.endswith(".py"):
        name = entry.name[:-3]
    elif entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py")):
        name = entry.name
    else:
        return ""
    return name if name.isidentifier() and name != "__main__" else ""


def _loaded_from_elsewhere(name: str, directory: Path) -> bool:
    """Whether `name` is loaded from outside `directory`: the program's own module loaded earlier in this
    process (a test or an in-process recording of the same program) is its copy, not a shadowed one."""
    module = sys.modules.get(name)
    if module is None:
        return False
    origins = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or [])]
    places = [Path(o).resolve() for o in origins if isinstance(o, str)]
    return not places or not any(p.is_relative_to(directory) for p in places)


def _elsewhere(name: str, directory: Path, installed: list[str]) -> bool:
    """Whether `name` is a module the recording has loaded from elsewhere before the program (the gate's,
    the SDK's and what they import) or an installed Pulumi SDK package a zygote may preload. Other installed
    or standard modules the recording has not loaded are the program's copy offline as under `pulumi up` (its
    directory comes first in both): an `azure/` or `dns.py` of the program is its own."""
    return _loaded_from_elsewhere(name, directory) or (
        SDK_MODULE.fullmatch(name) is not None
        and importlib.machinery.PathFinder.find_spec(name, installed) is not None)


def refuse_shadowing(directories: list[Path], where: str) -> None:
    """GateError naming the first module of `directories` (the program's, put first on sys.path) that
    shadows a loaded module or an installed Pulumi SDK package."""
    own = {d.resolve() for d in directories}
    installed = [p for p in sys.path if {"site-packages", "dist-packages"} & set(Path(p).parts)]
    for directory in dict.fromkeys(own):
        with os.scandir(directory) as entries:
            names = sorted((n, e.name) for e in entries if (n := _module_name(e)))
        for name, entry in names:
            if _elsewhere(name, directory, installed):
                raise GateError(
                    f"{where}: {entry} in {directory} shadows the module '{name}' the gate's Python has: "
                    "pulumi up imports the program's copy (its directory comes first on sys.path), a "
                    "recording may use the installed one (preloaded), so what is recorded would not be what "
                    "deploys; rename it")
