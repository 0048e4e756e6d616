"""What a program does itself while it is recorded: start processes, use the network, write files.

A Pulumi program that runs a command or talks to a host directly acts (or learns something) outside the
engine: nothing of it is a registration, so no policy sees it, and on the deploying machine it may create
or send data anywhere (`if not is_dry_run(): boto3.client("s3", region_name="us-east-1")...`). Closed
world: while the program's own code runs under the recorder, such an attempt is refused (the call raises
PermissionError) and noted; the recording then fails naming each one (exit 2), whoever asked (a thread
whose target is `os.system` has no program frame; the SDK and the gate do none of this while a program
runs). Loopback hosts are allowed (local tooling). Files: the program may write inside its own directory,
except the files that decide how it is deployed and judged (`Pulumi*.yaml`, `pyproject.toml`,
`fixtures/`): a program rewriting its backend, stack config, the records or a pack would change what the
gate reads after the run, not what `pulumi up` reads before it. An audit hook cannot be removed, so it
stays installed and is inert outside a recording.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_EVENTS = {"subprocess.Popen": "start the process", "os.system": "run the shell command",
           "os.exec": "exec", "os.posix_spawn": "spawn", "os.spawn": "spawn", "os.fork": "fork",
           "socket.getaddrinfo": "look up the host", "socket.gethostbyname": "look up the host",
           "socket.connect": "connect to", "socket.sendto": "send to", "socket.sendmsg": "send to",
           "open": "write", "os.remove": "remove", "os.rename": "rename", "os.rmdir": "remove",
           "os.truncate": "truncate"}
_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_FILE_EVENTS = ("open", "os.remove", "os.rename", "os.rmdir", "os.truncate")


def _loopback(host: str) -> bool:
    return host in ("", "localhost", "::1", "0.0.0.0") or host.startswith("127.")


UNSAFE = "GATE_UNSAFE_PROGRAM_SIDE_EFFECTS"   # "1": allow them (tests of the engine's process handling)


class _Watch:
    program_file: Callable[[str], str] | None = None
    root: Path | None = None          # the program's directory: its own files may be written
    notes: list[str] = []
    installed = False


def _what(event: str, args: tuple[Any, ...]) -> str | None:
    """A short description of the attempt; None when it is not one (loopback, a UNIX socket)."""
    verb = _EVENTS[event]
    if event in _FILE_EVENTS:
        return _file_change(event, verb, args)
    if event == "os.fork":
        return verb
    if event in ("socket.getaddrinfo", "socket.gethostbyname"):
        host = args[0].decode() if isinstance(args[0], bytes) else args[0]
        return None if not isinstance(host, str) or _loopback(host) else f"{verb} {host}"
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[1] if len(args) > 1 else None
        if not (isinstance(address, tuple) and address and isinstance(address[0], str)):
            return None
        return None if _loopback(address[0]) else f"{verb} {address[0]}:{address[1]}"
    command = args[1] if event == "subprocess.Popen" and len(args) > 1 else args[0] if args else ""
    if isinstance(command, (list, tuple)):
        command = " ".join(str(c) for c in command)
    return f"{verb} {str(command)[:80]}"


def _file_change(event: str, verb: str, args: tuple[Any, ...]) -> str | None:
    if event == "open" and not (len(args) > 2 and isinstance(args[2], int) and args[2] & _WRITE):
        return None
    path = args[0]
    if isinstance(path, bytes):
        path = path.decode("utf-8", "replace")
    if not isinstance(path, str):
        return None       # a file descriptor
    target = Path(os.path.abspath(path))
    if target.suffix == ".pyc" and target.parent.name == "__pycache__":
        return None       # the interpreter's bytecode cache
    root = _Watch.root
    if root is not None and target.is_relative_to(root):
        rel = target.relative_to(root)
        protected = (target.name.startswith("Pulumi.") and target.suffix in (".yaml", ".yml")) \
            or target.name == "pyproject.toml" or "fixtures" in rel.parts[:-1]
        if not protected:
            return None
    return f"{verb} {path}"


def _program_site() -> str:
    frame: Any = sys._getframe(2)
    while frame is not None:
        file = _Watch.program_file(Path(frame.f_code.co_filename).resolve().as_uri()) \
            if not frame.f_code.co_filename.startswith("<") else ""
        if file:
            return f"{file}:{frame.f_lineno}"
        frame = frame.f_back
    return ""


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _Watch.program_file is None or event not in _EVENTS:
        return
    what = _what(event, args)
    if what:   # whoever asks: a thread whose target is os.system has no program frame on its stack
        site = _program_site() or "(outside the program's own files)"
        _Watch.notes.append(f"{site}: the program tries to {what}")
        raise PermissionError(f"the offline gate does not let a program {what} while it is recorded")


@contextmanager
def refusing_side_effects(program_file: Callable[[str], str], notes: list[str],
                          root: Path | None = None) -> Iterator[None]:
    """Refuse and note (in `notes`) the program's own process starts, network use and file changes
    outside `root` (its directory) for the duration."""
    if os.environ.get(UNSAFE) == "1":   # read before the program runs; the engine's own process tests
        yield
        return
    if not _Watch.installed:
        sys.addaudithook(_hook)
        _Watch.installed = True
    _Watch.program_file, _Watch.notes, _Watch.root = program_file, notes, root
    try:
        yield
    finally:
        _Watch.program_file = _Watch.root = None
