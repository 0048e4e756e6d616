"""Reads that open no file, for the stack cache.

A program that decides on whether a file exists (`os.path.exists`, `Path.is_file`, `os.stat`,
`os.access`), where a link points (`os.readlink`, round 40), its extended attributes (`os.getxattr`,
`os.listxattr`, round 41: no audit event) or on a directory's entries (`os.listdir`,
`os.scandir`, `glob`, `Path.iterdir`) depends on them as much as on a file's bytes, but opens nothing the
`open` audit event would show. The recording
worker notes them (`ReadTracker.start(probing=True)`), marked before the path in `ReadTracker.paths`, and
an entry holds only while each is as it was: a file that appears, disappears, changes kind, size or
permission bits, or a directory whose entries change, records the stack again. `posix.stat` called
directly and a directory given by file descriptor (`os.scandir(fd)`) are noted too (round 4).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import posix
import stat
import sys
from collections.abc import Callable
from typing import Any

from gate.dir_fd import UNPLACED, placed

PROBE = "?"      # mark of a path the program stat'ed
LISTING = "*"    # mark of a directory the program listed
MARKS = (PROBE, LISTING)
_stat = real_stat = posix.stat   # before install_stat_probes: a stat that notes nothing
_lstat = real_lstat = posix.lstat
_readlink, _listxattr, _getxattr = posix.readlink, posix.listxattr, posix.getxattr


def mark(kind: str, path: Any) -> str | None:
    """`kind` + the absolute path, or None for what is not a path (a file descriptor)."""
    if path is None:
        path = "."
    if isinstance(path, int) and not isinstance(path, bool):   # a descriptor: the file it is open on
        try:
            path = os.readlink(f"/proc/self/fd/{path}")
        except OSError:
            return None
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    return kind + os.path.abspath(path) if isinstance(path, str) else None


def probe_digest(path: str) -> str:
    """What a stat tells: missing, or the kind and permission bits (and a file's size); before it, what a
    symbolic link there points at (round 40: `os.readlink` reads it, and no stat shows it) and its extended
    attributes (round 41)."""
    seen = f"probe:{_link(path)}{_xattrs(path)}"
    try:
        st = _stat(path)
    except (OSError, ValueError):
        return seen + "missing"
    mode = f"{stat.S_IMODE(st.st_mode):o}"
    if stat.S_ISREG(st.st_mode):
        return f"{seen}file:{st.st_size}:{mode}"
    return f"{seen}dir:{mode}" if stat.S_ISDIR(st.st_mode) else seen + "other"


def _link(path: str) -> str:
    """`link:<digest of the target>:` when `path` is a symbolic link, else nothing."""
    from gate.cache import digest

    try:
        return f"link:{digest(_readlink(path))}:" if stat.S_ISLNK(_lstat(path).st_mode) else ""
    except (OSError, ValueError):
        return ""


def _xattrs(path: str) -> str:
    """`xattr:<digest of the names and values>:` when `path` has extended attributes, else nothing (so a
    path without any digests as before round 41)."""
    from gate.cache import digest

    try:
        names = sorted(_listxattr(path))
        return f"xattr:{digest([[n, _getxattr(path, n).hex()] for n in names])}:" if names else ""
    except (OSError, ValueError):
        return ""


def listing_digest(path: str) -> str:
    """The directory's entry names (sorted), or missing."""
    from gate.cache import digest

    try:
        names = sorted(os.listdir(path))
    except (OSError, ValueError):
        return "listing:missing"
    return "listing:" + digest(names)


def marked_digest(path: str, recorded: str) -> str | None:
    """The current digest of `path` when `recorded` is of a probe or a listing, else None."""
    if recorded.startswith("probe:"):
        return probe_digest(path)
    if recorded.startswith("listing:"):
        return listing_digest(path)
    return None


_IMPORT_SYSTEM = tuple(vars(sys.modules[m]) for m in ("_frozen_importlib", "_frozen_importlib_external",
                                                      "zipimport") if m in sys.modules)
# an import, and a module looked up (`importlib.util.find_spec`: the SDKs' lazy imports)
_IMPORTS = tuple(getattr(sys.modules["_frozen_importlib"], name).__code__
                 for name in ("_find_and_load", "_find_spec"))


def _importing() -> bool:
    """The import system stats through `posix` too: those are module files, inputs by their bytes."""
    return importing(sys._getframe(2))


_METADATA = vars(importlib.metadata)   # bound before any program: its listings look distributions up


def importing(frame: Any) -> bool:
    """Whether `frame` and those up from it are the import system's own (their globals its modules' dicts)
    as far as an import's `_find_and_load` or a look-up's `_find_spec` (round 46: a frame's `__name__` alone
    was code the program ran with globals named "importlib.…"; its `_path_stat` called by the program is no
    import), or the package metadata's look-up listing a directory of the path (`importlib.metadata`: the
    SDKs ask their version at import)."""
    if frame is not None and frame.f_globals is _METADATA:
        return True
    while frame is not None:
        if any(frame.f_code is code for code in _IMPORTS):
            return True
        if not any(frame.f_globals is g for g in _IMPORT_SYSTEM):
            return False
        frame = frame.f_back
    return False


def install_stat_probes(note: Callable[[str], None]) -> None:
    """`os.stat`, `os.lstat`, `os.access`, `os.readlink`, `os.listxattr` and `os.getxattr` (and the same
    functions of `posix`, which `os` re-exports) note the path asked about (`os.path`, `pathlib` and `glob`
    call them through the module)."""
    for module in (os, posix):
        for name in ("stat", "lstat", "access", "readlink", "listxattr", "getxattr"):
            real = getattr(posix, name)

            def probed(path: Any = None, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
                where = placed(path, kwargs.get("dir_fd"))   # round 40: relative to a descriptor
                marked = mark(PROBE, path if where is UNPLACED else where)   # None: `os.listxattr()`, "."
                if marked is not None and not _importing():
                    note(marked)
                    sys.audit("gate.probe", marked[1:])   # round 46: the watch asks who left it
                return _real(path, *args, **kwargs)

            setattr(module, name, probed)


def split(raw: str) -> tuple[str, str]:
    """(mark or "", absolute path) of an entry of `ReadTracker.paths`."""
    if raw[:1] in MARKS:
        return raw[0], os.path.abspath(raw[1:])
    return "", os.path.abspath(raw)


def source_of(pyc: str) -> str:
    """A module imported from its bytecode never opens its source (the pyc is checked against the source's
    mtime and size only): the source is the input, else a change to it would be answered from the cache."""
    try:
        return importlib.util.source_from_cache(pyc)
    except (ValueError, NotImplementedError):
        return pyc      # sourceless bytecode (not in a __pycache__): the file itself is the input
