"""Run a Pulumi Python program (or a callable) under the recording monitor and return its Graph.

The program runs in-process under the SDK's mock machinery in preview mode; see gate.recording for the
overall design, gate.monitor for what is kept, gate.sdk_patches for the SDK seams changed meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import runpy
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import chdir, contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Any

from gate.deferred import Settling
from gate.env_reads import noting_env_reads
from gate.environ import ORGANIZATION
from gate.errors import GateError, ProgramError, limit_line, refused_by_limit
from gate.graph import Graph
from gate.integrity import changed, edited, snapshot
from gate.invokes import CallSites, load_answers, noting_call_sites, unanswered_error
from gate.recorder import Recorder
from gate.redaction import scrub
from gate.sdk_patches import patched_sdk, too_many
from gate.shadows import refuse_shadowing
from gate.side_effects import refusing_side_effects
from gate.stack_config import normalize_config
from gate.write_fence import hint


@contextmanager
def _mocked_runtime(recorder: Recorder, secret_keys: list[str], root_directory: str) -> Iterator[None]:
    """Install the recording monitor and the stack config; restore the previous runtime state after."""
    from google.protobuf import empty_pb2
    from pulumi.runtime import config as rt_config
    from pulumi.runtime import settings as rt_settings
    from pulumi.runtime.mocks import MockSettings

    from gate.mocks import GateMocks
    from gate.monitor import RecordingEngine, RecordingMonitor

    # Settings are class-level context properties: constructing MockSettings already overwrites them.
    saved_settings = {
        key: prop.fget() for key, prop in vars(rt_settings.Settings).items() if hasattr(prop, "_data")
    }
    saved_root = rt_settings.get_root_resource()
    recorder.mocks = GateMocks(recorder.region_of, recorder.provider_setting)
    recorder.mocks.dry_run = recorder.dry_run
    recorder.mocks.answers = list(recorder.invoke_answers)
    recorder.mocks.sites = CallSites(recorder.program_file)
    recorder.secret_keys = set(secret_keys)
    monitor = RecordingMonitor(recorder)
    engine = RecordingEngine(recorder, logging.getLogger("gate.program"))
    saved_config, saved_secrets = rt_config.CONFIG.get(), rt_config._SECRET_KEYS.get()
    settings = partial(
        MockSettings,
        monitor=monitor,
        monitor_features=set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures),
        engine=engine,
        project=recorder.graph.project,
        stack=recorder.graph.stack,
        dry_run=recorder.dry_run,
        organization=ORGANIZATION,
        root_directory=root_directory,
        callbacks=None,
        outputs=set(),
        lock=threading.Lock(),
        package_refs={},
        base_providers_by_ref={},
        parallel=None,
        legacy_apply_enabled=False,
    )
    if recorder.relay is None:
        rt_settings.configure(settings())
    rt_settings.set_root_resource(None)
    rt_config.set_all_config(dict(recorder.config), secret_keys)
    if recorder.relay is not None:   # round 8: the record is kept by another process, over gRPC
        _out_of_process(recorder, monitor, engine, root_directory, settings)
    try:
        yield
    finally:   # leave the runtime as found (a test's own set_mocks keeps working afterwards)
        for key, value in saved_settings.items():
            setattr(rt_settings.SETTINGS, key, value)
        rt_settings.set_root_resource(saved_root)
        rt_config.CONFIG.set(saved_config)
        rt_config._SECRET_KEYS.set(saved_secrets)


def _out_of_process(recorder: Recorder, monitor: Any, engine: Any, root_directory: str, mock: Any) -> None:
    """Fork the recorder (gate.relay) with the monitor and engine set up above, then point the SDK at it
    as the language host does (`Settings(monitor=, engine=)`); only then the system-call filter. The mock
    settings (`mock()`) are made in the recorder only: made here first they would be every context's
    default (the SDK's `contextproperty`), and code run in a fresh context would register in-process."""
    import grpc
    from pulumi.runtime import settings as rt_settings
    from pulumi.runtime.proto import engine_pb2_grpc, resource_pb2_grpc

    from gate.relay import arm_filter

    address = recorder.relay.start(recorder, monitor, engine, mock)
    # the SDK's own stubs on channels as the SDK opens them for an address (kept, to close them first)
    channels = [grpc.insecure_channel(address, options=rt_settings._GRPC_CHANNEL_OPTIONS) for _ in "me"]
    recorder.relay.channels = channels
    rt_settings.configure(rt_settings.Settings(
        project=recorder.graph.project, stack=recorder.graph.stack,
        monitor=resource_pb2_grpc.ResourceMonitorStub(channels[0]),
        engine=engine_pb2_grpc.EngineStub(channels[1]),
        dry_run=recorder.dry_run, legacy_apply_enabled=False, organization=ORGANIZATION,
        root_directory=root_directory))
    for prop in vars(rt_settings.Settings).values():   # code run in a fresh context sees these too
        if hasattr(prop, "_data"):
            prop._ContextProperty__default = prop._data.get()
    arm_filter()


def _from_recorder(recorder: Recorder) -> str:
    """Hand the recorder what only this process knows; take what the in-process checks need from its
    answer (logged diagnostics, secrets to scrub, invokes it could not answer). Its limit error, if any."""
    from gate.relay import payload

    if recorder.relay is None or recorder.relay_answer is not None:
        return (recorder.relay_answer or {}).get("limit", "")
    answer = recorder.relay_answer = recorder.relay.finish(payload(recorder))
    with recorder.lock:
        recorder.secret_values |= set(answer.get("secrets") or [])
        recorder.graph.diagnostics = list(answer.get("diagnostics") or [])
    for token, unanswered in answer.get("invokes") or []:
        site = recorder.mocks.sites.take(token) if recorder.mocks.sites is not None else ""
        if unanswered:
            recorder.mocks.unanswered.append((unanswered[0], unanswered[1], site))
    return answer.get("limit", "")


def _no_unanswered(recorder: Recorder) -> None:
    """An invoke nobody could answer is bad input (exit 2), named with its arguments and call site."""
    if recorder.mocks.unanswered:
        token, args, site = recorder.mocks.unanswered[0]
        error = unanswered_error(recorder.graph.stack, token, args, site, recorder.fixture_hint)
        raise GateError(scrub(str(error), recorder.secret_values))


def _no_side_effects(side_effects: list[str], where: str) -> None:
    """A process start or network use by the program itself (gate.side_effects) fails the recording."""
    if side_effects:
        more = f" (and {len(side_effects) - 1} more)" if len(side_effects) > 1 else ""
        raise ProgramError(f"{where}: {side_effects[0]}{more}; what a program does outside the engine cannot "
                           "be judged: do it with resources (or invokes answered by fixtures)")


def _no_tampering(replaced: list[str], where: str) -> None:
    """A program that replaced the recorder's code (gate.integrity) cannot be judged by its record."""
    if replaced:
        more = f" (and {len(replaced) - 1} more)" if len(replaced) > 1 else ""
        raise ProgramError(f"{where}: the program tampers with the gate: it replaced {replaced[0]}{more} "
                           "while it was recorded, so the record is not what a deploy would send; remove "
                           "that code")


def _run(fn: Callable[[], Any], recorder: Recorder, secret_keys: list[str], root_directory: str,
         where: str) -> Graph:
    """Run under the mocks; error messages and logged diagnostics never carry a known secret."""
    try:
        graph = _run_program(fn, recorder, secret_keys, root_directory, where)
    except ProgramError as exc:
        raise ProgramError(scrub(str(exc), recorder.secret_values)) from None
    for d in graph.diagnostics:
        d["message"] = scrub(d["message"], recorder.secret_values)
    return graph


def _run_program(fn: Callable[[], Any], recorder: Recorder, secret_keys: list[str], root_directory: str,
                 where: str) -> Graph:
    recorder.env_reads.placeholders = not recorder.dry_run   # the deploy machine's environment is unknown
    side_effects: list[str] = []
    try:
        return _run_recorded(fn, recorder, secret_keys, root_directory, where, side_effects)
    finally:
        if recorder.relay is not None:   # the recorder is told the program ended, however it ended
            with suppress(Exception):
                _from_recorder(recorder)
            recorder.relay.close()


def _run_recorded(fn: Callable[[], Any], recorder: Recorder, secret_keys: list[str], root_directory: str,
                  where: str, side_effects: list[str]) -> Graph:
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    with _mocked_runtime(recorder, secret_keys, root_directory), patched_sdk(recorder), \
            noting_call_sites(recorder.mocks.sites), noting_env_reads(recorder.env_reads), \
            refusing_side_effects(recorder.program_file, side_effects, recorder.root):
        try:
            before = snapshot()
            settling = Settling(fn)
            _sync_await(run_in_stack(settling.run))
            settling.check(asyncio.get_event_loop())
            limit = _from_recorder(recorder)
            if limit:
                raise ProgramError(limit)
            too_many(recorder)   # the program caught the error and went on
            _no_tampering(changed(before) + edited(recorder.graph.resources, recorder.seals), where)
            _no_unanswered(recorder)
        except GateError:
            raise
        except SyntaxError as exc:
            raise ProgramError(f"{exc.filename or where}:{exc.lineno}: syntax error: {exc.msg}") from exc
        except ModuleNotFoundError as exc:
            raise ProgramError(f"{where}: cannot import module {exc.name!r}") from exc
        except Exception as exc:
            limit = _from_recorder(recorder)   # out of process: what the recorder saw (in-process: in place)
            if limit:
                raise ProgramError(limit) from exc
            _no_side_effects(side_effects, where)    # the refusal made it fail: say that
            _no_unanswered(recorder)     # the failure is most likely the missing answer: say that
            # a refused thread is the limit's, not the program's failure (a BlockingIOError it raised is)
            if isinstance(exc, RuntimeError) and refused_by_limit(exc):
                raise GateError(limit_line(where, exc)) from exc
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if type(exc).__name__ in ("ConfigError", "RunError"):
                raise ProgramError(msg) from exc   # already names the file and key
            raise ProgramError(f"{where}: program failed: {type(exc).__name__}: {msg}{hint(exc)}") from exc
    recorder.graph.env_reads = recorder.env_reads.report(recorder.graph.resources)
    _no_side_effects(side_effects, where)
    errors = [scrub(d["message"], recorder.secret_values) for d in recorder.graph.diagnostics
              if d["severity"] == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        first = errors[0].strip().splitlines()[0] if errors[0].strip() else "(empty message)"
        raise ProgramError(f"{where}: program logged an error: {first}{more}")
    return recorder.graph


def record_callable(fn: Callable[[], Any], *, project: str = "dosis-eloket", stack: str = "test",
                    config: dict[str, Any] | None = None,
                    stack_outputs: dict[str, dict[str, Any]] | None = None, dry_run: bool = True) -> Graph:
    """Run `fn()` (which creates resources) under the recording mocks in-process and return its graph
    (`dry_run=False`: as the update recording, `is_dry_run()` false).

    `config` keys are "ns:key" (or bare keys in the project namespace); set `aws:region` /
    `azure-native:location` so default providers have a region. Secrets keep their value in memory.
    """
    flat, secret_keys = normalize_config(project, config)
    recorder = Recorder(project, stack, flat, stack_outputs)
    recorder.place(Path.cwd().resolve())
    if not dry_run:
        recorder.dry_run = False
    return _run(fn, recorder, secret_keys, str(Path.cwd()), where=getattr(fn, "__name__", "callable"))


@contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def record_main(main: Path, project_dir: Path, *, project: str, stack: str, config: dict[str, Any],
                stack_outputs: dict[str, dict[str, Any]] | None, where: str,
                state_dir: Path | list[Path] | None = None, fixtures: list[Path] | None = None,
                fixture_hint: str = "", dry_run: bool = True, relay_result: Path | None = None) -> Graph:
    """Run a program file like the Python language host: its directory on sys.path and as working dir.
    With `relay_result`, the record is kept by a recorder process that writes it there (gate.relay)."""
    flat, secret_keys = normalize_config(project, config)
    recorder = Recorder(project, stack, flat, stack_outputs)
    if relay_result is not None:
        from gate.relay import Relay

        recorder.relay = Relay(relay_result)
    recorder.state_dir = state_dir
    recorder.place(project_dir.resolve())
    recorder.invoke_answers = load_answers(fixtures or [])
    recorder.fixture_hint = fixture_hint or recorder.fixture_hint
    if not dry_run:
        recorder.dry_run = False
    program_dir = main.parent
    refuse_shadowing([program_dir, project_dir], where)   # round 13: before anything is imported from them
    added = [p for p in (str(program_dir), str(project_dir)) if p not in sys.path]
    sys.path[:0] = added
    env = {
        "PULUMI_PROJECT": project, "PULUMI_STACK": stack, "PULUMI_ORGANIZATION": ORGANIZATION,
        "PULUMI_DRY_RUN": "true" if dry_run else "false", "PULUMI_CONFIG": json.dumps(flat),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(secret_keys),
    }
    try:
        # The language host runs the program from its main directory, with the CLI's environment.
        with chdir(program_dir), _environ(env):
            return _run(lambda: runpy.run_path(str(main), run_name="__main__"), recorder, secret_keys,
                        str(project_dir), where=where)
    finally:
        for p in added:
            if p in sys.path:
                sys.path.remove(p)


def record_program(program_dir: Path | str, stack: str, config: dict[str, Any] | None = None,
                   stack_outputs: dict[str, dict[str, Any]] | None = None,
                   state_dir: Path | list[Path] | None = None, invoke_fixtures: Path | None = None,
                   dry_run: bool = True, relay_result: Path | None = None) -> Graph:
    """Run the Pulumi program in `program_dir` (its Pulumi.yaml, that stack's config) in-process.

    `config` entries override the stack config file. StackReferences resolve from `stack_outputs`
    (stack name -> outputs), then from `<state_dir>/<stack>.state.json`; otherwise their outputs are
    unknown. The CLI uses the same path in one subprocess per stack.
    """
    from gate.project import load_project, load_stack_config, validate_stack_name

    validate_stack_name(stack)
    proj = load_project(Path(program_dir))
    stack_config = load_stack_config(proj, stack)
    stack_config.update(config or {})
    per_stack = proj.config_dir / "fixtures" / f"{stack}.yaml"
    fixtures = [f for f in (per_stack, invoke_fixtures) if f is not None and f.is_file()]
    hint = per_stack.relative_to(proj.root).as_posix() if per_stack.is_relative_to(proj.root) else per_stack
    return record_main(proj.main_file, proj.root, project=proj.name, stack=stack, config=stack_config,
                       stack_outputs=stack_outputs, where=f"{proj.describe_main()} (stack {stack})",
                       state_dir=state_dir, fixtures=fixtures, fixture_hint=str(hint), dry_run=dry_run,
                       relay_result=relay_result)
