"""What changed in a program's directory while its preview was recorded, seen from the gate's process.

An update recorded beside its preview stands only when neither wrote a file (round 41). What the preview
wrote was the word of the watch in the program's own process (`gate.side_effects._Watch.own`), which the
program can edit, and it hears only what raises an audit event (round 42: `os.mknod`, `os.mkfifo` raise
none). So the gate also looks itself, once the preview has ended: a file or directory of the program's
whose status changed since the preview began (ctime: `os.utime` sets an mtime back, nothing sets a ctime)
has the update recorded again after the preview. Another recording of the run writing there costs that
second update recording, never a verdict. Not looked at: what the gate judges by or writes (the watch
refuses the program those; the gate writes this run's states into its output directory meanwhile).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Collection

_COARSE = 5   # Linux's CLOCK_REALTIME_COARSE (Python 3.11 has no name for it)


def now_ns() -> int:
    """A time no later than that of a file changed from now on: the kernel stamps files from its coarse
    clock, which may lag `time.time_ns()` by a tick."""
    if sys.platform == "linux":
        try:
            return time.clock_gettime_ns(_COARSE)
        except OSError:
            pass
    return time.time_ns() - 1_000_000_000


def changed_since(root: str, since_ns: int, skip: Collection[str] = ()) -> str | None:
    """The first path under `root` (itself included, links not followed) whose status changed at or after
    `since_ns`, but for those under `skip`; None when there is none."""
    skipped, under = tuple(skip), tuple(s + os.sep for s in skip)
    try:
        if os.lstat(root).st_ctime_ns >= since_ns:
            return root
    except OSError:
        return None
    todo = [root]
    while todo:
        try:
            entries = os.scandir(todo.pop())
        except OSError:
            continue      # gone or unreadable: its parent's time tells a removal
        with entries:
            for entry in entries:
                if entry.path in skipped or entry.path.startswith(under):
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if st.st_ctime_ns >= since_ns:
                    return entry.path
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
    return None
