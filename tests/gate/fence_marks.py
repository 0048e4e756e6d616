"""Marks from code the gate's write fence holds: a program environment's startup code (round 46).

Since round 46 a program's own Python starts under the kernel's write fence (`gate._fenced`): the version
probe may write only in its own directory (removed with the probe), a recording worker only there and in its
program's directory. The tests' hostile `sitecustomize` files used to mark what they did (`probing.<pid>`,
`escaped.<pid>`, `ran.<pid>`) and claim their one turn (`flag.unlink()`) as files beside the test's
directory, which the fence now refuses. They tell it to `Marks` instead: a UNIX stream socket the test
listens on (connecting to a socket is no write the fence handles), which makes each mark an empty file in
the test's directory before it answers, and grants a `once` key to its first asker only. The hooks keep
every other act they tried (the fence's refusals of those are what the tests assert)."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

# The hook's side, `{sock!r}` filled in (the socket module imported at once: a forked child that marks
# need not import it first). `mark(NAME)` returns once the file is made; `once(KEY)` is True for the first
# asker of KEY in the test.
TELL = """\
import socket as _socket


def _tell(line, _where={sock!r}):
    with _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM) as s:
        s.connect(_where)
        s.sendall(line.encode() + b"\\n")
        s.shutdown(_socket.SHUT_WR)
        return s.recv(16)


def mark(name):
    _tell("mark " + name)


def once(key):
    return _tell("once " + key) == b"1"
"""


def mark_line(where: Path, kind: str, skip_probe: bool = False) -> str:
    """TELL's `mark(f"{kind}.{pid}")` as one line (a `.pth` file's `import` line may hold nothing else);
    `skip_probe`: not in the version probe (`python -c CODE`)."""
    sock = str(where / "m.sock")
    when = "sys.argv != ['-c'] and " if skip_probe else ""
    return (f"import os, socket, sys; {when}(lambda s: (s.connect({sock!r}), s.sendall(b'mark {kind}.%d' % "
            "os.getpid()), s.shutdown(socket.SHUT_WR), s.recv(4), s.close()))(socket.socket(socket.AF_UNIX))")


_NAME = re.compile(r"[A-Za-z0-9_-]+(\.[0-9]+)?")


def hook_side(where: Path) -> str:
    """TELL for the socket `marks(where)` listens on (written into a hook before it listens)."""
    return TELL.format(sock=str(where / "m.sock"))


@contextlib.contextmanager
def marks(where: Path) -> Iterator[None]:
    """Listen at `where/m.sock` while the block runs."""
    path = where / "m.sock"
    assert len(str(path)) < 100, f"too long for a UNIX socket's path: {path}"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(16)
    server.settimeout(0.1)
    stop, claimed = threading.Event(), set()

    def answer(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            while chunk := conn.recv(256):
                data += chunk
            verb, _, name = data.decode(errors="replace").strip().partition(" ")
            assert _NAME.fullmatch(name), name
            if verb == "mark":
                (where / name).write_text("")
                conn.sendall(b"1")
            elif verb == "once":
                conn.sendall(b"0" if name in claimed else b"1")
                claimed.add(name)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with contextlib.suppress(OSError, AssertionError):
                answer(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)
        server.close()
        path.unlink()   # the next block binds it again
