"""Waivers are owned, justified, time-boxed and name what exists; else they block (art. 5.2 accountability).

A waiver that names a rule no pack has, a rule that cannot be waived (residency is a contract term,
DPA art. 12), or a URN that is not in the stack would otherwise sit in the records looking like an
accepted risk while it covers nothing, or covers the wrong thing after a rename.
"""

from __future__ import annotations

import re

from policies.core.records import load_waivers
from policies.core.rule import Rule, RuleContext
from policies.core.view import StackGraph

_CHECKOV_ID = re.compile(r"^CKV2?_[A-Z0-9]+_[0-9]+$")


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    from policies.rules import all_rules  # the registry this rule is part of (lazy: no import cycle)

    waivers = load_waivers(ctx.stack or None)
    out = [("", problem) for problem in waivers.problems]
    rules = {r.id: r for r in all_rules()}
    for w in waivers.waivers:
        where = f"{waivers.path}: waiver of {w.rule} for {w.resource}"
        known = rules.get(w.rule)
        if known is None and not _CHECKOV_ID.match(w.rule):
            out.append(("", f"{where}: no rule {w.rule!r} exists; it waives nothing"))
        elif known is not None and not known.waivable:
            out.append(("", f"{where}: rule {w.rule} cannot be waived; fix the finding instead"))
        elif graph.get(w.resource) is None:
            out.append(("", f"{where}: no resource with this URN in the stack (stale waiver); remove it"))
    return out


RULE = Rule(
    id="require-valid-waivers",
    title="Every waiver record of the stack is well-formed, current, and names a waivable rule and a "
    "resource of the stack.",
    severity="high",
    remediation="Fix or remove the waiver in stacks/records/waivers/<stack>.yaml: a waivable rule id, the "
    "resource's exact URN, a reason of at least 20 characters, owner, the decision date and an expiry at "
    "most 12 months after it.",
    controls=("ACC-01",),
    check=check,
    module=__name__,
    scope="stack",
    waivable=False,
)
