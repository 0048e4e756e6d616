"""Errors the gate reports as one line on stderr with exit code 2 (bad input), never as a traceback."""

from __future__ import annotations


class GateError(Exception):
    """Bad input: a program, config, pack or state file the gate cannot use.

    The message names the file, key or stack, e.g. ``"stacks/Pulumi.x.yaml: aws:region: expected a string"``.
    """

    exit_code = 2


class UsageError(GateError):
    """Wrong command-line usage (conflicting or missing options, bad stack name)."""


class ProgramError(GateError):
    """The Pulumi program itself failed (raised, syntax error, missing import)."""
