"""The watch's wrappers: calls that raise no audit event of their own, or too little of one (split out of
`gate.side_effects` in round 43). Each is inert while no program runs (`watch.program_file` is None).

`_posixsubprocess.fork_exec` raises `gate.fork_exec` (round 6); `sys.setprofile(None)`/`settrace(None)`
(clearing a hook) is let through the refusal of hooks; `os.open` opens by the full path so the `open`
event names the file (round 40); `os.mknod`/`os.mkfifo` raise `gate.mknod` (round 42); `socket.listen`
raises `gate.listen` with the socket's name (round 43: on a socket never bound the kernel binds it to a port
of every address, and no `socket.bind` event is raised; `_socket.socket.listen` itself is past it).
"""

from __future__ import annotations

import os
import posix
import sys
from collections.abc import Callable
from typing import Any

from gate.dir_fd import UNPLACED, placed


def install(watch: type) -> None:
    """Put the wrappers in place, each bound to `watch` (`gate.side_effects._Watch`)."""
    import _posixsubprocess
    import socket
    import subprocess

    real_fork_exec = _posixsubprocess.fork_exec

    def fork_exec(*args: Any, _real: Callable[..., Any] = real_fork_exec) -> Any:
        sys.audit("gate.fork_exec", args[0] if args else "")
        return _real(*args)

    _posixsubprocess.fork_exec = fork_exec
    if getattr(subprocess, "_fork_exec", None) is real_fork_exec:
        subprocess._fork_exec = fork_exec   # type: ignore[attr-defined]
    for name in ("setprofile", "settrace"):
        setattr(sys, name, _clearing(getattr(sys, name), watch))
    os.open = posix.open = _open(posix.open, watch)   # type: ignore[assignment]
    os.mknod = posix.mknod = _node(posix.mknod, watch)   # type: ignore[assignment]
    os.mkfifo = posix.mkfifo = _node(posix.mkfifo, watch)   # type: ignore[assignment]
    socket.socket.listen = _listen(socket.socket.listen, watch)   # type: ignore[method-assign]


def _open(real: Callable[..., int], watch: type) -> Callable[..., int]:
    """`os.open` that, while a program runs, opens by the full path (a path relative to `dir_fd` placed by
    its directory), so the `open` audit event names the file opened (round 40)."""
    def open_(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if watch.program_file is None or isinstance(path, int):
            return real(path, flags, mode, dir_fd=dir_fd)
        where = placed(path, dir_fd)
        if where is UNPLACED:
            sys.audit("gate.dir_fd", path)
        return real(os.path.abspath(where), flags, mode)
    return open_


def _node(real: Callable[..., None], watch: type) -> Callable[..., None]:
    """`os.mknod`/`os.mkfifo` raise `gate.mknod` (round 42: none of their own), the path placed."""
    def make(path: Any, *args: Any, dir_fd: int | None = None, **kwargs: Any) -> None:
        if watch.program_file is None:
            return real(path, *args, dir_fd=dir_fd, **kwargs)
        where = placed(os.fspath(path), dir_fd)
        sys.audit(*(("gate.dir_fd", path) if where is UNPLACED else ("gate.mknod", os.path.abspath(where))))
        return real(os.path.abspath(where), *args, **kwargs)
    return make


def _listen(real: Callable[..., None], watch: type) -> Callable[..., None]:
    def listen(self: Any, *args: Any) -> None:
        if watch.program_file is not None:
            sys.audit("gate.listen", self.family, self.getsockname())
        return real(self, *args)
    return listen


def _clearing(real: Callable[[Any], None], watch: type) -> Callable[[Any], None]:
    def set_hook(fn: Any) -> None:
        if fn is not None:
            return real(fn)
        watch.clearing += 1
        try:
            return real(None)
        finally:
            watch.clearing -= 1
    return set_hook
