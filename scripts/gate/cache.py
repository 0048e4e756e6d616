"""The gate's content-addressed cache: small JSON entries under one directory, safe under concurrent runs.

An entry's name is the digest of everything its value depends on, so a stale entry is never read, only
left behind. Writers write a temp file in the same directory and rename it (readers see a whole entry or
none); two runs writing the same entry write the same content. An entry that cannot be read or parsed is
a miss; one others could have written, or that is no regular file, is exit 2 (`trusted`). The directory
is `--cache-dir`, else `GATE_CACHE_DIR`, else `<out>/cache` of `gate preview`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE_ENV = "GATE_CACHE_DIR"
FORMAT = 1   # bump when an entry's shape changes


def digest(value: Any) -> str:
    """sha256 of the canonical JSON of `value` (sorted keys, no whitespace)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes ("missing" when it does not exist: its absence is an input too), read in
    chunks through a link (a pack's or record's may be one); a FIFO, a device or a file past 1 GiB is a
    GateError naming it (round 30: all were read whole, a FIFO waited on for a writer)."""
    from gate.inputs import file_sha256

    try:
        return file_sha256(path, "a file the verdict depends on", follow=True)
    except FileNotFoundError:
        return "missing"


def tree_files(root: Path) -> list[tuple[str, str]]:
    """(relative path, digest) of every file under `root` (a pack, the records): relative, so the same
    files in another checkout (a shard's runner, an auditor's machine exporting the run) are the same."""
    return [(p.relative_to(root).as_posix(), file_digest(p)) for p in files_under(Path(root))]


def files_under(root: Path) -> list[Path]:
    """What tree_files hashes: all that is no directory, so a FIFO or device there is named, not skipped
    unseen (round 30); in `__pycache__` too (round 38: a pack's sourceless or unchecked bytecode there
    changed no digest), but for the bytecode the import system checks against a source beside it, which
    each runner writes (`gate.code_files`)."""
    from gate.code_files import checked_cache

    return walk_tree(root, lambda d: True, lambda p: not checked_cache(str(p)))


def walk_tree(root: Path, keep_dir: Callable[[Path], bool], keep_file: Callable[[Path], bool] = bool
              ) -> list[Path]:
    """Every file under `root` (sorted) that `keep_file` keeps, in the directories `keep_dir` keeps by
    their path under `root` as given (a link by its own name, before it is followed), through the
    symbolic links of the tree: a link to a directory inside it is followed, so what it points at is
    hashed under the link's name (round 31: `rglob` and `os.walk` listed such a link and did
    not descend, so pointing it elsewhere changed no digest). A link out of the tree, or one that loops,
    is a GateError naming it: what lies behind it is no file of the tree, or has no end."""
    top = Path(root).resolve()
    found: list[Path] = []

    def visit(here: Path, chain: tuple[Path, ...]) -> None:
        for entry in sorted(os.scandir(here), key=lambda e: e.name):
            path = here / entry.name
            if not keep_dir(path) and _is_dir(entry):   # `.venv`, a link to one too: not followed
                continue
            real = _inside(path, top, chain) if entry.is_symlink() else chain[-1] / entry.name
            if real.is_dir():
                visit(path, (*chain, real))
            elif keep_file(path):
                found.append(path)

    visit(Path(root), (top,))
    return sorted(found)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:   # a link that loops (ELOOP): _inside names it
        return False


def _inside(link: Path, top: Path, chain: tuple[Path, ...]) -> Path:
    """Where `link` leads, when that is inside `top` and no directory it lies in (else GateError)."""
    from gate.errors import GateError

    try:
        real = link.resolve()
    except (OSError, RuntimeError):   # ELOOP; 3.11's resolve() raises RuntimeError on a loop
        raise GateError(f"{link}: a symbolic link that loops (it leads back to itself): remove it") from None
    if not real.is_relative_to(top):
        raise GateError(f"{link}: a symbolic link to {real}, outside {top}: what the verdict depends on "
                        "lies where no review of the tree sees it; keep it inside, or point the link there")
    if real in chain:
        raise GateError(f"{link}: a symbolic link to {real}, a directory it lies in (a loop, no end to "
                        "hash): remove it")
    return real


@functools.cache
def gate_version() -> str:
    """The gate's own sources and data: a different gate, a different verdict."""
    return digest(tree_files(Path(__file__).resolve().parent))


def env_dir() -> Path | None:
    """GATE_CACHE_DIR resolved (empty: unset); UsageError naming it when it exists and is no directory
    (round 20: a FIFO or a file there failed the run late, or as an internal error)."""
    from gate.errors import UsageError

    env = os.environ.get(CACHE_ENV)
    if not env:
        return None
    path = Path(env).resolve()
    if path.exists() and not path.is_dir():
        raise UsageError(f"{CACHE_ENV}: {path} is not a directory")
    return path


def resolve_dir(explicit: Path | None, out: Path | None, enabled: bool = True) -> Path | None:
    """Where the cache lives for this run, or None when caching is off."""
    if not enabled:
        return None
    if explicit is not None:
        return Path(explicit).resolve()
    env = env_dir()
    if env is not None:
        return env
    return (Path(out) / "cache").resolve() if out is not None else None


def trusted(path: Path, root: Path) -> None:
    """An entry decides a verdict: it must be a regular file (the cache writes no symlink, FIFO or device:
    a link points it anywhere, a FIFO blocks the reader, round 19) and it, and the directories from the
    cache root down to it, this user's and writable by no one else (a sticky directory, like /tmp,
    excepted). Else GateError: a cache shared with other users, or restored from somewhere others write,
    is not evidence. FileNotFoundError: a miss."""
    from gate.errors import GateError

    me = os.geteuid()
    for where in (path, *[q for q in path.parents if q == root or root in q.parents]):
        st = os.lstat(where)
        kind = stat.S_ISREG if where == path else stat.S_ISDIR
        if not kind(st.st_mode):
            raise GateError(
                f"{where}: a cache {'entry' if where == path else 'directory'} that is not a regular "
                f"{'file' if where == path else 'directory'} (a symlink, FIFO or device: the cache writes "
                "none); remove it, or use --no-cache")
        sticky = stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX
        if st.st_uid != me or (st.st_mode & 0o022 and not sticky):
            raise GateError(
                f"{where}: a cache entry or directory owned by another user or writable by others "
                f"(uid {st.st_uid}, mode {stat.S_IMODE(st.st_mode):04o}); its verdicts cannot be trusted: "
                "use a cache directory only you can write (chmod go-w, --cache-dir) or --no-cache")


def make_dirs(directory: Path) -> None:
    """`directory` and its missing parents, only this user's whatever the umask (`trusted`)."""
    for missing in reversed([q for q in (directory, *directory.parents) if not q.exists()]):
        missing.mkdir(mode=0o700, exist_ok=True)


class Store:
    """One namespace of entries (`<root>/<namespace>/<key[:2]>/<key>.json`)."""

    def __init__(self, root: Path, namespace: str) -> None:
        self.dir = Path(root) / namespace

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str) -> Any | None:
        try:
            trusted(self._path(key), self.dir.parent)
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        return data.get("value")

    def put(self, key: str, value: Any) -> None:
        """Write atomically; a cache that cannot be written is not an error (the run just stays uncached)."""
        path = self._path(key)
        try:
            make_dirs(path.parent)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:12]}.", suffix=".tmp", dir=path.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"format": FORMAT, "key": key, "value": value}, fh, separators=(",", ":"))
            os.replace(tmp, path)
        except (OSError, TypeError, ValueError):
            Path(tmp).unlink(missing_ok=True)
