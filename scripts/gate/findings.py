"""Turning policy diagnostics into the gate's Violation records, identically for both evaluation modes."""

from __future__ import annotations

import re
from typing import Any

from gate.model import Violation

_WAIVER = re.compile(
    r"\[waived: (?P<rule>[^\s\]]+) until (?P<expires>\d{4}-\d{2}-\d{2}), owner (?P<owner>[^\]]+)\] ")


def parse_waiver(message: str, urn: str) -> dict[str, Any] | None:
    """A waived finding's violation message starts with `[waived: <rule> until <date>, owner <owner>] `.

    The message as the CLI shows it is the policy description, a newline, then the violation message, so
    the prefix is looked for at the start of any line.
    """
    for line in message.split("\n"):
        m = _WAIVER.match(line)
        if m:
            return {"rule": m["rule"], "resource": urn, "reason": line[m.end():], "owner": m["owner"].strip(),
                    "expires": m["expires"]}
    return None


_TRIAGED = re.compile(r"\[triaged (?P<decision>[a-z-]+): (?P<reason>[^\]]+)\] ")


def triaged_message(decision: str, reason: str, message: str) -> str:
    """An advisory checkov finding the project decided: `[triaged <decision>: <reason>] <message>` (the
    gate writes it, gate.checkov.findings; a reason holds no `]`, policies.core.checkov_triage)."""
    return f"[triaged {decision}: {reason}] {message}"


def triage_note(v: Violation) -> str | None:
    """`<decision>: <reason>` of a triaged finding: an advisory, unwaived checkov finding whose message the
    gate prefixed (a pack's message that only looks so, or a blocking finding, is no triage)."""
    if v.pack != "checkov" or v.level != "advisory" or v.waiver is not None:
        return None
    m = _TRIAGED.match(v.message)
    return f"{m['decision']}: {m['reason']}" if m else None


def violation(pack: str, policy: str, level: str, severity: str, urn: str, type_: str,
              message: str) -> Violation:
    """One finding; the waiver prefix counts only on advisory findings (a pack downgrades waived ones)."""
    message = unicode_text(message)
    waiver = parse_waiver(message, urn) if level == "advisory" else None
    return Violation(pack=pack, policy=policy, level=level, severity=severity, urn=urn, type=type_,  # type: ignore[arg-type]
                     message=message, waiver=waiver)


def unicode_text(text: str) -> str:
    """`text` as UTF-8 can hold it (round 21): an in-process pack's message is a Python string that may hold a
    lone surrogate (bytes decoded with `surrogateescape`), which no report can write (the JSON writer's
    TypeError was an internal error): escaped as `\\udcff`."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def join_message(description: str, message: str | None) -> str:
    """The servicer's convention: the policy description, then a newline and the violation message."""
    return f"{description}\n{message}" if message else description


def unknown_message(policy: str, pack: str, version: str, detail: str) -> str:
    """The servicer's advisory note for a policy that touched a value unknown during preview."""
    return f"can't run policy '{policy}' from policy pack '{pack}@v{version}' during preview: {detail}"


def raised_message(description: str, policy: str, error: BaseException | str) -> str:
    """Fail closed: a policy that raises is a mandatory violation naming the policy and the error."""
    detail = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return f"{description}\npolicy '{policy}' failed, so the resource is not judged compliant: {detail}"


def deadline_detail(seconds: float) -> str:
    """What a policy that overran its deadline is reported with (same text in both modes)."""
    return f"did not finish within {seconds:g} s (policy deadline); not run on the remaining resources"
