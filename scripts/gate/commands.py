"""The `gate preview` and `gate analyze` commands: record or load the stacks, judge them, write the reports
and publish the run (gate.cli is the process's entry: exit codes, signals, one line per error)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import time
from pathlib import Path
from typing import Any

from gate import options, run_seal
from gate.cli_parser import deadlines_of
from gate.cli_speed import cache_root, print_timings
from gate.errors import GateError, UsageError, needed
from gate.report_parts import printable

PROJECT_ROOT = options.PROJECT_ROOT


def _note(message: str) -> None:
    print(f"gate: note: {printable(message)}", file=sys.stderr)


def _evaluate(states: dict[str, dict[str, Any]], meta: dict[str, dict[str, Any]], args: argparse.Namespace,
              timings: dict[str, float], policy: tuple[list[Path], dict[str, Any]],
              work: Path, sources: dict[str, str] | None = None) -> list[Any]:
    """Policy packs + checkov over every state -> StackReports, in the order of `states` (checkov's
    scans run beside the packs)."""
    from gate.judge import pack_report, verdicts

    scans = checkov_scans(args, work) if args.settings.checkov else None
    for stack, state in states.items() if scans is not None else ():
        scans.add(stack, state)
    try:
        started = time.perf_counter()
        reports = [pack_report(state, stack, meta[stack], args, policy,
                               (sources or {}).get(stack, f"stack {stack}"), deadlines_of(args),
                               args.settings.jobs) for stack, state in states.items()]
        timings["evaluation"] = time.perf_counter() - started
        # What the evaluation made (the collector paused) is frozen as the reports will freeze it
        # (options.write_reports): the next collection would walk its millions of objects (0.3 s at 100k).
        gc.freeze()
        found = scans.result() if scans is not None else None    # its GateError (bad input) propagates
    finally:
        if scans is not None:
            scans.close()
            timings["checkov"] = scans.seconds()
    return verdicts(reports, states, args, found)


def checkov_scans(args: argparse.Namespace, work: Path, check: Any = None) -> Any:
    """checkov's scans of this run (`gate.checkov.pipeline.StackScans`: a stack's starts when it is
    added, beside the recording or the evaluation).

    The exported views go to `<run dir>/checkov/<stack>/` (secrets redacted); with `--out DIR` they are
    published to `DIR/checkov/<stack>/` with the stack's state and report, for debugging.
    """
    checkov_runner = needed("gate.checkov.runner", "checkov")
    pipeline = needed("gate.checkov.pipeline", "checkov")
    deadline = deadlines_of(args).checkov
    checkov_runner.TIMEOUT = deadline
    settings = args.settings
    return pipeline.StackScans(work, deadline, waivers=settings.checkov_waivers,
                               triage=settings.checkov_triage, hook_dir=Path(settings.source).parent,
                               cache_dir=getattr(args, "cache_root", None), check=check)


def _preview_scans(args: argparse.Namespace, work: Path) -> Any:
    """`checkov_scans` of a preview, its driver started first: checkov imports itself beside the recording
    (the zygote loads on one CPU)."""
    from gate.checkov.processes import start_early

    start_early()
    return checkov_scans(args, work)


def render(reports: list[Any], fmt: str, many: bool, quiet: bool = False,
            reports_dir: Path | None = None, docs: list[bytes] | None = None) -> None:
    from gate.stdout_guard import release

    release()   # from here on, stdout is the report (gate.stdout_guard)
    try:
        _write_report(reports, fmt, many, quiet, reports_dir, docs)
        sys.stdout.flush()
    except OSError as exc:   # round 24: written before the run publishes: a lost report publishes nothing
        with contextlib.suppress(OSError):   # what the buffer still holds goes nowhere at exit, no traceback
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())
            os.close(null)
        raise GateError(f"stdout: {exc.strerror or exc}: the report could not be written; "
                        "nothing published") from None


def _write_report(reports: list[Any], fmt: str, many: bool, quiet: bool, reports_dir: Path | None,
                  docs: list[bytes] | None) -> None:
    if fmt == "json" and docs is not None:
        from gate.cli_speed import print_json

        return print_json(docs, many)
    render = needed("gate.report", f"--format {fmt}").render
    # One stack: one document (JSON object, one SARIF run); --all: a list of reports.
    render(reports if many else reports[0], fmt, sys.stdout, quiet=quiet,
           reports_dir=options.shown(reports_dir) if reports_dir else "")


def _out_dir(out: Path | None) -> Path | None:
    if out is None:
        return None
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: not a directory")
    return out


def cmd_preview(args: argparse.Namespace) -> int:
    from gate.cli_speed import check_shard_references, seal_shard, shard_stacks, start_zygote_early
    from gate.judge import StackJudge
    from gate.project import load_project, validate_stack_name
    from gate.publish import RunDir
    from gate.runner import record_stacks
    from gate.stackcache import open_preview_cache

    timings: dict[str, float] = {}
    begun = time.perf_counter()
    if args.stack is not None:
        validate_stack_name(args.stack)
    args.settings = options.settings_for(args, args.program)
    project = load_project(args.program or PROJECT_ROOT)
    start_zygote_early(project)
    stacks = project.stacks() if args.all else [args.stack]
    if not stacks:
        raise GateError(f"{project.config_dir}: no Pulumi.<stack>.yaml stack config files (--all)")
    out = _out_dir(args.out or args.settings.out or project.root / ".gate")
    stacks = shard_stacks(args, project, stacks, out)
    policy = options.policy(args.settings)   # bad packs fail before any recording
    index = run_seal.started(args, project)   # validated inputs hashed beside the recordings
    args.cache_root = cache_root(args, out)
    args.no_checkov = not args.settings.checkov
    cache = open_preview_cache(args, project, out, *policy)
    environment = options.program_environment(project, timings, deadlines_of(args).program)
    with RunDir(out) as run, environment as worker:
        run_started = time.time_ns()   # later files are its recordings' (r37: the environment is older)
        hits, todo = cache.split(stacks, run.path) if cache is not None else ({}, stacks)
        scans = _preview_scans(args, run.path) if todo and args.settings.checkov else None
        # each stack judged (packs, checkov) once recorded, beside the recording of the stacks reading it
        judge = StackJudge(args, policy, project.root, scans, deadlines_of(args), run.path, out)
        started = time.perf_counter()

        def reuse(stack: str, decided: set[str]) -> bool:   # it read a state recorded again: the same?
            report = cache.reuse(stack, decided, run.path)
            if report is not None:
                hits[stack] = report
            return report is not None

        try:
            runs = record_stacks(project.root, project, todo, run.path, jobs=args.settings.jobs, previous=out,
                                 deadline=deadlines_of(args).program,
                                 options={**options.worker_options(args.settings, out), **worker,
                                          "run_started_ns": run_started},
                                 reuse=reuse if cache is not None else None,
                                 maybe=cache.deferred if cache is not None else set(),
                                 recorded=judge.judge, started=lambda: judge.prepare(project, todo[0]),
                                 gate_dirs=[d for d in (out, args.cache_root) if d],
                                 gate_files=scans.drivers.files if scans else frozenset) if todo else {}
            timings["program"] = time.perf_counter() - started
            check_shard_references(args, runs, project)
            _program_notes(args, runs, out)
            reports = []
            if runs:
                reports, waited = judge.reports(runs)
                timings |= {"evaluation": judge.seconds, "packs loaded while recording": judge.prepared}
                if scans is not None:
                    timings["checkov"], timings["checkov after the programs"] = scans.seconds(), waited
                options.locate_sources(reports, project)
        finally:
            if scans is not None:
                scans.close()
        if cache is not None:
            cache.store(runs, reports, run.path)
        judged = {r.stack: r for r in reports} | hits
        reports = [judged[s] for s in stacks]
        started = time.perf_counter()
        docs = options.write_reports(run.path, reports)
        seal_shard(args, project, stacks, run.path, reads := run_seal.reads(project, runs, cache, run))
        code = 1 if any(r.blocked for r in reports) else 0
        render(reports, args.format, many=bool(args.all), quiet=args.quiet, reports_dir=out, docs=docs)
        run.publish(stacks, {**index(code, reads), **judge.referenced_seal()})
    timings["reporting"] = time.perf_counter() - started
    print_timings(args, timings, sum(r.resources for r in reports), time.perf_counter() - begun)
    return code


def _program_notes(args: argparse.Namespace, runs: dict[str, Any], out: Path | None) -> None:
    """Like the CLI's preview: the program's warnings, unresolved StackReferences, timings; on stderr."""
    from gate.side_effects import UNSAFE

    if runs and os.environ.get(UNSAFE) == "1":   # round 20: a control switched off is no verdict (a warning)
        raise GateError(f"{UNSAFE}=1: the programs were allowed to start processes, use the network and "
                        "write files while recorded (meant for the engine's own process tests): no verdict; "
                        "unset it")
    for r in runs.values():
        for d in r.diagnostics:
            print(f"gate: warning: stack {r.stack}: {printable(str(d['message']))}", file=sys.stderr)
        for target, resolved in r.stack_references.items():
            if not resolved:
                _note(f"stack {r.stack}: StackReference {target!r} has no offline state in {out}; "
                      "its outputs are unknown")
        if args.timings:
            count = len(r.checkpoint["deployment"]["resources"])
            print(f"gate: timings: stack {r.stack}: worker {r.wall_seconds:.2f}s, of which program run "
                  f"{r.seconds:.2f}s; {count} resources", file=sys.stderr)


def cmd_analyze(args: argparse.Namespace) -> int:
    from gate.checkpoint_schema import validate_checkpoint
    from gate.project import load_project, load_stack_config, validate_stack_name
    from gate.publish import RunDir
    from gate.recording import checkpoint_identity, normalize_config
    from gate.state_load import load_state

    timings: dict[str, float] = {}
    started = begun = time.perf_counter()
    checked: list[bool] = []
    state = load_state(args.state, checked=checked)
    validate_checkpoint(state, str(args.state), checked)   # before anything runs
    project_name, urn_stack = checkpoint_identity(state, source=str(args.state))
    args.settings = options.settings_for(args, args.program)
    policy = options.policy(args.settings)
    stack = validate_stack_name(args.stack or urn_stack or args.state.name.split(".")[0])
    config: dict[str, Any] = {}
    if args.program is not None:
        project = load_project(args.program)
        config, _ = normalize_config(project.name, load_stack_config(project, stack))
    timings["load"] = time.perf_counter() - started
    meta = {stack: {"project": project_name, "config": config}}
    args.cache_root = cache_root(args, _out_dir(args.out))
    with RunDir(_out_dir(args.out)) as run:
        from gate.environ import environ
        from gate.stack_graphs import ENV, for_analyze

        graphs = for_analyze(args.state, state, project_name, stack, run.path)
        with options.records_env(args.settings, args.program), environ({ENV: str(graphs) if graphs else ""}):
            reports = _evaluate({stack: state}, meta, args, timings, policy, run.path,
                                sources={stack: str(args.state)})
        reports[0].source_fallback = options.shown(args.state)
        started = time.perf_counter()
        docs = options.write_reports(run.path, reports)
        code = 1 if reports[0].blocked else 0
        render(reports, args.format, many=False, quiet=args.quiet, reports_dir=_out_dir(args.out), docs=docs)
        run.publish([stack], {"command": "analyze", "exit": code})
    timings["reporting"] = time.perf_counter() - started
    print_timings(args, timings, reports[0].resources, time.perf_counter() - begun)
    return code
