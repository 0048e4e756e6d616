"""Session Manager preferences (round 25): a `Session` document (SSM-SessionManagerRunShell) decides how
the shell sessions people open on hosts are encrypted (`kmsKeyId`) and where they are recorded
(`cloudWatchLogGroupName`, `s3BucketName`). An empty key sends the session under AWS's TLS alone; a log
group outside the stack, or one kept briefly, loses the record of what an administrator typed. The pack
only judges a log group of the stack, so that is what a session must be recorded in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import yaml

from policies.core.view import ResourceView, StackGraph, is_unknown, json_document, unknown_message

DOCUMENT = "aws:ssm/document:Document"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KeyJudge = Callable[[str, Any], list[str]]


def _is_session(d: ResourceView) -> bool:
    kind = d.input("documentType")
    return kind == "Session" or (is_unknown(kind) and d.input("name") == "SSM-SessionManagerRunShell")


def _inputs(d: ResourceView) -> tuple[dict[str, Any] | None, str | None]:
    """The document's `inputs` block, or the message why it cannot be read."""
    raw = d.input("content")
    doc, err = json_document(raw)
    if err == "unknown":
        return None, unknown_message("content", "how the sessions are encrypted and recorded")
    if err and isinstance(raw, str):
        try:
            doc = yaml.safe_load(raw)
        except yaml.YAMLError:
            doc = None
    inputs = doc.get("inputs") if isinstance(doc, dict) else None
    if not isinstance(inputs, dict):
        return None, (
            "the Session Manager preferences' `content` has no readable `inputs` block, so how sessions are "
            "encrypted and recorded cannot be judged; give it as JSON or YAML with `inputs`"
        )
    return inputs, None


def sessions(graph: StackGraph) -> Iterator[tuple[ResourceView, dict[str, Any] | None, str | None]]:
    """Each Session Manager preferences document with its `inputs`, or why they cannot be read."""
    for d in graph.by_type(DOCUMENT):
        if _is_session(d):
            yield (d, *_inputs(d))


def session_keys(graph: StackGraph, judge: KeyJudge) -> list[tuple[str, str]]:
    """Each Session document's `inputs.kmsKeyId`, judged as any store's key (empty: no customer key)."""
    out: list[tuple[str, str]] = []
    for d, inputs, err in sessions(graph):
        if err:
            out.append((d.urn, err))
            continue
        out.extend((d.urn, m) for m in judge("content.inputs.kmsKeyId", (inputs or {}).get("kmsKeyId")))
    return out


def stack_log_group(d: ResourceView, graph: StackGraph, name: Any, fld: str) -> ResourceView | None:
    """The log group of the stack that `d` names (by `name`, or fed into its field `fld`), or None."""
    groups = graph.by_type(LOG_GROUP)
    named = [g for g in groups if g.input("name") == name]
    if named:
        return named[0]
    fed = [g for g in graph.dependency_of(d, fld) if g.type == LOG_GROUP]
    return fed[0] if len(fed) == 1 and is_unknown(name) else None


def _days(g: ResourceView) -> float | None:
    raw = g.input("retentionInDays")
    if raw is None:
        return float("inf")  # never expires
    try:
        days = None if isinstance(raw, bool) else float(str(raw))
    except ValueError:
        return None
    return float("inf") if days == 0 else days  # 0: never expires


def kept_problems(g: ResourceView, minimum: int, what: str) -> list[tuple[str, str]]:
    """Log group `g` (which records `what`) keeps at least `minimum` days, else why not."""
    if is_unknown(g.input("retentionInDays")):
        return [(g.urn, unknown_message("retentionInDays", "how long the log is kept"))]
    days = _days(g)
    if days is None or days < minimum:
        return [
            (
                g.urn,
                f"the log group {g.input('name')!r} records {what} and keeps {g.input('retentionInDays')!r} "
                f"days; keep it at least {minimum} days (or leave retentionInDays unset: never expire)",
            )
        ]
    return []


def session_log_retention(graph: StackGraph, minimum: int) -> list[tuple[str, str]]:
    """Session documents record into a log group of the stack that keeps at least `minimum` days."""
    out: list[tuple[str, str]] = []
    for d, inputs, err in sessions(graph):
        if err:
            out.append((d.urn, err))
            continue
        name = (inputs or {}).get("cloudWatchLogGroupName")
        g = stack_log_group(d, graph, name, "content") if name else None
        if g is None:
            out.append(
                (
                    d.urn,
                    f"the Session Manager preferences record sessions in {name or 'no log group'!r}, "
                    "which is not a log group of the stack: how long what administrators typed is kept "
                    "cannot be judged; set `cloudWatchLogGroupName` to a log group the stack declares",
                )
            )
            continue
        out.extend(kept_problems(g, minimum, "Session Manager sessions (what administrators typed on hosts)"))
    return out
