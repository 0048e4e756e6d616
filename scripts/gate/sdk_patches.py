"""Seams of the Pulumi SDK the offline recording needs; installed by `patched_sdk`, restored afterwards."""

from __future__ import annotations

import pathlib
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from gate.env_values import count
from gate.errors import ProgramError

if TYPE_CHECKING:   # the recorder (and the SDK below it) only when a stack is recorded
    from gate.recorder import Recorder

_SETTLE_ROUNDS = 1000   # loop turns the end of a recording waits for queued callbacks to run


def _stack_reference_output(self: Any, name: Any, *, require: bool = False) -> Any:
    """StackReference.get_output that keeps other outputs' unknowns from poisoning this one.

    Offline states hold unknown stack outputs (values only a real deployment knows); the SDK would
    make every output of the reference unknown if any one is. Here only the unknown ones are.
    """
    import asyncio

    from pulumi.output import Output, Unknown, contains_unknowns

    async def pair() -> tuple[Any, Any, bool]:
        key = await Output.from_input(name).future(with_unknowns=True)
        outs = await self.outputs.future(with_unknowns=True)   # a dict once resolved, even with unknowns
        return key, outs, isinstance(outs, dict) and not isinstance(key, Unknown)

    async def value() -> Any:
        key, outs, ok = await pair()
        if not ok:
            return None
        if require and key not in outs:
            raise KeyError(f"stack reference {self._name}: no output named {key!r}")
        found = outs.get(key)
        return None if contains_unknowns(found) else found

    async def is_known() -> bool:
        key, outs, ok = await pair()
        return ok and not contains_unknowns(outs.get(key))

    is_secret = self._StackReference__is_secret_name(name)
    return Output(self.outputs.resources(), asyncio.ensure_future(value()),
                  asyncio.ensure_future(is_known()), asyncio.ensure_future(is_secret))


async def _wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    """`pulumi.runtime.stack.wait_for_rpcs` with one change: outstanding output tasks are awaited together.

    The SDK waits FIRST_COMPLETED in a loop, re-adding a callback to every pending task per completion:
    quadratic in the number of pending outputs (3 s of CPU on a 170-resource azure-native stack).
    Waiting for all of them at once gives the same result: every task finished, the first error raised.
    """
    import asyncio

    from pulumi.runtime.settings import SETTINGS, _get_rpc_manager

    rpc_manager = _get_rpc_manager()
    while True:
        while len(rpc_manager.rpcs) > 0:
            await asyncio.sleep(0)
            try:
                await rpc_manager.rpcs.pop()
            except Exception as exn:
                if rpc_manager.unhandled_exception is not None:
                    raise exn from rpc_manager.unhandled_exception.with_traceback(
                        rpc_manager.exception_traceback)
                raise
        if rpc_manager.unhandled_exception is not None:
            raise rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
        if await_all_outstanding_tasks:
            while True:
                with SETTINGS.lock:
                    if len(SETTINGS.outputs) == 0:
                        break
                    pending = list(SETTINGS.outputs)
                    SETTINGS.outputs.clear()
                done, _ = await asyncio.wait(pending, return_when=asyncio.ALL_COMPLETED)
                for task in done:
                    await task
        if await _quiet(rpc_manager, SETTINGS.outputs):
            break


async def _quiet(rpc_manager: Any, outputs: set[Any]) -> bool:
    """True when nothing still queued on the loop can start an RPC. A callback a program's thread queued
    (`call_soon_threadsafe`) or a task not yet started is run first: the SDK breaks as soon as no RPC is
    listed, and an RPC task appends itself only once it starts (CI, 2026-12-03: a late registration left
    pending, once in 7,360 tests). Bounded: what still runs after that is named by the settling check."""
    import asyncio
    import inspect

    loop = asyncio.get_running_loop()
    for _ in range(_SETTLE_ROUNDS):
        if rpc_manager.rpcs or outputs:
            return False
        if not loop._ready and not any(   # type: ignore[attr-defined]
                inspect.iscoroutine(t.get_coro())
                and inspect.getcoroutinestate(t.get_coro()) == inspect.CORO_CREATED
                for t in asyncio.all_tasks(loop)):
            return True
        await asyncio.sleep(0)
    return True


