"""The evaluation date: which day records (waivers, acceptances) are judged on.

`--as-of YYYY-MM-DD` lets an auditor ask "was this compliant on 2026-06-30" and CI ask "will this still
pass in 14 days"; without it the gate judges today (UTC), as a gate must. The date reaches the packs,
in-process and over gRPC alike, through the environment variable GATE_AS_OF, which packs read instead
of the clock.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re

AS_OF_ENV = "GATE_AS_OF"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_as_of(text: str) -> str:
    """A strict YYYY-MM-DD calendar date (argparse type), returned in that form."""
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}")


def resolve_as_of(flag: str | None) -> str:
    """`flag`, else GATE_AS_OF, else today (UTC); exported as GATE_AS_OF for the packs and sub-tools.

    Raises ValueError naming the variable when GATE_AS_OF is set but not a date.
    """
    if flag is None:
        env = os.environ.get(AS_OF_ENV, "")
        try:
            flag = parse_as_of(env) if env else dt.datetime.now(dt.UTC).date().isoformat()
        except argparse.ArgumentTypeError as exc:
            raise ValueError(f"environment {AS_OF_ENV}: {exc}") from None
    os.environ[AS_OF_ENV] = flag
    return flag


def add_argument(parser: argparse.ArgumentParser) -> None:
    """The `--as-of` option, identical for `gate` and `evidence`."""
    parser.add_argument("--as-of", type=parse_as_of, metavar="YYYY-MM-DD",
                        help=f"judge records (waivers, acceptances) on this date (default: ${AS_OF_ENV}, "
                             "else today in UTC); recorded in every report")
