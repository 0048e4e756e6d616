"""Read the controls catalogue and rule metadata (policies/) through one adapter.

The evidence tool only needs attribute access, so tests can pass any object with the same attributes.
"""

from __future__ import annotations

from typing import Any

from gate.errors import first_line

from evidence.errors import EvidenceError


def load() -> Any:
    """The project's controls catalogue (every control with its legal sources); a one-line error when it is
    invalid."""
    from policies.catalogue import load_catalogue

    try:
        return load_catalogue()
    except Exception as exc:  # the loader validates; any failure is bad input for us
        message = first_line(exc)
        where = "" if "controls.yaml" in message else "policies/catalogue/controls.yaml: "
        raise EvidenceError(f"{where}{message}") from None


def load_rules() -> dict[str, Any]:
    """Rule metadata by rule id."""
    from policies.rules import all_rules

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