def stack_trace_function() -> Any:
    """`pulumi.runtime.resource._get_stack_trace` without its per-frame overhead: the same frames (up to
    the third `__init__` from the top, the concrete resource's constructor) and the same protobuf.

    The SDK builds a `traceback.StackSummary` (stat-ing every source file through linecache) and a
    `pathlib` URI for every frame of every registration: a tenth of the CPU of recording a stack, for
    the few dozen distinct files a program has. Here each file's URI is computed once, and each frame's
    message once per (file, line) (round 18: the SDK's and the program's frames recur in every
    registration; the trace's repeated field copies what it is given, so a kept message is never shared).
    """
    from pulumi.runtime.proto import source_pb2

    uris: dict[str, str | None] = {}
    frames_of: dict[tuple[str, int | None], Any] = {}

    def uri_of(filename: str) -> str | None:
        if filename not in uris:
            try:
                uris[filename] = pathlib.Path(filename).as_uri()
            except BaseException:  # as the SDK: no position rather than a failed registration
                uris[filename] = None
        return uris[filename]

    def frame(f: Any) -> Any:
        key = (f.f_code.co_filename, f.f_lineno)
        made = frames_of.get(key)
        if made is None:
            filename, line = key
            uri = uri_of(filename) if filename != "" and line is not None else None
            made = frames_of[key] = source_pb2.StackFrame(
                pc=source_pb2.SourcePosition(uri=uri, line=line) if uri else None)
        return made

    def stack_trace() -> Any:
        frames = []
        f: Any = sys._getframe()
        while f is not None:
            frames.append(f)
            f = f.f_back
        frames.reverse()  # outermost first, as traceback.extract_stack
        n, i = 0, len(frames) - 1
        for i in range(len(frames) - 1, -1, -1):
            if frames[i].f_code.co_name == "__init__":
                n += 1
                if n == 3:
                    break
        if i < 1:
            return source_pb2.StackTrace()
        return source_pb2.StackTrace(frames=[frame(f) for f in reversed(frames[:i])])

    return stack_trace


def split_type_aliases(opts: Any) -> tuple[Any, list[str]]:
    """(opts without the type-only aliases, those alias types).

    Provider SDKs add one `Alias(type_=...)` per former type token (azure-native: one per API version,
    often 50+). The SDK turns each into Outputs even though the monitor takes alias specs: two thirds of
    the CPU of an azure-native stack. Their URNs depend only on the resource's type, name and parent, so
    the monitor records them itself, exactly as the engine would compute them.
    """
    from pulumi import Alias, ResourceOptions

    if not isinstance(opts, ResourceOptions) or not opts.aliases:
        return opts, []
    kept, types = [], []
    for alias in opts.aliases:
        if (isinstance(alias, Alias) and isinstance(alias.type_, str) and alias.name is ...
                and alias.parent is ... and alias.stack is ... and alias.project is ...):
            types.append(alias.type_)
        else:
            kept.append(alias)
    if not types:
        return opts, []
    opts = opts._copy()
    opts.aliases = kept
    return opts, types


MAX_RESOURCES = 20_000   # per recording; GATE_MAX_RESOURCES overrides


def resource_limit() -> int:
    return count("GATE_MAX_RESOURCES", MAX_RESOURCES)


MAX_RECORD_BYTES = 128 * 1024 * 1024   # per recording; GATE_MAX_RECORD_BYTES overrides


def byte_limit() -> int:
    return count("GATE_MAX_RECORD_BYTES", MAX_RECORD_BYTES)


