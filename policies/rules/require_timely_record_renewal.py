"""Owners hear of an expiring waiver or PIA acceptance before it lapses and blocks their deployments.

Advisory in the pack: the finding warns; the expiry itself blocks through require-valid-waivers and
require-pia-record once the evaluation date passes it.
"""

from __future__ import annotations

import datetime as dt

from policies.core.records import evaluation_date, load_pia, load_waivers
from policies.core.rule import Rule, RuleContext
from policies.core.view import StackGraph

DEFAULT_WARNING_DAYS = 30


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    days = ctx.config.get("renewalWarningDays", DEFAULT_WARNING_DAYS)
    # Numbers cross the Analyzer protocol as floats (protobuf Struct): 30.0 is the whole number 30.
    if isinstance(days, bool) or not isinstance(days, int | float) or days != int(days) or days < 0:
        raise ValueError(f"renewalWarningDays: {days!r} is not a whole number of days >= 0")
    return [("", m) for m in renewals_due(ctx.stack, evaluation_date(), int(days))]


def renewals_due(stack: str, on: dt.date, days: int) -> list[str]:
    """Valid waivers and PIA acceptances of `stack` that expire within `days` after `on`, as messages.

    Expired or malformed records are not listed here: they already block (require-valid-waivers,
    require-pia-record). The message names the record, the expiry date and its owner.
    """
    horizon = on + dt.timedelta(days=days)
    out: list[str] = []
    waivers = load_waivers(stack, on)
    for w in sorted(waivers.waivers, key=lambda w: (w.expires, w.rule, w.resource)):
        if w.expires <= horizon:
            out.append(f"{waivers.path}: waiver of {w.rule} for {w.resource} expires on "
                       f"{w.expires.isoformat()} ({(w.expires - on).days} days after {on.isoformat()}); "
                       f"owner {w.owner} must renew or resolve it")
    pia = load_pia(stack, on)
    expires = pia.acceptance_expires
    if expires is not None and on <= expires <= horizon:
        out.append(f"{pia.path}: residual_risk acceptance expires on {expires.isoformat()} "
                   f"({(expires - on).days} days after {on.isoformat()}); {pia.accepted_by or 'its owner'} "
                   "must renew it (D36 §101 7th)")
    return out


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
