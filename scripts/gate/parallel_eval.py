"""Judging a large state in forked worker processes: the same findings, in the same order, sooner.

After the state, the packs and every view are loaded, the gate forks N - 1 workers, which share all of
it copy-on-write. The work is cut into numbered parts: each stack policy, then contiguous ranges of
resources of about equal work. The numbers sit in a pipe; the gate process and the workers take the next
one when free (stack policies first: the large indivisible parts; the first one in the gate process
before the fork, so what packs build once for all stack policies is built once and shared). Each worker
runs under a watchdog of its own (per-policy deadlines apply as in one process), sends its findings back as
plain data (nothing but containers, strings and numbers is unpickled) and exits. The parent merges them
part by part: order, counts and "not run on the remaining resources" are those of the sequential run (a
policy that overran in one range has its findings in the later ranges dropped, as it would not have run
there).

Fail closed: a worker that dies, is killed, exits other than through its result, sends anything but
findings on the parts it took, or leaves a part untaken ends the evaluation with WorkerFailed (an
internal error, exit 3); the other workers are killed.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import pickle
import selectors
import signal
import struct
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from gate.deadlines import _hard_exit, watchdog
from gate.env_values import MAX_PROCESSES, count
from gate.errors import GateError, limit_line, refused_by_limit
from gate.model import Violation
from gate.procs import INTERRUPTS, signals_deferred, tie_to

MIN_RESOURCES = 5000     # below this, forking costs more than it saves (docs/gate-performance.md)
_HEADER = struct.Struct(">Q")
_TICKET = struct.Struct(">H")
CHUNKS_PER_WORKER = 8    # ranges per worker: whoever is free takes the next (balances uneven parts)
_FIELDS = 10            # gate.model.Violation's fields
_STRINGS = (str,) * 7   # the first seven are strings
_POLL = 0.2              # seconds between checks that a silent worker is still alive
_LIMITED = 75            # a worker's exit: the kernel refused it a thread (EX_TEMPFAIL)


class WorkerFailed(Exception):
    """A worker did not deliver its findings: the evaluation is incomplete (internal error, exit 3)."""


class LimitReached(GateError):
    """The kernel refused a worker or a worker's thread (`RLIMIT_NPROC`, memory): a limit the run hit, not
    a gate bug (exit 2, round 27: the refused fork read as a file's error, the thread as exit 3)."""


def workers(jobs: int, resources: int) -> int:
    """How many processes judge a state of `resources`: the gate's jobs, at most one per CPU, and one
    for a small state. GATE_EVAL_WORKERS=N forces N (tests, measurements)."""
    forced = forced_workers()
    if forced:
        return forced
    n = min(max(1, jobs), os.cpu_count() or 1)
    return n if resources >= MIN_RESOURCES else 1


def forced_workers() -> int:
    """GATE_EVAL_WORKERS, or 0 when unset."""
    return count("GATE_EVAL_WORKERS", 0, most=MAX_PROCESSES)


def run_parallel(loop: Any, bound: list[Any], n: int, dog: Any) -> None:
    """Run `loop` (gate.policy_loop.Loop) in this process (under `dog`) and `n` - 1 forked workers; merge
    their findings into `bound` in the sequential order."""
    ranged = {id(b) for b in loop.ranged}   # judged with the resources, range by range
    stacks = [b for b in loop.stack_policies if id(b) not in ranged]
    ranges = _split(loop, n * CHUNKS_PER_WORKER)
    index = {id(b): i for i, b in enumerate(bound)}
    whole = {index[i] for i in ranged}   # ranged policies: a finding on the stack itself (-1) is theirs too
    tickets = _Tickets(len(stacks) + len(ranges))

    def serve(dog: Any, plain: bool, limit: int = -1) -> list[Any]:
        """Take tickets until none is left (or `limit` taken): stack policies first (the large indivisible
        pieces), then ranges; one result per ticket: (ticket, [(policy, [(resource, finding)])], stopped
        policies)."""
        done = []
        while len(done) != limit and (t := tickets.take()) is not None:
            dog.busy = True
            stopped = set()
            if t >= len(stacks):
                stopped = loop.resource_range(dog, *ranges[t - len(stacks)])
                stopped |= loop.stack_range(dog, *ranges[t - len(stacks)])
            if t < len(stacks):
                loop.stack(dog, [stacks[t]])
            dog.busy = False
            found = []
            for b in bound:
                if b.found:
                    found.append((index[id(b)], [(i, _fields(v)) for i, v in b.found] if plain else b.found))
                    b.found = []
            done.append((t, found, sorted(index[i] for i in stopped)))
        return done

    def work() -> Any:
        with watchdog(loop.seconds) as own:
            return serve(own, True)

    with tickets:
        # The first stack policy runs before the fork: what packs build once for every stack policy (a
        # graph of the stack, say) is then built once and shared, not again in each worker. Its findings
        # are taken out of the policies (serve) before the children inherit them. So are the indexes of the
        # ranged ones (an empty range reports nothing).
        mine = serve(dog, False, 1) if stacks else []
        dog.busy = True
        loop.stack_range(dog, 0, 0)
        dog.busy = False
        with forked([work] * (n - 1)) as collect:
            mine += serve(dog, False)
            results = collect()
    stack_ids = {index[id(b)]: t for t, b in enumerate(stacks)}
    per_ticket = {t: (found, stopped) for t, found, stopped in mine}
    for k, result in enumerate(results, start=1):
        for t, found, stopped in _check(result, bound, stack_ids, ranges, k, whole):
            if t in per_ticket:
                raise WorkerFailed(f"evaluation worker {k} sent a part twice; evaluation incomplete")
            per_ticket[t] = (found, stopped)
    if len(per_ticket) != tickets.count:
        raise WorkerFailed("a part of the evaluation was not run by any worker; evaluation incomplete")
    _merge(bound, [per_ticket[t] for t in range(tickets.count)])


def _merge(bound: list[Any], parts: list[tuple[list[Any], list[int]]]) -> None:
    """Findings in ticket order (stack policies, then ranges in resource order), as the sequential run."""
    dead: set[int] = set()
    for found, stopped in parts:
        for j, items in found:
            if j in dead:
                continue       # overran in an earlier range: sequentially, it would not have run here
            if items and type(items[0][1]) is Violation:   # this process's own
                bound[j].found.extend(items)
            else:
                bound[j].found.extend([(res_index, Violation(*v)) for res_index, v in items])
        dead.update(stopped)
    for b in bound:
        b.run.violations = len(b.found)


class _Tickets:
    """Numbered parts of the work in a pipe, taken by whichever process is free (os.read of 2 bytes
    from a pipe is atomic); end of file when all are taken."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._read, write = os.pipe()
        try:
            data = b"".join(_TICKET.pack(t) for t in range(count))
            if len(data) > 65536:
                raise ValueError(f"{count} parts: more than a pipe holds")
            os.write(write, data)
        finally:
            os.close(write)

    def take(self) -> int | None:
        data = os.read(self._read, _TICKET.size)
        if len(data) != _TICKET.size:
            return None
        (t,) = _TICKET.unpack(data)
        return t if t < self.count else None

    def __enter__(self) -> _Tickets:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self._read)


def _fields(v: Violation) -> tuple[Any, ...]:
    """A finding as plain data (rebuilt with Violation(*fields))."""
    return (v.pack, v.policy, v.level, v.severity, v.urn, v.type, v.message, v.waiver, v.source,
            v.source_chain)


def _split(loop: Any, n: int) -> list[tuple[int, int]]:
    """`n` contiguous ranges of resources with about the same number of policy calls each."""
    policies = loop.resource_policies
    applicable = {t: sum(1 for b in policies if b.types is None or t in b.types)
                  for t in {r.type for r in loop.resources}}
    weights = [applicable[r.type] + 1 + len(loop.ranged) for r in loop.resources]
    total, acc, cuts = sum(weights), 0, [0]
    for i, w in enumerate(weights):
        acc += w
        while len(cuts) < n and acc * n >= total * len(cuts):
            cuts.append(i + 1)
    cuts += [len(weights)] * (n + 1 - len(cuts))
    return list(itertools.pairwise(cuts))


def _check(result: Any, bound: list[Any], stack_ids: dict[int, int], ranges: list[tuple[int, int]],
           k: int, whole: set[int]) -> list[tuple[int, list[Any], list[int]]]:
    """A worker's result, if it has the shape of its findings on the parts it took; WorkerFailed otherwise."""
    def bad(why: str) -> WorkerFailed:
        return WorkerFailed(f"evaluation worker {k} sent an invalid result ({why}); evaluation incomplete")

    if not isinstance(result, list):
        raise bad("not a list of parts")
    for part in result:
        if not (isinstance(part, tuple) and len(part) == 3 and type(part[0]) is int
                and 0 <= part[0] < len(stack_ids) + len(ranges) and isinstance(part[1], list)
                and isinstance(part[2], list)):
            raise bad("a malformed part")
        t, found, stopped = part
        span = ranges[t - len(stack_ids)] if t >= len(stack_ids) else (-1, -1)
        for entry in found:
            if not (isinstance(entry, tuple) and len(entry) == 2 and type(entry[0]) is int
                    and 0 <= entry[0] < len(bound) and isinstance(entry[1], list)):
                raise bad("a malformed policy entry")
            j, items = entry
            if stack_ids.get(j, t) != t or (t < len(stack_ids) and j not in stack_ids):
                raise bad(f"findings of policy {bound[j].policy.name!r} in a part that did not run it")
            for item in items:
                if not (type(item) is tuple and len(item) == 2 and type(item[0]) is int
                        and type(item[1]) is tuple and len(item[1]) == _FIELDS
                        and tuple(map(type, item[1][:7])) == _STRINGS):
                    raise bad("a malformed finding")
                inside = span[0] <= item[0] < span[1] or (j in whole and item[0] == -1)
                if j not in stack_ids and not inside:
                    raise bad("a finding on a resource outside its range")
        if not all(type(j) is int and 0 <= j < len(bound) and j not in stack_ids for j in stopped):
            raise bad("a malformed list of stopped policies")
    return result


class _PlainData(pickle.Unpickler):
    """Unpickles a worker's result: containers, numbers and strings only (no class, no code)."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def run_forked(tasks: list[Callable[[], Any]]) -> list[Any]:
    """Each task's result, computed in a forked child; WorkerFailed unless every child delivered one."""
    with forked(tasks) as collect:
        return collect()


@contextmanager
def forked(tasks: list[Callable[[], Any]]) -> Iterator[Callable[[], list[Any]]]:
    """Fork one child per task now; `collect()` waits for their results (task order). Leaving the block
    kills and reaps every child (on error or interruption too)."""
    for stream in (sys.stdout, sys.stderr):   # else buffered output would be written by every child too
        stream.flush()
    children: list[tuple[int, int]] = []

    def collect() -> list[Any]:
        results = []
        for k, data in enumerate(_collect(children), start=1):
            try:
                results.append(_PlainData(io.BytesIO(data)).load())
            except Exception as exc:
                raise WorkerFailed(f"evaluation worker {k} sent an unreadable result ({exc})") from None
        return results

    try:
        for task in tasks:
            with signals_deferred():   # round 27: an interrupt between the fork and the note left it running
                children.append(_fork(task))
        yield collect
    finally:
        for pid, fd in children:
            _close(fd)
            _reap(pid, kill=True)


def _fork(task: Callable[[], Any]) -> tuple[int, int]:
    r, w = os.pipe()
    # round 25: a gate killed outright left its workers judging (or reading a state) for no one; the
    # thread that forks them ends them before it returns, so the kernel's tie to it is the gate's
    tie = tie_to(os.getpid())
    try:
        pid = os.fork()
    except OSError as exc:   # EAGAIN (RLIMIT_NPROC) or ENOMEM
        _close(r)
        _close(w)
        raise LimitReached(limit_line("an evaluation worker", exc)) from exc
    if pid == 0:   # the child: never returns into the caller's code (no cleanup, no publishing)
        code = 70
        try:
            tie()
            os.close(r)
            for sig in INTERRUPTS:   # die with the gate, not run its handlers
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)   # blocked around the fork
            data = pickle.dumps(task(), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(_HEADER.pack(len(data)) + data)
            while view:
                view = view[os.write(w, view):]
            os.close(w)   # end of file with a whole result: the gate need not wait for this exit
            code = 0
        except BaseException as exc:
            if refused_by_limit(exc):   # the gate names the limit, in one line
                code = _LIMITED
            else:
                line = f"gate: evaluation worker: {type(exc).__name__}: {exc}\n"
                os.write(2, line.encode(errors="replace"))
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(BaseException):
                    stream.flush()
            _hard_exit(code)
    os.close(w)
    os.set_blocking(r, False)
    return pid, r


def _collect(children: list[tuple[int, int]]) -> list[bytes]:
    """Read every child's result; a child that exits without a whole one (or with a code) fails."""
    buffers = {fd: bytearray() for _, fd in children}
    done: dict[int, bytes] = {}
    pending = dict(children)   # pid -> fd
    with selectors.DefaultSelector() as sel:
        for _, fd in children:
            sel.register(fd, selectors.EVENT_READ)
        ended: set[int] = set()
        while pending:
            for key, _ in sel.select(_POLL):
                if not _drain(key.fd, buffers[key.fd]):
                    sel.unregister(key.fd)       # end of file: a whole result, or wait for the exit below
                    ended.add(key.fd)
            for pid, fd in list(pending.items()):
                status = _reap(pid, kill=False)
                if status is None and fd in ended and _whole(buffers[fd]) is not None:
                    status = 0   # delivered and closed; a child stuck flushing after it is killed on leaving
                if status is None:
                    continue
                _drain(fd, buffers[fd])
                whole = _whole(buffers[fd])
                k = next(i for i, (p, _) in enumerate(children, start=1) if p == pid)
                if status == _LIMITED:
                    raise LimitReached(limit_line(f"evaluation worker {k}", "it could not start a thread"))
                if status != 0 or whole is None:
                    how = f"was killed by signal {-status}" if status < 0 else f"exited with code {status}"
                    raise WorkerFailed(f"evaluation worker {k} {how} without delivering its findings; "
                                       "evaluation incomplete")
                done[fd] = whole
                if fd in sel.get_map():
                    sel.unregister(fd)
                del pending[pid]
    return [done[fd] for _, fd in children]


def _drain(fd: int, buffer: bytearray) -> bool:
    """Append what can be read now; False at end of file."""
    while True:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return True
        except OSError:
            return False
        if not chunk:
            return False
        buffer += chunk


def _whole(buffer: bytearray) -> bytes | None:
    """The payload once header and payload have both arrived (and nothing more), else None."""
    if len(buffer) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack_from(buffer)
    return bytes(buffer[_HEADER.size:]) if len(buffer) == _HEADER.size + size else None


_reaped: dict[int, int] = {}


def _reap(pid: int, *, kill: bool) -> int | None:
    """The child's exit code (negative: killed by that signal), None while it runs (kill=False)."""
    if pid in _reaped:
        return _reaped.pop(pid) if kill else _reaped[pid]
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    try:
        got, status = os.waitpid(pid, 0 if kill else os.WNOHANG)
    except ChildProcessError:
        return -1
    if got == 0:
        return None
    code = os.waitstatus_to_exitcode(status)
    if not kill:
        _reaped[pid] = code
    return code


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
