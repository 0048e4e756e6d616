"""A type that keeps data, or decides how a store is encrypted, exposed or read, passes only when a PIA check
reads it: the closed world of the pia-conditions pack.

Every regional type of the installed SDKs has a PIA role (policies/data/pia_roles/): `store` (keeps data at
rest), `control` (sets a store's key, exposure, TLS, retention or readers) or `part` (neither). A store the
key/exposure/TLS/deletion rules do not judge, or a control no rule reads, would pass unjudged, so it blocks
here, naming the type; so does a regional type with no role (an SDK upgrade added it). The role files'
`elsewhere:` sections name the stores and controls that need no check of their own, each with its reason.
"""

from __future__ import annotations

from policies.core.apim_access import UNJUDGED as APIM_UNJUDGED
from policies.core.browser_front_ends import UNJUDGED as FRONT_ENDS_UNJUDGED
from policies.core.netapp_volumes import UNJUDGED as NETAPP_UNJUDGED
from policies.core.pia_control_types import PIA_CONTROLS
from policies.core.pia_types import PIA_DATA_STORES, judged_elsewhere, pia_role
from policies.core.rule import Rule, RuleContext
from policies.core.types import REGIONAL, class_of
from policies.core.view import ResourceView

_COVERAGE = "docs/pia-conditions.md#checks-per-control"
# Services AWS no longer offers to new customers (round 26): a program cannot create them for an account that
# never used them, and they get no new checks here; the message names what to use instead.
CLOSED_SERVICES = {
    "aws:cloud9/": "AWS Cloud9 is closed to new customers since 2024-07-25 (existing environments keep "
    "working, none is judged here): open shells on the stack's hosts with Session Manager (its preferences "
    "judged: CMK, sessions recorded ten years) and edit from a local IDE over it",
}
# Type prefix -> how to make a refused store or control judgeable, where more can be said than the generic
# text (round 52: the NetApp Files stores beside volumes; round 53: WorkSpaces, QuickSight, Secure Browser;
# round 54: WorkSpaces directories and IP groups; round 73: API Management workspaces).
HOW_TO_JUDGE = {**NETAPP_UNJUDGED, **FRONT_ENDS_UNJUDGED, **APIM_UNJUDGED}


def _how(t: str) -> str:
    return next((f" ({why})" for prefix, why in HOW_TO_JUDGE.items() if t.startswith(prefix)), "")


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    t = view.type
    if not view.custom or class_of(t) not in REGIONAL:
        return []
    for prefix, why in CLOSED_SERVICES.items():
        if t.startswith(prefix):
            return [f"{t}: {why}"]
    role = pia_role(t)
    if role is None:
        return [f"{t} has no PIA role in policies/data/pia_roles/, so whether it keeps data cannot be judged"]
    if t in judged_elsewhere():
        return []
    if role == "store" and t not in PIA_DATA_STORES:
        return [
            f"{t} keeps data, and no pia-conditions check reads its key, public exposure, TLS and deletion "
            f"protection: use a judged store ({_COVERAGE}) or add the checks{_how(t)}"
        ]
    if role == "control" and t not in PIA_CONTROLS:
        return [
            f"{t} decides how a data store is encrypted, exposed or read, and no pia-conditions check reads "
            f"it: leave it out, or add a check ({_COVERAGE}){_how(t)}"
        ]
    return []


RULE = Rule(
    id="require-judgeable-data-types",
    title="Every resource that keeps data or decides its protection is of a type the PIA checks judge.",
    severity="high",
    remediation="Use the judged data stores and settings listed in docs/pia-conditions.md (coverage "
    "table), or add a check for the type to the key, exposure, TLS and deletion rules and list it in "
    "policies/core/pia_types.py.",
    controls=("ENC-01", "IAM-02"),
    check=check,
    module=__name__,
)
