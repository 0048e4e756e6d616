"""Engine round 22 (docs/gate-red-team.md, round 22): code a program leaves for later that no earlier round
found — a `_thread` thread, a reader left on the event loop, a pool worker's initializer. A real deploy keeps
the program's process and loop alive while the engine works through its steps; the recording must run such
code or refuse the program. Each test names the corpus case (tests/corpus/engine/evil) it stands for.
"""

from __future__ import annotations

import _thread
import asyncio
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import thread as pool

import pulumi_aws as aws
import pytest
from gate.errors import ProgramError
from gate.recording import record_callable

EU = {"aws:region": "eu-west-1"}


def _register_late(loop: asyncio.AbstractEventLoop) -> None:
    loop.call_soon_threadsafe(lambda: aws.s3.Bucket("late", region="us-east-1"))


def test_a_raw_thread_still_running_when_the_program_ends_is_refused():
    # raw-thread-after-return: in no list of threading's, so neither joined nor seen as a daemon
    release = threading.Event()

    def program():
        _thread.start_new_thread(release.wait, ())   # what it would do once released does not matter

    try:
        with pytest.raises(ProgramError, match=r"started with _thread.start_new_thread \(\S*wait at "):
            record_callable(program, config=EU)
    finally:
        release.set()


def test_a_thread_ending_as_the_recording_starts_does_not_hide_a_raw_thread():
    # CI flake of session 33: threading drops a thread from its list just before _thread stops counting
    # it; a baseline taken in that moment counted it and made room for the program's raw thread
    ending, release = threading.Event(), threading.Event()

    def linger():
        ending.wait()
        with threading._active_limbo_lock:
            threading._active[threading.get_ident()] = me   # listed again: it ends as threading expects

    me = threading.Thread(target=linger, daemon=True)
    me.start()
    with threading._active_limbo_lock:
        del threading._active[me.ident]   # dropped from threading's list, still counted by _thread
    timer = threading.Timer(0.2, ending.set)
    timer.start()

    def program():
        _thread.start_new_thread(release.wait, ())

    try:
        with pytest.raises(ProgramError, match=r"started with _thread.start_new_thread"):
            record_callable(program, config=EU)
    finally:
        release.set()
        ending.set()
        timer.join()
        me.join()


def test_a_thread_starting_as_the_program_ends_does_not_hide_a_raw_thread():
    # threading lists a thread it starts (_limbo) before _thread counts it: sampled in that moment, the
    # listed threads outnumbered the counted ones by one and the program's raw thread went unseen
    release = threading.Event()
    starting = threading.Thread(target=release.wait, daemon=True)   # as seen from another thread mid-start

    def program():
        _thread.start_new_thread(release.wait, ())
        with threading._active_limbo_lock:
            threading._limbo[starting] = starting

    try:
        with pytest.raises(ProgramError, match=r"started with _thread.start_new_thread"):
            record_callable(program, config=EU)
    finally:
        release.set()
        with threading._active_limbo_lock:
            threading._limbo.pop(starting, None)


def test_a_raw_thread_that_ended_is_judged_not_refused():
    def program():
        loop, done = asyncio.get_event_loop(), _thread.allocate_lock()
        done.acquire()
        _thread.start_new_thread(lambda: (_register_late(loop), done.release()), ())
        done.acquire()   # the thread may still be counted for a moment after this: polled, not refused

    assert [r.name for r in record_callable(program, config=EU).by_type("aws:s3/bucket:Bucket")] == ["late"]


def test_a_reader_left_on_the_event_loop_is_refused():
    # loop-reader-faulthandler-wake: whatever writes to the pipe later runs the callback during a deploy
    r, w = os.pipe()

    def program():
        def wake():
            aws.s3.Bucket("late", region="us-east-1")

        asyncio.get_event_loop().add_reader(r, wake)

    try:
        with pytest.raises(ProgramError, match=r"left \S*wake at .* waiting on the event loop for a file"):
            record_callable(program, config=EU)
    finally:
        os.close(r)
        os.close(w)


def test_a_reader_removed_before_the_program_returns_is_fine():
    r, w = os.pipe()

    def program():
        loop = asyncio.get_event_loop()
        loop.add_reader(r, lambda: None)
        loop.remove_reader(r)
        aws.s3.Bucket("b")

    try:
        assert [r.name for r in record_callable(program, config=EU).by_type("aws:s3/bucket:Bucket")] == ["b"]
    finally:
        os.close(r)
        os.close(w)


def test_a_pool_worker_initializer_is_waited_for():
    # pool-worker-initializer-thread: the thread's target is concurrent.futures' own worker
    def program():
        loop = asyncio.get_event_loop()

        def initializer():
            threading.Event().wait(1.0)
            _register_late(loop)

        threading.Thread(target=pool._worker, args=(None, queue.SimpleQueue(), initializer, ()),
                         daemon=True).start()

    assert [r.name for r in record_callable(program, config=EU).by_type("aws:s3/bucket:Bucket")] == ["late"]


def test_an_idle_pool_with_an_initializer_is_not_waited_for():
    def program():
        executor = ThreadPoolExecutor(max_workers=1, initializer=lambda: None)
        name = executor.submit(lambda: "records").result()   # the worker then idles in its queue
        aws.s3.Bucket(name)

    graph = record_callable(program, config=EU)
    assert [r.name for r in graph.by_type("aws:s3/bucket:Bucket")] == ["records"]


def _pending_call(timeout: float) -> tuple[object, object]:
    import grpc

    channel = grpc.insecure_channel("127.0.0.1:9")
    call = channel.unary_unary("/corp.Wait/Forever", request_serializer=bytes, response_deserializer=bytes)
    return channel, call.future(b"", timeout=timeout, wait_for_ready=True)


def test_a_grpc_call_left_pending_on_the_programs_channel_is_refused():
    # grpc-deadline-callback: its callbacks run on grpc's channel thread, not one of the runtime's
    opened = []

    def program():
        channel, future = _pending_call(60)
        future.add_done_callback(lambda _: None)
        opened.append(channel)

    try:
        with pytest.raises(ProgramError, match=r"a gRPC call or subscription the program left pending"):
            record_callable(program, config=EU)
    finally:
        for channel in opened:
            channel.close()


def test_a_grpc_channel_closed_before_the_program_returns_is_fine():
    def program():
        channel, _future = _pending_call(60)
        channel.close()   # the call ends (cancelled) and grpc's thread with it
        aws.s3.Bucket("b")

    assert [r.name for r in record_callable(program, config=EU).by_type("aws:s3/bucket:Bucket")] == ["b"]
