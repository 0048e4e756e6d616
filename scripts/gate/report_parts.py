"""Small helpers the report renderers share (JSON/SARIF/JUnit in gate.report, text in gate.report_text);
a leaf module, so neither renderer imports the other."""

from __future__ import annotations

from collections.abc import Iterable

from gate.model import Violation


def short_name(urn: str) -> str:
    """The resource name: everything after the URN's third `::` (a name may itself hold `::`)."""
    parts = urn.split("::", 3) if urn else []
    return parts[3] if len(parts) == 4 else (urn.rsplit("::", 1)[-1] if urn else "")


# C0 controls (newline, carriage return, ESC, ...), DEL and C1: a value holding them could start a line a
# CI log reads as a workflow command (`::error::`, `::stop-commands::`) or move the cursor over the verdict
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}
_CONTROLS.update({0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"})
# round 6: line and paragraph separators (U+2028/U+2029: `str.splitlines` and many log viewers break there)
# and the bidirectional controls (U+202E turns a line around), escaped as \uXXXX
_CONTROLS.update({c: f"\\u{c:04x}" for c in [0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F),
                                             *range(0x2066, 0x206A)]})
# round 21: the noncharacters XML 1.0 forbids (with the C0 controls above: JUnit XML stays parsable)
_CONTROLS.update({0xFFFE: "\\ufffe", 0xFFFF: "\\uffff"})


def printable(value: str) -> str:
    """`value` for one line of a log: control characters escaped (`\\n`, `\\x1b`), and a leading `::` (a
    workflow command when it starts the line) escaped as `\\x3a:`."""
    # every character _CONTROLS maps is one `str.isprintable` refuses (Cc, Cf, Zl, Zp, Cn): the C check
    # spares the per-character translate on the common, clean value
    text = value if value.isprintable() else value.translate(_CONTROLS)
    stripped = text.lstrip(" ")
    if stripped.startswith("::"):
        text = text[:len(text) - len(stripped)] + "\\x3a" + stripped[1:]
    return text


def labelled_message(message: str) -> str:
    """A finding's message for a report read as text (JUnit, SARIF; round 21: a value in it started a line
    there that read as the verdict): the policy description and the violation message each `printable`,
    each on a line of its own that starts with a label, never with what a program or pack gave."""
    description, sep, finding = message.partition("\n")
    if not sep:
        description, finding = "", description
    return (f"policy: {printable(description)}\n" if description else "") + f"finding: {printable(finding)}"


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
