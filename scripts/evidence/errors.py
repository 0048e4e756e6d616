"""Errors the evidence tool reports as one line on stderr with exit code 2 (bad input), never a traceback."""

from __future__ import annotations


class EvidenceError(Exception):
    """Bad input: a state file, register, catalogue or option the export cannot use.

    The message names the file and key, e.g. ``"stacks/records/processing-register.yaml: purposes: missing"``.
    """

    exit_code = 2
