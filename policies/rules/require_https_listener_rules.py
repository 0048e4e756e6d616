"""Rules on a load balancer's plain-text listener only redirect to HTTPS (DPA annex 3 a.i, a.ii, b.v): a
listener whose default action redirects can still forward a path in plain text through a listener rule.
Judged over the graph, because a rule's TLS is its listener's (require-tls-1-2 judges the listener)."""

from __future__ import annotations

from policies.core.rule import Rule, RuleContext
from policies.core.tls_policies import listener_rules
from policies.core.view import StackGraph


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    return listener_rules(graph)


RULE = Rule(
    id="require-https-listener-rules",
    title="Listener rules on a plain-text listener only redirect to HTTPS.",
    severity="high",
    remediation="Put forwarding rules on the HTTPS listener (listed sslPolicy); on port 80 keep only "
    "HTTP→HTTPS redirects; declare the listener in the same stack as its rules.",
    controls=("ENC-05",),
    check=check,
    module=__name__,
    scope="stack",
)
