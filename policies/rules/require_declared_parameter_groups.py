"""A database's TLS lives in its parameter group (DPA annex 3 a.i, a.ii, b.v): a group named by a literal
string must be one the stack declares, so that require-tls-1-2 has judged it. Judged over the graph,
because a resource policy sees no other resource (round 15: a hand-made group named by string passed)."""

from __future__ import annotations

from policies.core.rule import Rule, RuleContext
from policies.core.tls_policies import undeclared_groups
from policies.core.view import StackGraph


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    return undeclared_groups(graph)


RULE = Rule(
    id="require-declared-parameter-groups",
    title="A database's parameter group is one the stack declares, so its TLS settings are judged.",
    severity="high",
    remediation="Declare the parameter group in the stack (with the TLS parameters require-tls-1-2 asks for) "
    "and pass its name output, or its exact `name`, to the database.",
    controls=("ENC-05",),
    check=check,
    module=__name__,
    scope="stack",
)
