"""Which files Python can run as code, decided by what the import system loads (round 38), for the digests
that stand for a program or a judge (gate.shard_seal) and the stack cache's inputs (gate.stack_inputs).

A module is loaded from a source (`.py`, `.pyw` on Windows), from bytecode with no source beside it (a
`.pyc` in a directory on `sys.path`, a `__pycache__` folder put there included), from an extension module
(`.so`, `.pyd`), from a zip archive on `sys.path` whatever its name, and a `.pth` file of a site directory
runs its `import` lines. Bytecode in `__pycache__` that the import system checks against its source
beside it before use (a timestamp, or a checked hash: PEP 552) is no code of its own: each runner writes
its own, and its source is what is run; nor is one whose source is gone (never looked for). An unchecked
hash-based `.pyc` is run without a look at its source, so it is code of its own.
"""

from __future__ import annotations

import importlib.util
import os
import stat
import zipfile
from pathlib import Path

_SUFFIXES = (".py", ".pyw", ".pyc", ".so", ".pyd", ".pth")
_UNCHECKED = 0b01    # PEP 552 flags: hash-based, the source not checked


def is_code(path: Path) -> bool:
    """Whether Python can load `path` as code (module docstring); a FIFO or device is none (its reader
    names it)."""
    if path.suffix in _SUFFIXES:
        return not checked_cache(str(path))
    return _regular(str(path)) and zipfile.is_zipfile(path)


def checked_cache(path: str) -> bool:
    """Whether `path` is bytecode in a `__pycache__` folder (named for a source: `<name>.<tag>.pyc`) that
    the import system never runs in place of that source: checked against it before use, or left by a
    source that is gone (looked for only when the source is there; its name, dots and all, is no module's).
    A FIFO or device is no bytecode (its reader names it)."""
    if not path.endswith(".pyc"):
        return False
    try:
        source = importlib.util.source_from_cache(path)
    except (ValueError, NotImplementedError):
        return False     # sourceless bytecode: the code itself
    if not _regular(path):
        return False
    if not os.path.isfile(source):
        return True
    try:
        with open(path, "rb") as pyc:
            header = pyc.read(8)
    except OSError:
        return False     # hashed, so its reader names it
    return len(header) < 8 or int.from_bytes(header[4:8], "little") != _UNCHECKED   # a bad header: the source


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
