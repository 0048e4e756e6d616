"""The authorisation takes effect only once the PIA action points are implemented and the residual risk is
accepted by the leading official (D36 §101, §102, §132): without a valid PIA record, no data-bearing resource.
"""

from __future__ import annotations

from policies.core.helpers import tags_of
from policies.core.records import load_pia
from policies.core.rule import Rule, RuleContext
from policies.core.types import DATA_BEARING, UNTAGGABLE
from policies.core.view import ResourceView, StackGraph


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    """A stack-wide precondition, reported on every data-bearing resource it blocks."""
    pia = load_pia(ctx.stack or None)
    blocked = (
        None
        if pia.ok
        else (
            f"the PIA preconditions of stack {ctx.stack or '<unknown>'} are not met "
            "(D36 §132): " + "; ".join(pia.problems)
        )
    )
    out: list[tuple[str, str]] = []
    for r in graph.resources:
        if r.type in DATA_BEARING:
            out.extend((r.urn, m) for m in ([blocked] if blocked else _tagged(r, pia.reference, pia.path)))
    return out


def _tagged(view: ResourceView, reference: str, path: str) -> list[str]:
    if view.type in UNTAGGABLE:
        return []
    tags, problem = tags_of(view)
    if problem:
        return [problem]
    ref = (tags or {}).get("pia-reference")
    if ref != reference:
        return [f"tag `pia-reference` is {ref!r} but the stack's PIA record ({path}) is {reference!r}"]
    return []


RULE = Rule(
    id="require-pia-record",
    title="A valid, accepted PIA record covers every data-bearing resource of the stack.",
    severity="critical",
    remediation="Add or renew stacks/records/pia/<stack>.yaml: reference, classification, every D36 §101 "
    "action "
    "point 'implemented', residual risk accepted by the leading official with a future expiry; "
    "tag "
    "resources with its reference.",
    controls=("PIA-01", "PIA-06", "PIA-07", "PIA-08", "ACC-01"),
    check=check,
    module=__name__,
    scope="stack",
    waivable=False,
)