def too_many(recorder: Recorder) -> None:
    """Round 6: a program registering a million resources ate gigabytes per worker before any deadline;
    past the limit each further resource (and the end of the program) fails the recording. The limit is
    the one read before the program ran (patched_sdk): once, not per resource (a noted environment read
    each, 5 % of a recording), and a program setting GATE_MAX_RESOURCES itself does not raise it."""
    limit = recorder.resource_limit or resource_limit()
    if recorder.constructed > limit:
        raise ProgramError(f"the program creates more than {limit} resources in one stack (resource limit, "
                           "GATE_MAX_RESOURCES): split the stack, or raise the limit for it")
    # Round 7: the count alone let 20,000 resources of a megabyte each take gigabytes per worker.
    limit = recorder.byte_limit or byte_limit()
    if recorder.recorded_bytes > limit:
        raise ProgramError(f"the program's resources hold more than {limit} bytes of resource inputs in one "
                           "stack (record size limit, GATE_MAX_RECORD_BYTES): split the stack, keep large "
                           "content in files (pulumi.FileAsset), or raise the limit for it")


@contextmanager
def patched_sdk(recorder: Recorder) -> Iterator[None]:
    """SDK seams the offline record needs (restored afterwards).

    - StackReference outputs: one unknown output must not make the others unknown.
    - Output translation: the mocks echo a resource's inputs as its outputs (as a preview does), but some
      providers' output types differ from the input shape (azure-native `userAssignedIdentities`: a list
      of ids in, a map of objects out). A value that does not fit its output type resolves as unknown
      instead of crashing the program.
    - Waiting for outstanding outputs without quadratic cost (see _wait_for_rpcs).
    - Type-only aliases recorded by the monitor instead of the SDK (see split_type_aliases).
    - Stack traces of registrations without per-frame overhead (see stack_trace_function).
    """
    from pulumi.resource import Resource
    from pulumi.runtime import resource as rt_resource
    from pulumi.runtime import rpc
    from pulumi.runtime import stack as rt_stack
    from pulumi.stack_reference import StackReference

    resource_init = Resource.__init__
    recorder.resource_limit = resource_limit()
    recorder.byte_limit = byte_limit()

    def init(self: Any, t: str, name: str, custom: bool, props: Any = None, opts: Any = None,
             *args: Any, **kwargs: Any) -> None:
        if t != "pulumi:pulumi:Stack":
            recorder.constructed += 1
            too_many(recorder)
        opts, types = split_type_aliases(opts)
        if types:
            with recorder.lock:
                recorder.type_aliases[t] = types
        resource_init(self, t, name, custom, props, opts, *args, **kwargs)

    saved = StackReference.get_output, StackReference.require_output
    saved_wait = rt_stack.wait_for_rpcs
    saved_trace = rt_resource._get_stack_trace
    translate = rpc.translate_output_properties
    depth = threading.local()

    def tolerant_translate(output: Any, *args: Any, **kwargs: Any) -> Any:
        level = getattr(depth, "level", 0)
        depth.level = level + 1
        try:
            if level:
                return translate(output, *args, **kwargs)
            try:
                return translate(output, *args, **kwargs)
            except (AssertionError, TypeError, ValueError):
                return None      # during preview, None resolves the output as unknown
        finally:
            depth.level = level

    StackReference.get_output = lambda self, name: _stack_reference_output(self, name)
    StackReference.require_output = lambda self, name: _stack_reference_output(self, name, require=True)
    rpc.translate_output_properties = tolerant_translate
    rt_stack.wait_for_rpcs = _wait_for_rpcs
    Resource.__init__ = init
    rt_resource._get_stack_trace = stack_trace_function()
    try:
        yield
    finally:
        rt_resource._get_stack_trace = saved_trace
        StackReference.get_output, StackReference.require_output = saved
        rpc.translate_output_properties = translate
        rt_stack.wait_for_rpcs = saved_wait
        Resource.__init__ = resource_init

