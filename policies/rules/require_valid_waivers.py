"""Waivers are owned, justified and time-boxed; an invalid or expired one blocks (art. 5.2 accountability)."""

from __future__ import annotations

from policies.core.records import load_waivers
from policies.core.rule import Rule, RuleContext
from policies.core.view import StackGraph


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    return [("", problem) for problem in load_waivers(ctx.stack or None).problems]


RULE = Rule(
    id="require-valid-waivers",
    title="Every waiver record of the stack is well-formed and not expired.",
    severity="high",
    remediation="Fix or remove the waiver in stacks/records/waivers/<stack>.yaml: rule, resource, a reason "
    "of at "
    "least 20 characters, owner and a future expiry date.",
    controls=("ACC-01",),
    check=check,
    module=__name__,
    scope="stack",
    waivable=False,
)
