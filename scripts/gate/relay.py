"""Round 8: the out-of-process recorder (`--recorder process`).

In-process, the program runs beside the mock monitor that records it, so it can edit the record, the
seals or the SDK's serialization (docs/gate-red-team.md, round 8). Here the recording worker forks a
recorder process just before the program runs, once the recorder is set up and before any program code
or refusal is in place: it holds the recording monitor and engine (gate.monitor) and serves them over
the engine's own gRPC services (`pulumirpc.ResourceMonitor`, `pulumirpc.Engine`). The worker then runs
the program with real `Settings(monitor=..., engine=...)`, as the language host configures it under
`pulumi preview`: every registration, read, invoke and log leaves the program's process as bytes the
moment it is sent, and the record is built from what arrived. Transforms are called back over the
SDK's callback server, as the engine calls them.

What only the program's process can know (the invoke call sites, type-only aliases, environment reads)
comes over a control pipe once the program returns; the recorder answers with what the worker needs to
fail the recording as in-process (invoke answers, logged errors, secrets to scrub, the limits). It
writes its record to `<dir>/recorder.json` when the control pipe closes (the worker's end); the gate
reads that file, not the worker's, for the checkpoint (gate.relay_result).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gate.errors import GateError, limit_line, limit_note, refused_by_limit
from gate.procs import die_with_parent

PENDING_FILTER: list[Callable[[], None]] = []   # the worker's system-call filter, installed after the fork

_MONITOR_CALLS = ("RegisterResource", "ReadResource", "RegisterResourceOutputs", "Invoke",
                  "RegisterStackTransform", "RegisterStackInvokeTransform", "RegisterResourceHook",
                  "RegisterErrorHook", "RegisterPackage", "SignalAndWaitForShutdown", "GetDeploymentInfo")


def arm_filter() -> None:
    """Install the deferred system-call filter (gate._worker): from here on no process starts."""
    while PENDING_FILTER:
        PENDING_FILTER.pop()()


class Relay:
    """The worker's side: forks the recorder, knows its address, hands over what only the worker knows."""

    def __init__(self, result: Path) -> None:
        self.result = result
        self.pid = 0
        self.address = ""
        self._to: int = -1
        self._from: Any = None
        self.channels: list[Any] = []   # the SDK's channels to the recorder (closed before it stops)

    def start(self, recorder: Any, monitor: Any, engine: Any, settings: Any) -> str:
        """Fork the recorder process serving `monitor`/`engine` under the mock settings `settings()` (made
        there only); returns its `127.0.0.1:port`."""
        ctl_r, ctl_w = os.pipe()      # worker -> recorder: the end message, then EOF
        back_r, back_w = os.pipe()    # recorder -> worker: its port, then its answer
        worker = os.getpid()
        try:
            pid = os.fork()
        except BlockingIOError as exc:   # fork's EAGAIN: the limit, named (round 26)
            raise GateError(limit_line("the recorder process", exc)) from exc
        if pid == 0:     # the recorder: never returns
            code = 1
            try:
                die_with_parent(worker)
                os.close(ctl_w)
                os.close(back_r)
                try:
                    server, state, port = _start(recorder, monitor, engine, settings)
                except BaseException as exc:   # the worker's line says why (round 26: a refused thread)
                    kind = "limit" if refused_by_limit(exc) else "error"
                    os.write(back_w, f"! {kind} {type(exc).__name__}: {exc}\n".encode())
                    raise
                os.write(back_w, f"{port}\n".encode())
                code = _serve(server, state, ctl_r, back_w, self.result)
            finally:
                os._exit(code)
        os.close(ctl_r)
        os.close(back_w)
        self.pid, self._to = pid, ctl_w
        self._from = os.fdopen(back_r, "r", encoding="utf-8")
        port = self._from.readline().strip()
        if not port.isdigit():
            kind, _, reason = port[2:].partition(" ") if port.startswith("! ") else ("", "", "")
            if kind == "limit":
                raise GateError(limit_line("the recorder process", reason))
            raise RuntimeError(f"the recorder process did not start: {reason or 'it ended without a word'}"
                               f"{'' if reason else limit_note()}")
        self.address = f"127.0.0.1:{port}"
        return self.address

    def finish(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send what the worker knows once the program returned; the recorder's answer."""
        os.write(self._to, (json.dumps(payload, default=str) + "\n").encode())
        line = self._from.readline()
        return json.loads(line) if line else {}

    def close(self) -> None:
        """EOF to the recorder: it writes its record and exits; wait for it."""
        for channel in self.channels:
            with contextlib.suppress(Exception):
                channel.close()
        with contextlib.suppress(OSError):
            os.close(self._to)
        with contextlib.suppress(OSError, ChildProcessError):
            os.waitpid(self.pid, 0)


def _start(recorder: Any, monitor: Any, engine: Any, settings: Any) -> tuple[Any, _State, int]:
    """The recorder process's gRPC server, started: (server, its state, its port)."""
    import gc
    from concurrent import futures

    import grpc
    from pulumi.runtime import settings as rt_settings
    from pulumi.runtime.proto import engine_pb2_grpc, resource_pb2_grpc

    rt_settings.configure(settings())
    gc.freeze()    # what the worker had before the fork is never collected here (no copy of its pages)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8),
                         options=[("grpc.max_receive_message_length", 1 << 30),
                                  ("grpc.max_send_message_length", 1 << 30)])
    state = _State(recorder, monitor)
    resource_pb2_grpc.add_ResourceMonitorServicer_to_server(_monitor_servicer(state), server)
    engine_pb2_grpc.add_EngineServicer_to_server(_engine_servicer(engine), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, state, port


def _serve(server: Any, state: _State, ctl: int, back: int, result: Path) -> int:
    """The recorder process: serve until the worker's end message, answer, record until EOF, write."""
    with os.fdopen(ctl, "r", encoding="utf-8") as control:
        line = control.readline()
        payload = json.loads(line) if line.strip() else None
        os.write(back, (json.dumps(state.finish(payload)) + "\n").encode())
        os.close(back)
        state.extra |= bool(control.read().strip())   # EOF: the worker is done; it sent one end message
    server.stop(grace=None)
    state.write(result)
    return 0


class _State:
    """The recorder's end of one recording: the registrations it received, then the record."""

    def __init__(self, recorder: Any, monitor: Any) -> None:
        self.recorder, self.monitor = recorder, monitor
        self.ended = False
        self.late: list[str] = []          # what arrived after the worker said the program was done
        self.invokes: list[list[Any]] = []   # (token, args or None when answered), in order
        self.payload: dict[str, Any] | None = None
        self.extra = False                 # more than one end message: someone else wrote into the pipe
        self.answer: dict[str, Any] | None = None

    def call(self, name: str, request: Any) -> Any:
        if self.ended and name in ("RegisterResource", "ReadResource", "Invoke", "RegisterResourceOutputs"):
            self.late.append(f"{name} {getattr(request, 'type', '') or getattr(request, 'tok', '')}")
        if name == "RegisterResource" and request.custom and request.version:
            _load_sdk(request.type)
        if name != "Invoke":
            return getattr(self.monitor, name)(request)
        missed = self.recorder.mocks.missed   # round 14: this thread's (the list's last may be another's)
        missed.last = None
        response = self.monitor.Invoke(request)
        self.invokes.append([request.tok, list(missed.last) if missed.last else None])
        return response

    def finish(self, payload: dict[str, Any] | None) -> dict[str, Any]:
        """What the worker needs to fail as in-process, given what only it knows (`payload`)."""
        from gate.errors import GateError
        from gate.redaction import scrub
        from gate.sdk_patches import too_many

        recorder = self.recorder
        self.ended, self.payload = True, payload
        payload = payload or {}
        with recorder.lock:
            for typ, former in (payload.get("type_aliases") or {}).items():
                recorder.type_aliases[typ] = former
            _late_aliases(recorder, self.monitor)
            reads = payload.get("env_reads")
            if reads is not None:
                recorder.env_reads.reads = {k: tuple(v) for k, v in reads.items()}
                recorder.env_reads.placeholders = bool(payload.get("placeholders"))
                recorder.graph.env_reads = recorder.env_reads.report(recorder.graph.resources)
            error = ""
            try:
                too_many(recorder)
            except GateError as exc:
                error = str(exc)
            count = len(recorder.graph.resources) - 1 - len(recorder.default_providers)   # as constructed
            limit = recorder.resource_limit or _limit()
            if not error and count > limit:
                error = (f"the program creates more than {limit} resources in one stack (resource limit, "
                         "GATE_MAX_RESOURCES): split the stack, or raise the limit for it")
            for d in recorder.graph.diagnostics:
                d["message"] = scrub(d["message"], recorder.secret_values)
            self.answer = {"invokes": self.invokes, "limit": error, "secrets": sorted(recorder.secret_values),
                           "diagnostics": list(recorder.graph.diagnostics)}
            return self.answer

    def _errors(self) -> dict[str, str]:
        """What fails the recording whatever the worker says: `error` (the whole run) and `program_error`
        (an update recording that fails leaves the preview standing, as in-process)."""
        recorder, error = self.recorder, ""
        if self.payload is None:
            error = "the recording worker ended without saying the program was done (the recorder's end)"
        elif self.extra:
            error = ("the recorder's control pipe got more than one end message: the program wrote into it, "
                     "so what it says of the program cannot be trusted; remove that code")
        elif self.late:
            error = (f"the program sent {self.late[0]} after its end was announced (and {len(self.late) - 1} "
                     "more): the record was closed; remove the code that registers after the program's end")
        elif recorder.mocks.unanswered:
            token = recorder.mocks.unanswered[0][0]
            error = f"invoke {token} has no offline answer: add it to {recorder.fixture_hint}"
        logged = [d for d in recorder.graph.diagnostics if d["severity"] == "error"]
        program = (self.answer or {}).get("limit") or (
            f"the program logged an error: {logged[0]['message'].strip()[:200]}" if logged else "")
        return {"error": error, "program_error": program}

    def write(self, result: Path) -> None:
        """The record, as gate._worker would have built it in-process, and what the recorder read."""
        from gate.read_tracker import ReadTracker

        graph = self.recorder.graph
        data = {
            **self._errors(), "project": graph.project, "stack": graph.stack, "config": graph.config,
            "stack_references": graph.stack_references, "diagnostics": graph.diagnostics,
            "checkpoint": graph.to_checkpoint(redact_secrets=True), "env_reads": graph.env_reads,
            "inputs": sorted(ReadTracker.paths), "states": sorted(ReadTracker.states),
        }
        tmp = result.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(result)


def _load_sdk(type_: str) -> None:
    """The provider SDK the program registered with, loaded here too: the version check compares with the
    SDK the program's process loaded (gate.deploy_options.sdk_version reads it from `sys.modules`).

    Round 14: always through the import system, which waits for a module another gRPC thread is still
    loading; a `name in sys.modules` test saw it half loaded (no `get_version` yet), so the check was
    skipped and a registration asking for another plugin version passed."""
    import importlib

    parts = type_.split(":")
    package = parts[2] if type_.startswith("pulumi:providers:") and len(parts) > 2 else parts[0]
    if package.replace("-", "_").isidentifier():
        with contextlib.suppress(Exception):
            importlib.import_module(f"pulumi_{package.replace('-', '_')}._utilities")


def _limit() -> int:
    from gate.sdk_patches import resource_limit

    return resource_limit()


def _late_aliases(recorder: Any, monitor: Any) -> None:
    """Type-only aliases (gate.sdk_patches.split_type_aliases) the worker kept: their URNs, as in-process."""
    if not recorder.type_aliases:
        return
    from gate.integrity import seal

    for rec in recorder.graph.resources:
        former = recorder.type_aliases.get(rec.type)
        if former and rec.type != "pulumi:pulumi:Stack" and not rec.external:   # as RegisterResource does
            added = [monitor.make_urn(rec.parent, t, rec.name) for t in former]
            rec.aliases = [*rec.aliases, *(a for a in added if a not in rec.aliases)]
            recorder.seals[rec.urn] = seal(rec)


def _monitor_servicer(state: _State) -> Any:
    import grpc
    from pulumi.runtime.proto import resource_pb2, resource_pb2_grpc

    def method(name: str) -> Callable[..., Any]:
        def call(self: Any, request: Any, context: Any) -> Any:
            try:
                return state.call(name, request)
            except Exception as exc:  # the SDK raises Exception(details) in the program, as from the engine
                plain = type(exc) is Exception   # so the program sees what the in-process recorder raises
                context.abort(grpc.StatusCode.UNKNOWN, str(exc) if plain else f"{type(exc).__name__}: {exc}")
        return call

    def supports(self: Any, request: Any, context: Any) -> Any:
        return resource_pb2.SupportsFeatureResponse(hasSupport=request.id != "outputValues")

    body: dict[str, Any] = {name: method(name) for name in _MONITOR_CALLS}
    body["SupportsFeature"] = supports
    return type("RecorderMonitor", (resource_pb2_grpc.ResourceMonitorServicer,), body)()


def _engine_servicer(engine: Any) -> Any:
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

    class RecorderEngine(engine_pb2_grpc.EngineServicer):
        root = ""

        def Log(self, request: Any, context: Any) -> Any:
            engine.Log(request)
            return empty_pb2.Empty()

        def GetRootResource(self, request: Any, context: Any) -> Any:
            return engine_pb2.GetRootResourceResponse(urn=self.root)

        def SetRootResource(self, request: Any, context: Any) -> Any:
            self.root = request.urn
            return engine_pb2.SetRootResourceResponse()

    return RecorderEngine()


def payload(recorder: Any) -> dict[str, Any]:
    """What only the worker knows, for the recorder (program-side data in either recorder)."""
    return {"type_aliases": dict(recorder.type_aliases),
            "env_reads": {k: list(v) for k, v in recorder.env_reads.reads.items()},
            "placeholders": recorder.env_reads.placeholders}
