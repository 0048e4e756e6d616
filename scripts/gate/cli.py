"""`gate`: the offline engine's command line (preview a program, analyze an exported state).

Exit codes (docs/gate.md): 0 every pack ran every policy to completion on every resource and none
blocked; 1 blocked by a mandatory violation; 2 bad input, a deadline passed or the run was interrupted
(one line on stderr naming the file, key or stack; no traceback; nothing written to --out);
3 internal error (a gate bug; one line, nothing written). The commands themselves: gate.commands.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import Any

from gate import asof, gate_seal, options, process_ends
from gate.cli_parser import build_parser
from gate.cli_speed import cmd_merge
from gate.commands import cmd_analyze, cmd_preview, render
from gate.deadlines import INTERNAL_ERROR, keep_refusing_hard_exit
from gate.errors import GateError, UsageError, first_line, limit_line, refused_by_limit
from gate.inherited import owned, unnamed_place
from gate.report_parts import printable

_SIGNALLED: list[int] = []   # the signals this process was stopped by (its run's outcome: interrupted)


def _interrupted(signum: int, frame: Any) -> None:
    """SIGINT/SIGTERM: kill every child's process group now, then unwind (temp dirs removed on the way)."""
    from gate.procs import kill_all

    _SIGNALLED.append(signum)
    kill_all()
    raise KeyboardInterrupt


def _unraisable(hook: Any) -> Any:
    """`sys.unraisablehook` while the handlers are in: the handler's KeyboardInterrupt, raised where Python
    cannot propagate it (a weakref callback of importlib's module locks: CI, session 43), is not printed
    as a traceback; the handler already killed the children, so the run still ends as interrupted."""
    def quiet(unraisable: Any) -> None:
        if not (_SIGNALLED and issubclass(unraisable.exc_type, KeyboardInterrupt)):
            hook(unraisable)
    return quiet


def _stopped() -> int:
    """An interrupted run's one line, whatever its unwinding raised: a recording whose zygote the handler
    killed can fail first (CI, session 38: "the recording zygote ended while a worker ran" after SIGTERM)."""
    print("gate: interrupted (nothing written)", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    if argv is None:   # round 48: the exit status is said by a parent no pack runs in (gate.sentinel)
        from gate import sentinel

        sentinel.stand()
        code = _main_guarded(None)
        sentinel.tell(code)
        return code
    return _main_guarded(argv)


def _main_guarded(argv: list[str] | None) -> int:
    import signal

    from gate.asof import AS_OF_ENV
    from gate.environ import kept
    from gate.procs import adopt_orphans, end_adopted, kill_all
    from gate.stdout_guard import claim, release

    if argv is None:    # the gate's own process (its console script, `python -m gate`), not embedded
        adopt_orphans()
        keep_refusing_hard_exit()
        process_ends.keep_refusing()   # round 47: os.exec*, libc's _exit through ctypes
    previous = {}
    _SIGNALLED.clear()
    unraisable = sys.unraisablehook
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, _interrupted)
        sys.unraisablehook = _unraisable(unraisable)
    except ValueError:    # not the main thread (embedded use): no handlers
        pass
    try:
        with owned():   # the signal mask, SIGCHLD, stdio and umask exec handed over (gate.inherited)
            claim()   # what a pack or child writes to stdout goes to stderr: stdout is the report's
            with kept(AS_OF_ENV):   # the run's date is its own: this process's next command reads its own
                return _main(argv)
    finally:
        release()
        kill_all()    # a child an error path left running
        if argv is None:
            end_adopted()   # and what left its group: adopted by this process (round 28)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sys.unraisablehook = unraisable


def _main(argv: list[str] | None) -> int:
    started_ns = time.time_ns()
    try:
        args = build_parser().parse_args(argv)
    except GateError as exc:   # usage (gate.cli_parser): nothing ran, nothing to withdraw
        print(f"gate: error: {printable(str(exc))}", file=sys.stderr)
        return 2
    except SystemExit as exc:   # argparse's own (--help, a usage error): the gate's process says it
        if argv is not None:
            raise
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        code = _run(args)
    except BaseException:
        _withdraw(args, started_ns)
        raise
    if code in (0, 1) and process_ends.tried():   # refused, said on stderr then: the run is not whole
        print("gate: error: code in the gate's process tried to end or replace it (above): the run fails",
              file=sys.stderr)
        code = 2
    changed = gate_seal.changed()   # round 48: a pack edited the gate's modules or classes
    if code in (0, 1) and changed:
        print("gate: error: code in the gate's process changed the gate while it ran "
              f"({printable(changed[0])}; {len(changed)} change(s)): the run fails", file=sys.stderr)
        code = 2
    if code not in (0, 1):
        _withdraw(args, started_ns)
    return code


def _withdraw(args: argparse.Namespace, started_ns: int) -> None:
    """A failed run leaves no earlier run's result in its --out (gate.publish.withdraw): the directory it
    would have published to (a preview's default is [tool.gate] out)."""
    from gate.publish import withdraw

    out = args.out
    if out is None and args.command == "preview":
        out = getattr(getattr(args, "settings", None), "out", None)
    if out is not None and Path(out).is_dir():
        with contextlib.suppress(OSError, GateError):
            withdraw(Path(out), started_ns)


def _run(args: argparse.Namespace) -> int:
    try:
        from gate.env_check import check
        from gate.stdout_guard import claimed

        claimed()
        check()   # round 20: the environment's settings, before anything runs
        if args.command in ("preview", "analyze"):
            try:
                args.as_of = asof.resolve_as_of(args.as_of)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        if args.command == "preview":
            from gate import zygote
            from gate.checkov.processes import end_early

            try:
                return cmd_preview(args)
            finally:
                end_early()
                zygote.end_early()
        if args.command == "merge":
            return cmd_merge(args, render)
        if args.no_checkov:
            return cmd_analyze(args)
        from gate.checkov.processes import early_driver  # checkov imports itself while the state is read

        checkov = lambda: options.settings_for(args, args.program).checkov  # noqa: E731
        return early_driver(lambda: cmd_analyze(args), checkov)
    except GateError as exc:
        if _SIGNALLED:
            return _stopped()
        print(f"gate: error: {printable(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:   # e.g. --out not writable: the environment, not a gate bug
        if _SIGNALLED:
            return _stopped()
        if refused_by_limit(exc):   # a fork the kernel refused (round 26: read as a file's error)
            return _failed(exc)
        where = f"{exc.filename}: " if exc.filename else unnamed_place()
        print(f"gate: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return _stopped()
    except Exception as exc:   # one line, never a pass or a "blocked"
        return _stopped() if _SIGNALLED else _failed(exc)


def _failed(exc: Exception) -> int:
    """A thread the kernel refused is a limit the run hit (exit 2, round 25: RLIMIT_NPROC or memory)."""
    if refused_by_limit(exc):
        print(f"gate: error: {limit_line('', exc)}", file=sys.stderr)
        return 2
    print(f"gate: internal error: {type(exc).__name__}: {first_line(exc)}", file=sys.stderr)
    return INTERNAL_ERROR
