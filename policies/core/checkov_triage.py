"""The project's decisions on advisory checkov findings: `<records>/checkov-triage.yaml`.

An unexplained advisory hides the next one, so each advisory finding on the project's stacks is fixed in the
program or decided here, as cdk-nag asks of a suppression: the check, the Pulumi type, the logical names it
covers and a reason. The gate reads the file through its `checkov-triage` hook and reports a finding a
decision covers with it (`[triaged <decision>: <reason>]`); a decision never makes a finding pass a mandatory
check (those are waived, with an owner and an expiry, in `waivers/`). A record that cannot be read is an
error naming the file and key, never an empty triage.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any

from policies.core.records import RecordsError, _read_yaml, _shown, records_dir

FILE = "checkov-triage.yaml"
DECISIONS = ("by-design", "not-applicable", "outside-stack", "open")
_KEYS = ("check", "type", "names", "decision", "reason")
_CHECK = re.compile(r"^CKV2?_[A-Z0-9]+_[0-9]+$")
_TYPE = re.compile(r"^[a-z][a-z0-9-]*:[A-Za-z0-9/._-]+:[A-Za-z0-9]+$")


@dataclass(frozen=True)
class Decision:
    """What the project decided about one check on the named resources of one type."""

    check: str
    type: str
    names: tuple[str, ...]
    decision: str
    reason: str

    def covers(self, check: str, token: str, name: str) -> bool:
        return check == self.check and token == self.type and any(
            fnmatch.fnmatchcase(name, glob) for glob in self.names)


def parse_triage(data: Any, path: str) -> tuple[Decision, ...]:
    """The decisions of a triage document; the first problem raises RecordsError naming path and key."""
    entries = data.get("triage") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RecordsError(f"{path}: triage: must be a list of decisions")
    return tuple(_decision(e, f"{path}: triage[{i}]") for i, e in enumerate(entries))


def _decision(entry: Any, where: str) -> Decision:
    if not isinstance(entry, dict) or sorted(entry) != sorted(_KEYS):
        keys = sorted(map(str, entry)) if isinstance(entry, dict) else type(entry).__name__
        raise RecordsError(f"{where}: must have exactly the keys {', '.join(_KEYS)} (has {keys})")
    check, token, names = entry["check"], entry["type"], entry["names"]
    if not isinstance(check, str) or not _CHECK.match(check):
        raise RecordsError(f"{where}.check: {check!r} is not a checkov id (CKV_AWS_61, CKV2_AWS_62)")
    if not isinstance(token, str) or not _TYPE.match(token):
        raise RecordsError(f"{where}.type: {token!r} is not a Pulumi type token")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise RecordsError(f"{where}.names: must be a non-empty list of logical names or globs")
    if entry["decision"] not in DECISIONS:
        raise RecordsError(f"{where}.decision: {entry['decision']!r} is none of {', '.join(DECISIONS)}")
    reason = entry["reason"]
    if not isinstance(reason, str) or len(reason.split()) < 8:
        raise RecordsError(f"{where}.reason: must say why in a sentence (at least eight words)")
    if "]" in reason:
        raise RecordsError(f"{where}.reason: must not hold `]` (it ends the report's `[triaged …]` prefix)")
    return Decision(check, token, tuple(names), entry["decision"], " ".join(reason.split()))


def load_checkov_triage(stack: str) -> tuple[Decision, ...]:
    """The project's decisions (the same for every stack; `stack` is the hook's contract). No file: none."""
    del stack
    path = records_dir() / FILE
    data, error = _read_yaml(path)   # the records' reader: links out, FIFOs, keys given twice refused
    if error:
        raise RecordsError(error.replace(str(path), _shown(path)))
    return () if data is None else parse_triage(data, _shown(path))
