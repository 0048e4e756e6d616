"""Read the controls catalogue and rule metadata (policies/) through one adapter.

The evidence tool only needs attribute access, so tests can pass any object with the same attributes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from evidence.errors import EvidenceError


@dataclass
class DerivedControl:
    """A control known only from the rules that cite it (no catalogue entry to give its legal source)."""

    id: str
    title: str
    statement: str = "Not in a controls catalogue: derived from the rules that cite this control id."
    kind: str = "technical"
    sources: list[Any] = field(default_factory=list)
    gdpr: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    checkov: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class DerivedCatalogue:
    """Stand-in when policies.catalogue is not installed: one control per control id the rules cite."""

    controls: list[DerivedControl]

    def rules_for(self, control_id: str) -> list[str]:
        return next((c.rules for c in self.controls if c.id == control_id), [])


def derive(rules: dict[str, Any]) -> DerivedCatalogue:
    """Controls from rule metadata (`Rule.controls`), sorted by id."""
    by_control: dict[str, list[str]] = {}
    for rid, rule in sorted(rules.items()):
        for cid in getattr(rule, "controls", ()) or ():
            by_control.setdefault(cid, []).append(rid)
    return DerivedCatalogue(
        [DerivedControl(id=cid, title=cid, rules=rids) for cid, rids in sorted(by_control.items())]
    )


def load() -> Any:
    """The project's controls catalogue; a one-line error when it is invalid.

    Without the catalogue module the controls are derived from the rules (with a note on stderr), so an
    export still shows every rule's verdict; they have no legal sources.
    """
    try:
        from policies.catalogue import load_catalogue
    except ImportError:
        print(
            "evidence: note: policies.catalogue not available; controls derived from rule metadata "
            "(no legal sources)",
            file=sys.stderr,
        )
        return derive(load_rules())
    try:
        return load_catalogue()
    except Exception as exc:  # the loader validates; any failure is bad input for us
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = "" if "controls.yaml" in message else "policies/catalogue/controls.yaml: "
        raise EvidenceError(f"{where}{message}") from None


def load_rules() -> dict[str, Any]:
    """Rule metadata by rule id ({} when the rule library is not available)."""
    try:
        from policies.rules import all_rules
    except ImportError:
        return {}
    try:
        return {r.id: r for r in all_rules()}
    except Exception as exc:
        raise EvidenceError(f"policies/rules: {exc}") from None


def rules_of(catalogue: Any, control: Any) -> list[str]:
    """Rule ids that verify ``control`` (declared on the control or by the rules themselves)."""
    ids = list(getattr(control, "rules", []) or [])
    rules_for = getattr(catalogue, "rules_for", None)
    if callable(rules_for):
        for r in rules_for(control.id) or []:
            rid = r if isinstance(r, str) else getattr(r, "id", str(r))
            if rid not in ids:
                ids.append(rid)
    return ids


def sources_text(control: Any) -> str:
    """The legal paragraphs of a control as one line, e.g. "D36 §101 (4th); DPA annex 3 b.iii.2"."""
    parts = []
    for s in getattr(control, "sources", []) or []:
        parts.append(f"{getattr(s, 'doc', '')} {getattr(s, 'paragraph', '')}".strip())
    return "; ".join(p for p in parts if p)
