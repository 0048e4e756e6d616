"""What a record file is now, cheaply: the key under which a parse of it may be remembered (round 16).

A record read once per process and stack (records, endpoints) was remembered under its directory and
stack only: a second run in the same process — `gate preview --all`, `gate analyze` of several states, an
embedded gate, a test worker — judged with the first run's reading after the file had been edited. A stamp
holds what any write changes: inode (a file replaced by rename), size, modification and change time (the
change time moves on every write and on every `touch` that resets the modification time, and cannot be set
back). One `stat` per call: cheap enough for a record read per finding.
"""

from __future__ import annotations

import os
from pathlib import Path

Stamp = tuple[int, int, int, int] | None


def stamp(path: str | Path) -> Stamp:
    """(inode, size, mtime, ctime) of `path` in nanoseconds; None when it cannot be stat'ed (the reader
    then reports the missing or unreadable file itself)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns
