"""What a program does itself while it is recorded: start processes, use the network, write files.

A Pulumi program that runs a command or talks to a host directly acts (or learns something) outside the
engine: nothing of it is a registration, so no policy sees it, and on the deploying machine it may create
or send data anywhere (`if not is_dry_run(): boto3.client("s3", region_name="us-east-1")...`). Closed
world: while the program's own code runs under the recorder, such an attempt is refused (the call raises
PermissionError) and noted; the recording then fails naming each one (exit 2), whoever asked (a thread
whose target is `os.system` has no program frame; the SDK and the gate do none of this while a program
runs). Looking up a loopback name is allowed; connecting is not, to loopback or a UNIX socket either
(round 4: a local agent on the deploying runner, a consul or a deploy daemon, answers there, the gate
machine has none), nor loading native code through `ctypes` (libc `getenv` reads past `os.environ`), nor
reading another view of the environment (`/proc/self/environ`). Files: the program may write inside
its own directory, except the files that decide how it is deployed and judged (`Pulumi*.yaml`,
`pyproject.toml`, `fixtures/`, and the records, packs and pack config the gate judges by, which a project
may keep beside its program, and the gate's output directory, round 37): a program rewriting its
backend, stack config, the records or a pack would change what the gate reads after the run, not what
`pulumi up` reads before it; nor may it read a file another recording of the same run wrote (round 4:
stack a leaves `build/region.txt` for stack b; round 37: in a hidden directory too), but a stack's update
may read what its preview left, unchanged (round 41: `pulumi up` runs the update on the preview's checkout).
Round 6: a path is checked on both ends of a rename or link, a symlink, mode, owner, time or directory
made outside the program's directory is refused like a write; `_posixsubprocess.fork_exec` (what
multiprocessing's spawn and forkserver call, no audit event of its own) is a process start; a profile or
trace hook (`sys.setprofile/settrace`, not clearing one) is refused; bytecode (`__pycache__`) another
recording of the run wrote is not read, and the recording writes none itself (`sys.dont_write_bytecode`).
An audit hook cannot be removed, so it stays installed and is inert outside a recording; the program may
add none (round 40), nor make a subinterpreter, which has hooks of its own. Round 42: `os.mknod`, `mkfifo`
and binding a UNIX socket's path make files, other binds listen (refused); `readline` and SQLite files are
read and written by C code unheard (refused). Round 43: the watch's settings and names are sealed while
the program runs (`gate.watch_seal`); the wrappers live in `gate.side_effect_seams`.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

import gate.side_effect_kinds as kinds
from gate import dir_fd, left_behind, read_probes, read_tracker, side_effect_seams, thread_states, watch_seal
from gate.dir_fd import UNPLACED, placed_event
from gate.environ import JUDGED_PATHS, RUN_OUT, RUN_STARTED
from gate.read_probes import LISTING, mark
from gate.read_tracker import ReadTracker
from gate.thread_states import NATIVE_CALLS

_EVENTS = MappingProxyType({"subprocess.Popen": "start the process", "os.system": "run the shell command",
           "os.exec": "exec", "os.posix_spawn": "spawn", "os.spawn": "spawn", "os.fork": "fork",
           "socket.getaddrinfo": "look up the host", "socket.gethostbyname": "look up the host",
           "socket.connect": "connect to", "socket.sendto": "send to", "socket.sendmsg": "send to",
           "open": "write", "os.remove": "remove", "os.rename": "rename", "os.rmdir": "remove",
           "os.truncate": "truncate", "ctypes.dlopen": "load native code through ctypes:",
           "ctypes.dlsym": "call native code through ctypes:",
           "ctypes.call_function": "call native code through ctypes:",
           "os.link": "link", "os.symlink": "make a symbolic link", "os.chmod": "change the mode of",
           "os.chown": "change the owner of", "os.mkdir": "make the directory",
           "os.utime": "change the time of", "os.kill": "", "os.killpg": "", "signal.pthread_kill": "",
           "os.setxattr": "set an attribute of", "os.removexattr": "remove an attribute of",
           "gate.mknod": "make the file node (os.mknod, os.mkfifo)", "socket.bind": "bind a UNIX socket at",
           "gate.fork_exec": "start the process", "sys.setprofile": "install a profile hook (sys.setprofile)",
           "sys.settrace": "install a trace hook (sys.settrace)",
           "cpython.PyInterpreterState_New": "create a subinterpreter (its reads, writes and environment are "
                                             "seen by no hook of the program's interpreter)",
           "import": "import", "gate.dir_fd": "open", "sqlite3.connect": "open the SQLite database",
           "sys.addaudithook": "add an audit hook (sys.addaudithook), which would run on every event of the "
                               "gate's own code after the program returns",
           "object.__setattr__": "change", "object.__delattr__": "change",
           "gate.listen": "listen on a socket it never bound",   # round 43; read-only
           "gate.probe": "look at", "os.listdir": "list", "os.scandir": "list",   # round 46
           "gate.state_read": "read a state through the gate's own reader (a StackReference reads one):"})
# Modules that run code in another interpreter (round 40): `_testcapi.run_in_subinterp` makes one while no
# thread state is current, so no hook of the program's interpreter hears of it; refused at import.
_SUBINTERPRETER = _EVENTS["cpython.PyInterpreterState_New"]
_SUBINTERPRETERS = frozenset({"_xxsubinterpreters", "_xxinterpchannels", "_interpreters", "_interpchannels",
                              "_interpqueues", "_testcapi", "_testinternalcapi"})
_UNHEARD = MappingProxyType({"readline": "whose C code reads and writes history files anywhere, heard by no "
                                         "hook"})   # round 42
_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_FILE_EVENTS = ("open", "os.remove", "os.rename", "os.rmdir", "os.truncate", "os.link", "os.symlink",
                "os.chmod", "os.chown", "os.mkdir", "os.utime", "os.setxattr", "os.removexattr", "gate.mknod")
_TWO_PATHS = ("os.rename", "os.link")   # (src, dst): both ends change what is there
_HOOKS = ("sys.setprofile", "sys.settrace")
_LOOKS = ("gate.probe", "os.listdir", "os.scandir")
_ENVIRON = re.compile(r"^/proc/(self|thread-self|\d+)(/task/\d+)?/environ$")


def _loopback(host: str) -> bool:
    return host in ("", "localhost", "::1", "0.0.0.0") or host.startswith("127.")


def _address(address: Any) -> str | None:
    """Where a connect/send goes: `host:port`, a UNIX socket's path; None for what is no address."""
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        return f"{address[0]}:{address[1]}" if len(address) > 1 else address[0]
    if isinstance(address, (str, bytes)) and address:
        return os.fsdecode(address).replace("\0", "@")   # an abstract UNIX socket starts with NUL
    return None


UNSAFE = "GATE_UNSAFE_PROGRAM_SIDE_EFFECTS"   # "1": allow them (tests of the engine's process handling)


class _Watch:
    program_file: Callable[[str], str] | None = None
    root: Path | None = None          # the program's directory: its own files may be written
    notes: list[str] = []
    own: set[str] = set()             # files this recording wrote (it may read them back)
    preview: dict[str, list[int]] = {}   # an update's: what its stack's preview left (path: fingerprint)
    hold = False                      # an update beside its preview: no file of the program's written
    held = False                      # one was refused so (the update is recorded again after its preview)
    judged: tuple[Path, ...] = ()     # what the gate judges by or writes: never the program's to write
    out: Path | None = None           # the gate's output directory (among `judged`): this run's states
    since = 0                         # files changed after this (ns) were written during this run
    installed = False
    clearing = 0                      # sys.setprofile(None)/settrace(None) under way: allowed


def _what(event: str, args: tuple[Any, ...], _native_calls: frozenset[Any] = NATIVE_CALLS) -> str | None:
    """A short description of the attempt; None when it is not one (a loopback look-up, a read)."""
    verb = _EVENTS[event]
    if event == "import":
        name = args[0] if args and isinstance(args[0], str) else ""
        if name in _UNHEARD:
            return f"import {name}, {_UNHEARD[name]}"
        if name.rpartition(".")[2] not in _SUBINTERPRETERS:
            return None
        return f"import {name}, which runs code in a subinterpreter no hook of the program's interpreter sees"
    if event == "sqlite3.connect":
        return kinds.database(args[0] if args else None)
    if event in kinds.SIGNALS:   # round 47
        return kinds.signal_sent(event, args)
    if event in ("object.__setattr__", "object.__delattr__"):
        return watch_seal.code_change(args)
    if event in _LOOKS:   # round 46: a stat or a listing of what another recording left (not an import's)
        own = left_behind.ours() or left_behind.in_makedirs(event, args[0] if args else None) \
            or read_probes.importing(sys._getframe(2))
        return None if own else _left_by_another(mark(LISTING, args[0] if args else None), event)
    if event == "gate.dir_fd" or (event == "open" and args and _misplaced(args)):
        return (f"open {os.fsdecode(args[0])} relative to a directory descriptor the gate cannot place "
                "(open it by its full path)")
    if event in _FILE_EVENTS:
        args = placed_event(event, args)
        if UNPLACED in args:
            return f"{verb} a path relative to a directory descriptor the gate cannot place (the full path)"
        return _file_change(event, verb, args)
    if event in ("os.fork", "sys.addaudithook"):
        return verb
    if event in _HOOKS:
        return None if _Watch.clearing else verb
    if event == "socket.bind":   # a UNIX socket's path is a file made there; any other, a place to be told
        where = args[1] if len(args) > 1 else None   # something by a process of the machine (round 42)
        made = isinstance(where, (str, bytes)) and where and where[:1] not in ("\0", b"\0")
        return _file_change(event, verb, (where,)) if made else f"listen at {_address(where) or repr(where)}"
    if event == "gate.listen":   # a name of its own was judged at its bind; none: a port of every address
        name = args[1] if len(args) > 1 else None
        bound = bool(name[1]) if isinstance(name, tuple) and len(name) > 1 else bool(name)
        return None if bound else f"{verb} (the kernel gives it a port of every address)"
    if event in ("socket.getaddrinfo", "socket.gethostbyname"):
        host = args[0].decode() if isinstance(args[0], bytes) else args[0]
        return None if not isinstance(host, str) or _loopback(host) else f"{verb} {host}"
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        where = _address(args[1] if len(args) > 1 else None)
        return f"{verb} {where}" if where else None
    if event == "ctypes.call_function" and args and args[0] in _native_calls:
        return None       # the gate's own reading of the interpreter's thread list (gate.thread_states)
    if event.startswith("ctypes."):
        return f"{verb} {str(args[1] if event == 'ctypes.dlsym' and len(args) > 1 else args[0])[:80]}"
    command = args[1] if event == "subprocess.Popen" and len(args) > 1 else args[0] if args else ""
    if isinstance(command, (list, tuple)):
        command = " ".join(os.fsdecode(c) if isinstance(c, bytes) else str(c) for c in command)
    return f"{verb} {str(command)[:80]}"


def _misplaced(args: tuple[Any, ...]) -> bool:
    """An `open` event of `os.open` (no mode) with a relative path while a program runs: the gate's
    `os.open` makes every path absolute (`_open`), so this one came past it, relative to a descriptor the
    event does not carry (round 40)."""
    return len(args) > 1 and args[1] is None and isinstance(args[0], (str, bytes)) \
        and not os.path.isabs(os.fsdecode(args[0]))


def _file_change(event: str, verb: str, args: tuple[Any, ...]) -> str | None:
    if event == "os.symlink":    # (src, dst): the link made is dst
        args = args[1:]
    if event in _TWO_PATHS and len(args) > 1:
        return _file_change(f"{event}:from", verb, args[:1]) or _file_change(f"{event}:to", verb, args[1:2])
    if event == "open" and isinstance(args[0], (str, bytes)) \
            and _ENVIRON.match(os.path.abspath(os.fsdecode(args[0]))):
        return f"read the process environment from {os.fsdecode(args[0])} (read variables by name instead)"
    if event == "open" and not (len(args) > 2 and isinstance(args[2], int) and args[2] & _WRITE):
        return _left_by_another(args[0])
    path = args[0]
    if isinstance(path, bytes):
        path = path.decode("utf-8", "replace")
    if not isinstance(path, str):
        return None       # a file descriptor
    target = Path(os.path.abspath(path))
    if event != "os.symlink" and ((target.suffix == ".pyc" and target.parent.name == "__pycache__")
                                  or (event == "os.mkdir" and target.name == "__pycache__")):
        return None       # the interpreter's bytecode cache (a program's own read back is checked)
    root = _Watch.root
    if root is not None and target.is_relative_to(root):
        rel = target.relative_to(root)
        protected = is_protected(rel) or _judged(target)
        if not protected and _Watch.hold:
            _Watch.held = True
            return f"{verb} {path} while its preview is recorded (the update is recorded again after it)"
        over = None if protected else left_behind.over(event, args, str(target), _Watch.since, *_owned())
        if over:   # round 47: what another recording left, learnt by changing it
            return None if over == left_behind.KEPT else f"{verb} {rel.as_posix()}, {over}"
        if not protected:
            _Watch.own.add(str(target))
            if _SEALED[0] is not None:
                _SEALED[0].own.add(str(target))
            return None
    return f"{verb} {path}"


def _owned() -> tuple[set[str], dict[str, list[int]]]:
    sealed = _SEALED[0]   # while a program runs, what its recording wrote is the seal's word (round 43)
    return (sealed.own, sealed.preview) if sealed is not None else (_Watch.own, _Watch.preview)


def is_protected(rel: Path) -> bool:
    """A file of the program's directory (`rel` to it) the program may not write: a stack config,
    `pyproject.toml`, an invoke fixture (what the gate judges by besides: `_Watch.judged`)."""
    return (rel.name.startswith("Pulumi.") and rel.suffix in (".yaml", ".yml")) \
        or rel.name == "pyproject.toml" or "fixtures" in rel.parts[:-1]


def _left_by_another(path: Any, event: str = "open") -> str | None:
    """A file of the program's directory that another recording of this run wrote (round 4): stack a
    writes `build/region.txt`, stack b reads it; a deploy of b on a clean checkout has no such file, so
    the recording would judge what is not deployed. Known by its status change (after the run began,
    gate.left_behind) and by not being one this recording wrote, where `_checked`; a stat of it or a
    listing of its directory too (round 46). The environment the run creates or syncs is ready
    before `since` (the gate takes it then). Bytecode caches are the program's (round 6: stack a compiles
    an unchecked `.pyc` of a component for stack b), and the recording does not write bytecode itself, so
    one changed during the run is another recording's."""
    root = _Watch.root
    if root is None or not _Watch.since or not isinstance(path, (str, bytes)):
        return None
    target = os.path.abspath(os.fsdecode(path)[event != "open":])   # a probe's and a listing's are marked
    own, preview = _owned()
    listing = event in ("os.listdir", "os.scandir")   # the program's directory itself too (its entries)
    if target in own or not (_checked(target, str(root)) or (listing and target == str(root))):
        return None
    inside = target == str(root) or target.startswith(str(root) + os.sep)   # a listing outside: --out's
    rel = Path(target).relative_to(root) if inside else Path(target)
    how = " (a deploy of this stack from a clean checkout does not have it): generate it in every run " \
          "before reading it, or commit it"
    if listing:
        name = left_behind.listed(target, _Watch.since, own, preview, lambda p: _checked(p, str(root)))
        return None if name is None else \
            f"list {rel.as_posix()}, where another recording of this run wrote {name}{how}"
    if not left_behind.left(target, _Watch.since, own, preview):
        return None      # older than the run, or as this stack's preview left it (`pulumi up` reads that)
    return f"{'look at' if event == 'gate.probe' else 'read'} {rel.as_posix()}, which another recording of " \
           f"this run wrote{how}"


def written() -> list[str]:
    """The files the last recording of this process wrote in its program's directory (gate.runner gives
    those of a preview to its stack's update, round 41)."""
    return sorted(_Watch.own)


def preview_left(files: dict[str, list[int]]) -> None:
    """An update recording may read what its stack's preview wrote, as `pulumi up` runs its update on the
    checkout its preview left (round 41), but only as the preview left it (`fingerprint`, taken by the
    gate when the preview ended): another recording's rewrite is still refused."""
    _Watch.preview = {path: list(fp) for path, fp in files.items()}


def hold_writes(hold: bool) -> None:
    """An update recorded beside its preview writes no file of its program (it would be the preview's to
    find), and `held` says it tried (round 41)."""
    _Watch.hold, _Watch.held = hold, False


def held() -> bool:
    return _Watch.held


def _judged(target: Path) -> bool:
    return any(target == p or target.is_relative_to(p) for p in _Watch.judged)


def _checked(target: str, root: str) -> bool:
    """Whether a read of `target` is checked: a file of the program's directory, hidden directories too
    (round 37: `.data/` went unseen), but none the program may not write (`_Watch.judged`: the packs,
    records, the gate and its environments), which is no other recording's; and the gate's output
    directory wherever it lies (round 37), where the run keeps each recorded state: there only the
    recorder's read of one for a StackReference (`ReadTracker.state_outputs`, told by the frame that
    opens it: round 45) is the gate's, the program opening it itself reads what another recording left."""
    out = _Watch.out
    if out is not None and target.startswith(str(out) + os.sep):
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals is _OWN_NAMES:   # past the watch's own frames
            frame = frame.f_back
        return not ReadTracker.reads_state(frame, target)
    return target.startswith(root + os.sep) and not _judged(Path(target))


def _program_site() -> str:
    frame: Any = sys._getframe(2)
    while frame is not None:
        file = _Watch.program_file(Path(frame.f_code.co_filename).resolve().as_uri()) \
            if not frame.f_code.co_filename.startswith("<") else ""
        if file:
            return f"{file}:{frame.f_lineno}"
        frame = frame.f_back
    return ""


