"""Small helpers the report renderers share (JSON/SARIF/JUnit in gate.report, text in gate.report_text);
a leaf module, so neither renderer imports the other."""

from __future__ import annotations

from collections.abc import Iterable

from gate.model import Violation


def short_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if urn else ""


def grouped(violations: Iterable[Violation]) -> dict[str, dict[str, list[Violation]]]:
    """Findings by pack, then policy (in the report's order)."""
    out: dict[str, dict[str, list[Violation]]] = {}
    for v in violations:
        out.setdefault(v.pack, {}).setdefault(v.policy, []).append(v)
    return out


def detail(message: str) -> str:
    """The violation message without the policy description line the CLI prepends."""
    head, sep, rest = message.partition("\n")
    return rest if sep else head
