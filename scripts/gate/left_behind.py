"""What another recording of this run left in the program's directory, however it is found (round 46).

Round 4 refused a recording reading a file another recording of the same run wrote (stack a leaves
`build/region.txt`, stack b reads it; a deploy of b from a clean checkout has no such file), known by its
modification time, and only where the program `open`s it. Round 46 found the same leak through what opens
nothing: whether the file exists (`os.path.exists`, a stat: gate.read_probes raises `gate.probe`), the
names of a directory (`os.listdir`, `os.scandir`, `glob`), and through a modification time the program set
back itself (`os.utime` of its own file is allowed). Here a file is another recording's when its status
changed (the later of its modification and status change times: nothing sets a ctime back) at or after the
run began and this recording did not write it; a directory, when it changed so and holds nothing older than
the run nor anything this recording wrote (one another recording made). `os.makedirs` asking whether a
parent exists learns nothing it would not make itself, and is let through.

Round 47: what another recording left, learnt by changing it (`over`). A failed `os.mkdir` or `O_EXCL` open
tells that it is there, a removal, rename, link or mode change that succeeds too, and a write made the file
the recording's own, so it could then read another's bytes back (appended to, opened `r+`, renamed or linked
to a name of its own). Such a change is refused; a write that replaces the bytes (`O_TRUNC`) or a rename onto
the file makes it the recording's; an append leaves it another's (a read of it is still refused); an
`os.mkdir` whose FileExistsError `os.makedirs` or `Path.mkdir` with `exist_ok` swallows (the directory is
there after it either way) is let through, and does not make the directory the recording's.

The gate's own listing here raises the listing events again; they are told by this module's frames (code
objects, which a program cannot run its own code in: the module's names are sealed, gate.watch_seal).
"""

from __future__ import annotations

import os
import pathlib
import posixpath
import stat
import sys
from collections.abc import Collection, Mapping
from typing import Any

from gate.read_probes import real_lstat, real_stat


def changed_ns(st: os.stat_result) -> int:
    """When a file was last changed: its modification time can be set back (`os.utime`), its status
    change time cannot (round 46)."""
    return max(st.st_mtime_ns, st.st_ctime_ns)


def fingerprint(st: os.stat_result) -> list[int]:
    """What tells a file from a rewrite of it: modification time (ns), size, inode."""
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def left(target: str, since: int, own: Collection[str], preview: Mapping[str, list[int]],
         follow: bool = True) -> bool:
    """Whether `target` (absolute, checked) was made or changed at or after `since` by another recording:
    not one in `own` (this recording's), nor a file as this stack's preview left it (`preview`)."""
    if target in own:
        return False
    try:
        st = real_stat(target) if follow else real_lstat(target)
    except (OSError, ValueError):
        return False
    if changed_ns(st) < since:
        return False
    if stat.S_ISDIR(st.st_mode):
        return _made_by_another(target, since, (*own, *preview))
    return preview.get(target) != fingerprint(st)


def _made_by_another(directory: str, since: int, own: Collection[str]) -> bool:
    """A directory changed during the run that holds nothing older than the run and nothing this recording
    wrote or its stack's preview left (`own`): empty, or only what another recording put there."""
    mine = directory + os.sep
    if any(p.startswith(mine) for p in own):
        return False
    for entry in _entries(directory):
        try:
            if changed_ns(entry.stat(follow_symlinks=False)) < since:
                return False
        except OSError:
            continue
    return True


def _entries(directory: str) -> list[Any]:
    """The directory's entries (the `os.scandir` event this raises is the gate's: `ours`)."""
    try:
        with os.scandir(directory) as found:
            return list(found)
    except (OSError, ValueError):
        return []


def listed(directory: str, since: int, own: Collection[str], preview: Mapping[str, list[int]],
           checked: Any) -> str | None:
    """The first entry of `directory` another recording left (`left`), among those `checked(path)`."""
    for entry in _entries(directory):
        if checked(entry.path) and left(entry.path, since, own, preview, follow=False):
            return entry.name
    return None


