"""Generate the pia-conditions coverage table (docs/pia-conditions.md, between the coverage markers).

For every data-store type the PIA conditions judge: which rule checks its customer-managed key, public
exposure, TLS and deletion protection, or why that does not apply. `--check` exits 1 when the document
is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "pia-conditions.md"
BEGIN, END = "<!-- coverage:begin -->", "<!-- coverage:end -->"


def matrix() -> dict[str, dict[str, str]]:
    """type -> {aspect: 'check' | 'n/a: reason'}; a missing aspect is a gap (the test fails on it)."""
    sys.path.insert(0, str(ROOT))
    from policies.core.pia_types import PIA_DATA_STORES
    from policies.rules import disallow_public_data_access as pub
    from policies.rules import require_customer_managed_keys as cmk
    from policies.rules import require_deletion_protection as dele
    from policies.rules import require_tls_1_2 as tls

    out: dict[str, dict[str, str]] = {}
    for t in sorted(PIA_DATA_STORES):
        row: dict[str, str] = {}
        if t in cmk.CHECKS:
            row["CMK"] = "check"
        elif t in cmk.EXEMPT:
            row["CMK"] = f"n/a: {cmk.EXEMPT[t]}"
        if t in pub.CHECKS:
            row["public"] = "check"
        elif t in pub.NOT_APPLICABLE:
            row["public"] = f"n/a: {pub.NOT_APPLICABLE[t]}"
        if t in tls.CHECKS:
            row["TLS"] = "check"
        elif t in tls.TLS_ELSEWHERE:
            row["TLS"] = f"n/a: {tls.TLS_ELSEWHERE[t]}"
        if t in dele.TRANSIENT_TYPES:
            row["deletion"] = "n/a: transient messaging, nothing kept"
        else:
            row["deletion"] = (
                "check"
                + (" + service flags" if dele.SERVICE_FLAGS.get(t) else "")
                + (" + lock scope" if t.startswith("azure-native:") else "")
            )
        out[t] = row
    return out


def closed_world() -> list[str]:
    """Roles of every regional type, what is judged, and the reasoned exceptions (markdown lines)."""
    from policies.core import pia_types as pt
    from policies.core.pia_control_types import PIA_CONTROLS
    from policies.core.types import REGIONAL, class_of, load_classes

    elsewhere = pt.judged_elsewhere()
    judged = {"store": pt.PIA_DATA_STORES | set(elsewhere), "control": PIA_CONTROLS | set(elsewhere)}
    counts: dict[tuple[str, str], list[int]] = {}
    for t in load_classes().inventory:
        if class_of(t) not in REGIONAL:
            continue
        role = pt.pia_role(t) or "none"
        row = counts.setdefault((t.split(":", 1)[0], role), [0, 0])
        row[0] += 1
        row[1] += t in judged.get(role, ())
    lines = ["| package | role | types | judged | blocked when used |", "| --- | --- | --- | --- | --- |"]
    for (pkg, role), (n, ok) in sorted(counts.items()):
        blocked = n - ok if role in judged else 0
        lines.append(f"| {pkg} | {role} | {n} | {ok if role in judged else '—'} | {blocked} |")
    lines += [
        "",
        f"Judged = read by a check, or one of the {len(elsewhere)} stores and controls whose reason for "
        "needing no check of its own (judged through the store that holds it, or on the store) is in the "
        "`elsewhere:` section of `policies/data/pia_roles/*.yaml`. The rest blocks when used "
        "(`require-judgeable-data-types`).",
    ]
    return lines


def render() -> str:
    aspects = ("CMK", "public", "TLS", "deletion")
    rules = {
        "CMK": "require-customer-managed-keys",
        "public": "disallow-public-data-access",
        "TLS": "require-tls-1-2",
        "deletion": "require-deletion-protection",
    }
    lines = [
        BEGIN,
        "",
        "| data-store type | " + " | ".join(f"{a} (`{rules[a]}`)" for a in aspects) + " |",
        "| --- | " + " | ".join("---" for _ in aspects) + " |",
    ]
    for t, row in matrix().items():
        lines.append(f"| `{t}` | " + " | ".join(row.get(a, "**GAP**") for a in aspects) + " |")
    return "\n".join([*lines, "", *closed_world(), "", END])


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    new = head + render() + tail
    if "--check" in argv:
        if new != text:
            print(
                "docs/pia-conditions.md coverage table is stale: run scripts/dev/gen_pia_coverage.py",
                file=sys.stderr,
            )
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
