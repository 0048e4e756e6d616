"""Reading a record file: a regular file inside its records directory, UTF-8 text (round 23).

A FIFO given as a record hung the pack until its start deadline; a symlink out of the records directory
had a waiver or an endpoint read from a file no review of the repository sees; UTF-16 text failed as a
UnicodeDecodeError naming no file. Each is now one problem naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def record_text(path: Path, root: Path) -> tuple[str | None, str | None]:
    """(text, problem) of the record at `path`, which must lie in `root` once links are resolved; a missing
    file is (None, None)."""
    try:
        mode = os.stat(path).st_mode   # stat never blocks, unlike open() on a FIFO
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as e:
        return None, f"{path}: cannot be read ({getattr(e, 'strerror', None) or e})"
    if not stat.S_ISREG(mode):
        return None, f"{path}: is not a regular file; keep the record as a file in the records directory"
    if not path.resolve().is_relative_to(root.resolve()):
        return None, (f"{path}: links to {path.resolve()}, outside the records directory {root}; keep the "
                      "record itself there, where its review sees it")
    try:
        return path.read_bytes().decode("utf-8"), None
    except UnicodeDecodeError as e:
        return None, f"{path}: is not UTF-8 text (byte {e.start}); save the record as UTF-8"
    except OSError as e:
        return None, f"{path}: cannot be read ({e.strerror})"
