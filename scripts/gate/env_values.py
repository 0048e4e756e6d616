"""The gate's numeric settings from environment variables, parsed in one place (round 20).

A CI job passes them as text it may never have looked at: empty (a `NAME:` with no value) is unset, the
default; anything but a positive number in ASCII digits is bad input naming the variable (exit 2). Not a
traceback (`int("²")`: `str.isdigit` says yes), not a zero or a negative that turns a bound into "every
program fails" or "never wait", not a deadline past what a wait can hold (`Event.wait(1e23)` overflows;
`nan` and `inf` never end). `gate.env_check.check` reads every variable before a command runs anything.
"""

from __future__ import annotations

import math
import os
import re

from gate.errors import UsageError

MAX_SECONDS = 7 * 24 * 3600.0   # a week: a longer deadline is none, and longer waits overflow time_t
MAX_PROCESSES = 256             # forced workers or checkov jobs: more forks than any host here has CPUs
_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|\.[0-9]+([eE][-+]?[0-9]+)?")


def seconds(name: str, default: float) -> float:
    """`name` as a positive number of seconds at most MAX_SECONDS, else `default` when unset or empty."""
    text = os.environ.get(name, "")
    if not text:
        return default
    value = float(text) if _NUMBER.fullmatch(text) else math.nan
    if not 0 < value <= MAX_SECONDS:
        raise UsageError(f"{name}: expected a positive number of seconds (at most {MAX_SECONDS:g}), "
                         f"got {text!r}")
    return value


def count(name: str, default: int, most: int | None = None) -> int:
    """`name` as a positive integer (at most `most`), else `default` when unset or empty."""
    text = os.environ.get(name, "")
    if not text:
        return default
    value = int(text) if text.isascii() and text.isdigit() else 0
    if value < 1 or (most is not None and value > most):
        bound = f" (at most {most})" if most is not None else ""
        raise UsageError(f"{name}: expected a positive integer{bound}, got {text!r}")
    return value