_OURS = (_entries.__code__, _made_by_another.__code__)
_MAKEDIRS = os.makedirs.__code__
_PATH_MKDIR = pathlib.Path.mkdir.__code__
KEPT = "(let through: still another recording's)"
_HOW = (" (a deploy of this stack from a clean checkout does not have it, and whether the change fails tells "
        "that it is there): give each stack files of its own, or commit them")


def over(event: str, args: tuple[Any, ...], target: str, since: int, own: Collection[str],
         preview: Mapping[str, list[int]]) -> str | None:
    """Round 47: a change of `target` (an `os.rename`'s and `os.link`'s ends as `<event>:from`/`:to`)
    where another recording left something: the refusal's reason, KEPT (let through, still another's), or
    None (nothing of another's there: the change makes it the recording's own)."""
    if not since or not left(target, since, own, preview, follow=False):
        return None
    try:
        is_dir = stat.S_ISDIR(real_lstat(target).st_mode)
    except OSError:
        return None
    flags = args[2] if event == "open" and len(args) > 2 and isinstance(args[2], int) else 0
    if event == "open" and not flags & os.O_EXCL:
        if flags & os.O_TRUNC:
            return None          # its bytes replaced: the recording's own from here
        if flags & os.O_ACCMODE == os.O_WRONLY:
            return KEPT          # appended to or written over in part: a read of it is still refused
        return f"opened for reading too, which another recording of this run wrote{_HOW}"
    if (event == "os.rename:to" and not is_dir) or (event == "os.mkdir" and is_dir and _exist_ok(target)):
        return None if event == "os.rename:to" else KEPT
    return f"which another recording of this run left{_HOW}"


def _exist_ok(target: str, depth: int = 12) -> bool:
    """Whether the `os.mkdir` of `target` now heard is one `os.makedirs` or `Path.mkdir` called with
    `exist_ok` makes, which swallow its FileExistsError when a directory is there: their own code, over
    the same path, with their own globals and `is_dir` (a copy with another `path`, or a subclass
    answering False to re-raise it, does not count)."""
    frame = sys._getframe(2)
    while frame is not None and depth:
        names = frame.f_locals
        if frame.f_code is _MAKEDIRS and frame.f_globals is vars(os):
            return names.get("exist_ok") is True and os.fspath(names.get("name", "")) == target \
                and frame.f_globals.get("path") is posixpath
        if frame.f_code is _PATH_MKDIR:
            me = names.get("self")
            return names.get("exist_ok") is True and type(me).is_dir is pathlib.Path.is_dir \
                and os.path.abspath(me) == target
        frame, depth = frame.f_back, depth - 1
    return False


def ours(depth: int = 12) -> bool:
    """Whether the event now heard was raised by this module's own listing (up to `depth` frames back)."""
    frame = sys._getframe(1)
    while frame is not None and depth:
        if any(frame.f_code is code for code in _OURS):
            return True
        frame, depth = frame.f_back, depth - 1
    return False


def in_makedirs(event: str, probed: Any = None, depth: int = 8) -> bool:
    """Whether a stat now heard is `os.makedirs` asking whether a parent exists (it makes it if not), or
    `Path.mkdir` with `exist_ok` asking whether what its `os.mkdir` found is a directory (round 47: that
    path only, `probed`)."""
    if event != "gate.probe":
        return False
    frame = sys._getframe(1)
    while frame is not None and depth:
        if frame.f_code is _MAKEDIRS:
            return True
        if frame.f_code is _PATH_MKDIR and frame.f_locals.get("exist_ok") is True:
            me = frame.f_locals.get("self")
            return type(me).is_dir is pathlib.Path.is_dir and isinstance(probed, str) \
                and probed == os.path.abspath(me)   # the probe's path: absolute
        frame, depth = frame.f_back, depth - 1
    return False