_SEALED: list[watch_seal.Seal | None] = [None]   # the watch as the gate set it, while a program runs
# the names of the modules the watch decides by, which the seal compares (round 43)
_OWN_NAMES = vars(sys.modules[__name__])
_NAMES = tuple(vars(m) for m in (sys.modules[__name__], dir_fd, read_probes, side_effect_seams, thread_states,
                                 watch_seal, read_tracker, left_behind, kinds))   # 45; 46; 47
_CLASSES = (ReadTracker,)   # round 44: what the stack cache is told was read


def _hook(event: str, args: tuple[Any, ...], _events: frozenset[str] = frozenset(_EVENTS),
          _watch: type = _Watch, _describe: Callable[[str, tuple[Any, ...]], str | None] = _what,
          _sealed: list[Any] = _SEALED, _names: tuple[dict[str, Any], ...] = _NAMES,
          _broken: Callable[..., str | None] = watch_seal.broken,
          _classes: tuple[type, ...] = _CLASSES) -> None:
    """Bound to its helpers at definition: a program replacing `gate.side_effects._what` changes nothing
    here (and is caught by gate.integrity); one editing the watch's settings or names is refused at the
    next event it makes heard, the watch put back (round 43)."""
    if event not in _events:
        return
    seal = _sealed[0]
    if seal is None and _watch.program_file is None:
        return
    changed = _broken(seal, _watch, _names, _classes) if seal is not None else None
    what = _describe(event, args)   # as the gate set the watch: `_broken` put it back (noted at the end)
    if what and changed:
        what = f"{what}, after it changed {changed}"
    if what:   # whoever asks: a thread whose target is os.system has no program frame on its stack
        site = _program_site() or "(outside the program's own files)"
        _watch.notes.append(f"{site}: the program tries to {what}")
        raise PermissionError(f"the offline gate does not let a program {what} while it is recorded")


@contextmanager
def refusing_side_effects(program_file: Callable[[str], str], notes: list[str],
                          root: Path | None = None) -> Iterator[None]:
    """Refuse and note (in `notes`) the program's own process starts, network use and file changes
    outside `root` (its directory) for the duration."""
    if os.environ.get(UNSAFE) == "1":   # read before the program runs; the engine's own process tests
        yield
        return
    if _SEALED[0] is not None:   # the program, entering it again with a root of its own (round 43)
        _Watch.notes.append("(the gate's watch): the program tries to change the gate's watch (entered "
                            "again)")
        raise PermissionError("the offline gate does not let a program change its watch while it is recorded")
    if not _Watch.installed:
        sys.addaudithook(_hook)
        side_effect_seams.install(_Watch)
        _Watch.installed = True
    _Watch.program_file, _Watch.notes, _Watch.root = program_file, notes, root
    _Watch.own, _Watch.since = set(), int(os.environ.get(RUN_STARTED, "0") or 0)
    _Watch.judged = tuple(Path(p) for p in os.environ.get(JUDGED_PATHS, "").split(os.pathsep) if p)
    _Watch.out = Path(os.environ[RUN_OUT]) if os.environ.get(RUN_OUT) else None
    bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    children, interpreters = _children(), thread_states.interpreters()
    seal = _SEALED[0] = watch_seal.Seal(_Watch, _NAMES, _CLASSES)
    try:
        yield
    finally:
        watch_seal.broken(seal, _Watch, _NAMES, _CLASSES)   # the names put back first: `_SEALED` among them
        changed = watch_seal.noted(seal)
        if changed:
            notes.append(f"(the gate's watch, at the program's end): the program tries to {changed}")
        _SEALED[0], _Watch.own = None, set(seal.own)
        _Watch.program_file = _Watch.root = None
        sys.dont_write_bytecode = bytecode
        if thread_states.interpreters() > interpreters:   # made past the refused imports (round 40)
            notes.append(f"(a subinterpreter the program left): the program tries to {_SUBINTERPRETER}")
        if _children() != children:   # a process started past every seam (a re-imported _posixsubprocess)
            notes.append("(a child process of the recording): the program tries to start a process the gate "
                         "could not refuse")


def _children() -> tuple[int, frozenset[str]]:
    """Page faults of the waited-for children (any process that ran has some) and the live children."""
    import resource

    live: set[str] = set()
    for tasks in Path("/proc/self/task").glob("*/children"):
        with contextlib.suppress(OSError):
            live.update(tasks.read_text().split())
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt, frozenset(live)
