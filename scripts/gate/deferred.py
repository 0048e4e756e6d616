"""Code a program leaves to run later: run it inside the recording, or refuse to judge the program.

A real deploy keeps the language host alive far longer than an offline recording (the engine's
`SignalAndWaitForShutdown` returns only when every step is done), so whatever the program schedules for
later can still register resources then: a daemon thread, an asyncio task or timer nobody awaits, a
signal handler or a pending `signal.alarm`. The recording cannot know when (or whether) that code runs,
so it fails naming it (closed world). Code for interpreter exit (`atexit.register`, `weakref.finalize`)
and `__del__` of garbage cycles run once the program returns, inside the recording, so what they
register is judged; non-daemon threads are waited for, as the interpreter waits for them. Round 6: code
for threading's shutdown (`threading._register_atexit`) runs there too, work the program handed to a thread
pool (`loop.run_in_executor`) is waited for like a thread, a thread that waits for the main thread to end
(it runs only at interpreter exit) and a profile or trace hook left for the gate's own code are refused.
Round 22: a thread started with `_thread.start_new_thread` is in no list of threading's, so neither
joined nor seen as a daemon; one still running when the program ends is refused like a daemon thread,
and so is a callback left waiting on the event loop for a file descriptor (`add_reader`/`add_writer`, a
server): whatever writes to it later (a `faulthandler` watchdog, a peer) runs it while a deploy runs.
A pool worker's `initializer` is waited for like its work, and grpc's channel threads (a call or
subscription the program left pending) are the program's, not the runtime's. Round 30: such a thread is
told by identity (each thread state, with its outermost frame), not by a count that a runtime thread
ending, or an entry the program put in threading's list, cancelled out. Round 33: and by the kernel's
thread (its id and start), which a thread taking an ended one's ident does not share; threading's
records (a `Thread`'s ident, target, an entry in `threading._active`) are the program's to forge, so a
thread is threading's, or a pool's worker, only when its own frames say so. Session 37: a thread started
but not yet run by the kernel is in none of the interpreter's lists but one (gate.thread_states); it is
waited for.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import gc
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import thread as _pool
from typing import Any

from gate import thread_states
from gate.errors import ProgramError

_RUNTIME_THREADS = ("concurrent.futures", "grpc")
_RUNTIME_CODE = ("pulumi", "grpc", "gate", "asyncio", "concurrent", "google", "threading", "functools")
_HOW = "what it does while a real deploy is still running cannot be recorded"
_ENDING = 2.0   # seconds a thread on its way out is given (a loaded host), before it counts as left running
# the code a thread threading started runs first, and a pool's worker under it: taken when the gate is
# imported, before any program (which may replace the functions, not the frames already running them)
_BOOTSTRAP = threading.Thread._bootstrap.__code__
_RUN = threading.Thread.run.__code__
_POOL_WORKER = _pool._worker.__code__


def _executor_worker(thread: threading.Thread) -> bool:
    """A thread pool's worker (the SDK's and asyncio's executors) or grpc's poller (the SDK's callback
    server): the runtime's, told to stop at exit, neither joined nor refused. Round 22: not grpc's
    channel threads, which only a future, streaming call or subscription starts — the SDK makes none, a
    program's run its callbacks whenever the call ends. Round 33: told by the thread's own frames (its
    `run` calls the pool's `_worker`), not by its `_target`, which the program may swap once it runs;
    grpc's poller runs C code only, so its `run` has no frame above it."""
    frame, called = sys._current_frames().get(thread.ident or -1), None
    while frame is not None and not (frame.f_code is _RUN and frame.f_locals.get("self") is thread):
        frame, called = frame.f_back, frame
    if frame is None:
        return False
    if called is not None:
        return called.f_code is _POOL_WORKER
    return _grpc_poller_thread(thread)


def _grpc_poller_thread(thread: threading.Thread) -> bool:
    from grpc._cython import cygrpc

    target = getattr(thread, "_target", None)
    return isinstance(getattr(target, "__self__", None), cygrpc.PollerCompletionQueue)


def _channel_thread(thread: threading.Thread) -> bool:
    """grpc's thread for a channel's call or subscription (a `cygrpc.ForkManagedThread`: its target is
    run through `_run_with_context`; the callback server's poller is `PollerCompletionQueue`'s)."""
    target = getattr(thread, "_target", None)
    return (getattr(target, "__module__", None) or "").startswith("grpc._cython") \
        and (getattr(target, "__qualname__", None) or "").startswith("_run_with_context")


def _left_running(thread: threading.Thread) -> str:
    """Why a daemon thread still running fails the recording, and what to do instead."""
    target = getattr(thread, "_target", thread)
    if _channel_thread(thread):
        return ("a gRPC call or subscription the program left pending on a channel it opened is still "
                f"waiting when the program ends (grpc's thread runs its callbacks then); {_HOW}: close the "
                "channel first")
    return (f"a daemon thread the program started ({_name(target)}) is still running when the program ends; "
            f"{_HOW}: join it first")


def _name(fn: Any) -> str:
    code = getattr(fn, "__code__", None) or getattr(fn, "cr_code", None)
    where = f" at {code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno}" if code else ""
    return f"{getattr(fn, '__qualname__', type(fn).__name__)}{where}"


def _program_work() -> list[Any]:
    """Program functions queued in or run by a thread pool's worker (`loop.run_in_executor(None, f)`): the
    pool's threads are the runtime's, the work is the program's (round 6: it registered after main). Round
    22: so is a worker's `initializer` while it runs (Python code above the worker's frame; an idle worker
    waits in C), even in a thread the program started on `concurrent.futures.thread._worker` itself."""
    if any(q.qsize() for t, q in list(_pool._threads_queues.items()) if t.is_alive()):
        return ["(queued work)"]   # whose is known once a worker takes it (a dead one's stop mark stays)
    fns = []
    for frame in sys._current_frames().values():
        innermost = frame
        while frame is not None:
            if frame.f_code is _pool._WorkItem.run.__code__:
                fn = getattr(frame.f_locals.get("self"), "fn", None)
                fns.append(getattr(fn, "func", fn))
            elif frame.f_code is _pool._worker.__code__ and frame is not innermost:
                fns.append(frame.f_locals.get("initializer"))
            frame = frame.f_back
    return [f for f in fns
            if f is not None and not (getattr(f, "__module__", None) or "").startswith(_RUNTIME_CODE)]


def _waits_for_main(thread: threading.Thread) -> bool:
    """A thread blocked in `threading.main_thread().join()`: what follows runs only at interpreter exit."""
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if frame.f_code.co_name in ("join", "_wait_for_tstate_lock") \
                and frame.f_locals.get("self") is threading.main_thread():
            return True
        frame = frame.f_back
    return False


def _threadings(ident: int, outermost: Any) -> bool:
    """Threading lists a live `Thread` under `ident`, and the thread there runs that very `Thread`'s
    bootstrap (round 33: a listed object's ident, started event and tstate lock are the program's to set;
    the frame a thread started from is not)."""
    listed = threading._active.get(ident)
    return isinstance(listed, threading.Thread) and not isinstance(listed, threading._DummyThread) \
        and outermost is not None and outermost.f_code is _BOOTSTRAP \
        and outermost.f_locals.get("self") is listed and listed.ident == ident and listed.is_alive()


def _unlisted(before: dict[int, tuple[Any, Any]]) -> list[int]:
    """Threads running now that are neither running since `before` (same ident, outermost frame and kernel
    thread) nor threading's (then threading's checks join or refuse it). Round 30: a count of `_thread`
    threads was compared, so a runtime thread ending made room for the program's, and an entry the program
    put in threading's list cancelled one out."""
    found = []
    for ident, (outermost, kernel) in thread_states.states().items():
        then = before.get(ident)
        if then is not None and then[0] is outermost and then[1] == kernel:
            continue
        if not _threadings(ident, outermost):
            found.append(ident)
    return found


def _settled_states() -> dict[int, Any]:
    """`thread_states.states()` once no thread is waiting to begin and frameless threads threading does not
    list have gone (polled for `_ENDING`): one on its way out past its last frame, kept in the baseline,
    would let a frameless thread of the program that takes its ident pass. Threads with a frame are kept as
    they are, not waited for: a test runner's own `_thread` threads (execnet's) never end, and waiting for
    them cost every in-process recording two seconds (session 34)."""
    deadline = time.monotonic() + _ENDING
    while True:
        states = thread_states.states()
        settled = not thread_states.unborn() \
            and all(states.get(i, (None,))[0] is not None for i in _unlisted({}))
        if settled or time.monotonic() > deadline:
            return states
        time.sleep(0.01)


def _unlisted_name(ident: int) -> str:
    """The outermost function of a thread threading does not list (what `start_new_thread` ran)."""
    frame = thread_states.outermost(sys._current_frames().get(ident))
    if frame is None:
        return "a thread without a Python frame"
    code = frame.f_code
    return f"{code.co_qualname} at {code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno}"


def _watched(loop: asyncio.AbstractEventLoop) -> dict[int, Any]:
    """The file descriptors the event loop waits on, with their (reader, writer) handles."""
    selector = getattr(loop, "_selector", None)
    return {key.fd: key.data for key in selector.get_map().values()} if selector is not None else {}


def _grpc_poller(handle: Any) -> bool:
    """grpc.aio's completion-queue reader (the SDK's callback server, started by the program's first
    transform or hook): it runs grpc's events only; a call it serves is a task the loop check sees."""
    from grpc._cython import cygrpc

    fn = getattr(handle._callback, "func", handle._callback)
    return isinstance(getattr(fn, "__self__", None), cygrpc.PollerCompletionQueue)


def _handlers() -> dict[int, Any]:
    return {s: signal.getsignal(s) for s in signal.valid_signals()
            if s not in (signal.SIGKILL, signal.SIGSTOP)}


def _hooks() -> tuple[Any, ...]:
    return (sys.getprofile(), sys.gettrace(), getattr(threading, "_profile_hook", None),
            getattr(threading, "_trace_hook", None))


class Settling:
    """Wraps the program: `run` (inside the SDK's stack) runs it, its exit-time code and waits for its
    threads; `check` (after the SDK finished) fails on what it left running or armed."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.exit_calls: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []
        self.threads: set[threading.Thread] = set()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.signals: dict[int, Any] = {}
        self.finalizers: set[Any] = set()
        self.scheduled: set[Any] = set()
        self.at_exit = 0
        self.hooks: tuple[Any, ...] = ()
        self.thread_exit = 0
        self.states: dict[int, tuple[Any, Any]] = {}
        self.fds: set[int] = set()

    def run(self) -> Any:
        self.threads = set(threading.enumerate())
        self.states = _settled_states()
        with contextlib.suppress(RuntimeError):
            self.tasks = set(asyncio.all_tasks())
            loop = asyncio.get_running_loop()
            self.scheduled = {*getattr(loop, "_scheduled", ()), *getattr(loop, "_ready", ())}
            self.fds = set(_watched(loop))
        self.signals = _handlers()
        self.finalizers = set(getattr(weakref.finalize, "_registry", {}))
        self.at_exit = atexit._ncallbacks()
        self.hooks = _hooks()
        self.thread_exit = len(getattr(threading, "_threading_atexits", ()))
        with self._capturing_atexit():
            result = self.fn()
            self._join_threads()
            self._run_exit_code()
            while self.exit_calls or self._finalizers():   # what exit-time code left, again
                self._run_exit_code()
        return result

    @contextlib.contextmanager
    def _capturing_atexit(self) -> Iterator[None]:
        real, real_threading = atexit.register, threading._register_atexit   # type: ignore[attr-defined]

        def register(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
            self.exit_calls.append((func, args, kwargs))
            return func

        def register_threading(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
            self.exit_calls.append((func, args, kwargs))   # threading's shutdown runs before atexit's

        atexit.register = register   # type: ignore[assignment]
        threading._register_atexit = register_threading   # type: ignore[attr-defined]
        try:
            yield
        finally:
            atexit.register = real   # type: ignore[assignment]
            threading._register_atexit = real_threading   # type: ignore[attr-defined]

    def _finalizers(self) -> list[Any]:
        registry = getattr(weakref.finalize, "_registry", {})
        return [f for f, info in list(registry.items()) if f not in self.finalizers and info.atexit]

    def _run_exit_code(self) -> None:
        """What the interpreter would run at exit, run now (last registered first, as atexit does)."""
        gc.collect()    # __del__ of cycles the program left
        calls, self.exit_calls = self.exit_calls, []
        for func, args, kwargs in reversed(calls):
            func(*args, **kwargs)
        for f in self._finalizers():
            f()
        self._join_threads()

    def _join_threads(self) -> None:
        while True:
            started = [t for t in threading.enumerate() if t not in self.threads and not t.daemon
                       and t.is_alive() and t is not threading.current_thread() and not _executor_worker(t)]
            work = _program_work()
            if not started and not work:
                return
            for thread in started:
                thread.join(0.05)
                if thread.is_alive() and _waits_for_main(thread):
                    what = _name(getattr(thread, "_target", thread))
                    raise ProgramError(f"a thread the program started ({what}) waits for the main thread to "
                                       "end, so what it does then runs only at interpreter exit; "
                                       f"{_HOW}: join it from the main code instead")
            if work and not started:
                time.sleep(0.02)   # the program's work in a thread pool: wait for it as for a thread

    def check(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """ProgramError naming the first thing the program left to run later."""
        for t in threading.enumerate():
            if t not in self.threads and t.daemon and _channel_thread(t):
                t.join(_ENDING)   # a closed channel's thread ends once its cancelled calls are delivered
            if t not in self.threads and t.is_alive() and t.daemon and not _executor_worker(t):
                raise ProgramError(_left_running(t))
        self._check_unlisted()
        if loop is not None and not loop.is_closed():
            self._check_loop(loop)
        for signum, handler in _handlers().items():
            if handler is not self.signals.get(signum) and callable(handler):
                raise ProgramError(f"the program installs a handler for signal {signal.Signals(signum).name} "
                                   f"({_name(handler)}); what it does when the signal comes cannot be "
                                   "recorded: remove it")
        if _hooks() != self.hooks:
            raise ProgramError("the program installs a profile or trace hook (sys.setprofile/settrace, "
                               "threading.setprofile/settrace) that would run inside the gate's own code "
                               "after it returns; remove it")
        if atexit._ncallbacks() > self.at_exit \
                or len(getattr(threading, "_threading_atexits", ())) > self.thread_exit:
            raise ProgramError("the program left code for interpreter exit that the recording could not run "
                               f"(atexit from outside its main code); {_HOW}: remove it")
        if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
            raise ProgramError(f"the program armed a timer signal (signal.alarm/setitimer); {_HOW}: "
                               "remove it")

    def _check_unlisted(self) -> None:
        """A `_thread` thread still running (polled for `_ENDING`: threading drops a thread from its list
        just before its state goes, and what the thread queued is then found queued)."""
        deadline = time.monotonic() + _ENDING
        # unborn first: a thread that begins between the two is listed by then (session 44: in the other
        # order, one that began in between was in neither)
        while thread_states.unborn() + len(left := _unlisted(self.states)):
            if time.monotonic() > deadline:
                what = _unlisted_name(left[0]) if left else "one the kernel had not yet run"
                raise ProgramError(f"a thread the program started with _thread.start_new_thread ({what}) "
                                   f"is still running when the program ends; {_HOW}: start it with "
                                   "threading.Thread and join it")
            time.sleep(0.01)

    def _check_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        tasks = [t for t in asyncio.all_tasks(loop) if t not in self.tasks and not t.done()]
        timers = [h for h in getattr(loop, "_scheduled", ()) if h not in self.scheduled and not h.cancelled()]
        queued = [h for h in getattr(loop, "_ready", ()) if h not in self.scheduled and not h.cancelled()]
        waiting = [h for fd, handles in _watched(loop).items() if fd not in self.fds
                   for h in handles if h is not None and not h.cancelled() and not _grpc_poller(h)]
        what = (f"an asyncio task the program started ({_name(tasks[0].get_coro())}) was never awaited and "
                f"is still pending; {_HOW}: await it (or gather it in pulumi.run)" if tasks else
                f"the program scheduled {_name(timers[0]._callback)} on the event loop for later "
                f"(call_later/call_at); {_HOW}: run it before the program returns" if timers else
                f"the program queued {_name(queued[0]._callback)} on the event loop (call_soon) and it had "
                f"not run when the program ended; {_HOW}: call it before the program returns" if queued
                else f"the program left {_name(waiting[0]._callback)} waiting on the event loop for a file "
                f"descriptor (add_reader/add_writer, a server); {_HOW}: remove the reader before the "
                "program returns" if waiting else None)
        for left in [*tasks, *timers, *queued, *waiting]:
            left.cancel()    # not run later in this process either
        if what:
            raise ProgramError(what)
