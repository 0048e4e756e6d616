"""Paths given relative to a directory descriptor (`dir_fd`), placed where they are.

The audit events of `os.mkdir`, `os.remove`, `os.rename`, … carry the path as given and the descriptor
apart; `open` (what `os.open` raises) carries no descriptor at all. The gate's hooks took such a path as
relative to the working directory (round 40): a program read `region.txt` relative to a descriptor of
`settings/` unseen by the stack cache and the seals, read a file another recording wrote, and wrote or made
a directory outside its own. Here a path is placed by the directory its descriptor is open on (Linux:
`/proc/self/fd`); what cannot be placed is refused by the caller.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

UNPLACED = "\0unplaced"   # a path relative to a descriptor whose directory is unknown

# (path index, descriptor index) of each audit event that carries a descriptor (Python 3.11's table)
EVENT_DIR_FDS: Mapping[str, tuple[tuple[int, int], ...]] = MappingProxyType({   # read-only (round 43)
    "os.mkdir": ((0, 2),), "os.remove": ((0, 1),), "os.rmdir": ((0, 1),), "os.chmod": ((0, 2),),
    "os.chown": ((0, 3),), "os.utime": ((0, 3),), "os.symlink": ((1, 2),),
    "os.rename": ((0, 2), (1, 3)), "os.link": ((0, 2), (1, 3)),
})


def placed(path: Any, dir_fd: Any) -> Any:
    """`path` made absolute from the directory `dir_fd` is open on; `path` itself when no descriptor
    applies (none given, an absolute path, a descriptor as the path); UNPLACED when it cannot be known."""
    if not isinstance(dir_fd, int) or isinstance(dir_fd, bool) or dir_fd < 0:
        return path       # None, or -1 in an audit event: relative to the working directory
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, (str, bytes)):
        return path
    text = os.fsdecode(path)
    if os.path.isabs(text):
        return path
    try:
        where = os.readlink(f"/proc/self/fd/{dir_fd}")
    except OSError:
        return UNPLACED
    if not os.path.isabs(where):   # a descriptor of no directory of the file system (a pipe, a socket)
        return UNPLACED
    return os.path.join(where, text)


def placed_event(event: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The event's arguments with each path given relative to a descriptor placed (see `placed`)."""
    spots = EVENT_DIR_FDS.get(event)
    if not spots:
        return args
    out = list(args)
    for at, fd_at in spots:
        if len(out) > max(at, fd_at):
            out[at] = placed(out[at], out[fd_at])
    return tuple(out)
