"""Errors the gate reports as one line on stderr with exit code 2 (bad input), never as a traceback."""

from __future__ import annotations

from typing import Any


class GateError(Exception):
    """Bad input: a program, config, pack or state file the gate cannot use.

    The message names the file, key or stack, e.g. ``"stacks/Pulumi.x.yaml: aws:region: expected a string"``.
    """

    exit_code = 2


class UsageError(GateError):
    """Wrong command-line usage (conflicting or missing options, bad stack name)."""


class ProgramError(GateError):
    """The Pulumi program itself failed (raised, syntax error, missing import)."""


LIMIT = "a limit on processes and threads, RLIMIT_NPROC, or on memory"


def refused_by_limit(exc: BaseException) -> bool:
    """The kernel refused a thread (`can't start new thread`) or a child `subprocess` forks (EAGAIN): a
    limit the run hit, to be named as such rather than blamed on the program or read as a gate bug
    (rounds 25, 26). A BlockingIOError from elsewhere (a full non-blocking pipe) is not one; the gate's
    own `os.fork` sites say so themselves."""
    if isinstance(exc, RuntimeError):
        return str(exc) == "can't start new thread"
    frames, tb = set(), exc.__traceback__
    while tb is not None:
        frames.add((tb.tb_frame.f_code.co_filename.rsplit("/", 1)[-1], tb.tb_frame.f_code.co_name))
        tb = tb.tb_next
    return isinstance(exc, BlockingIOError) and ("subprocess.py", "_execute_child") in frames


def limit_line(what: str, exc: BaseException | str) -> str:
    """One line for a refused thread or process: what could not start, why, and the limit to raise."""
    where = f"{what}: " if what else ""
    return f"{where}cannot start a process or thread: {exc} ({LIMIT}; raise it, or run fewer at once)"


def limit_note() -> str:
    """For a child that ended without a word (gRPC's threads are native: a refused one aborts the process,
    round 26): the process limit in force, when one is, as the likely cause to check ("" when none is)."""
    import os
    import resource

    soft = resource.getrlimit(resource.RLIMIT_NPROC)[0] if hasattr(resource, "RLIMIT_NPROC") else -1
    if soft == resource.RLIM_INFINITY or soft < 0 or os.getuid() == 0:   # root is exempt from it
        return ""
    return (f" (RLIMIT_NPROC is {soft} here: the run may have reached this limit on processes and threads; "
            "raise it, or run fewer at once)")


def first_line(exc: BaseException) -> str:
    """What an exception says, on one line (its type when it says nothing): errors print one line."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def needed(module: str, what: str) -> Any:
    """A part no run does without, imported: failing to is exit 2 naming it, never a run without it (a
    scan or an evaluation lost is not a clean one; CI, session 43: a C extension's dlopen refused under
    RLIMIT_AS had skipped checkov's scan with a note)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise GateError(f"{what}: cannot load {module} ({first_line(exc)}); nothing judged") from None
