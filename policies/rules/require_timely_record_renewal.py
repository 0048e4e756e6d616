"""Owners hear of an expiring waiver or PIA acceptance before it lapses and blocks their deployments.

Advisory in the pack: the finding warns; the expiry itself blocks through require-valid-waivers and
require-pia-record once the evaluation date passes it.
"""

from __future__ import annotations

from policies.core.records import evaluation_date, renewals_due
from policies.core.rule import Rule, RuleContext
from policies.core.view import StackGraph

DEFAULT_WARNING_DAYS = 30


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    days = ctx.config.get("renewalWarningDays", DEFAULT_WARNING_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"renewalWarningDays: {days!r} is not a whole number of days >= 0")
    return [("", m) for m in renewals_due(ctx.stack, evaluation_date(), days)]


RULE = Rule(
    id="require-timely-record-renewal",
    title="No waiver or PIA acceptance of the stack expires within the renewal warning window.",
    severity="medium",
    remediation="Renew the record (a new decision date and expiry, signed off by its owner) or resolve "
    "the finding it covers, before the expiry date named in the finding.",
    controls=("ACC-01", "PIA-06"),
    check=check,
    module=__name__,
    scope="stack",
    config_schema={"renewalWarningDays": {"type": "integer", "minimum": 0, "default": DEFAULT_WARNING_DAYS}},
    waivable=False,
)
