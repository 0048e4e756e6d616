"""Administrators authenticate with two factors: Conditional Access MFA on Azure (D36 §101 4th) and an MFA
condition on every human-assumable IAM role (DPA annex 3 b.iii.2; CLOUD "Multifactorauthenticatie")."""

from __future__ import annotations

from typing import Any

from policies.core.helpers import parse_policy
from policies.core.rule import Rule, RuleContext
from policies.core.types import AZURE_DATA_STORES
from policies.core.view import ResourceView, StackGraph, get_path

CA_POLICY = "azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy"
_ASSUME = ("sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity", "sts:*", "*")


def _human(stmt: dict[str, Any]) -> bool:
    """A statement that lets people (AWS accounts/users/roles or federated identities) assume the role."""
    principal = stmt.get("Principal")
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return "AWS" in principal or "Federated" in principal


def _mfa(stmt: dict[str, Any]) -> bool:
    cond = stmt.get("Condition") or {}
    for op in ("Bool", "BoolIfExists"):
        block = cond.get(op) if isinstance(cond, dict) else None
        if isinstance(block, dict) and str(block.get("aws:MultiFactorAuthPresent", "")).lower() == "true":
            return op == "Bool"
    return False


def _role(r: ResourceView) -> list[str]:
    stmts, problem = parse_policy(r, "assumeRolePolicy")
    if problem:
        return [problem]
    out = []
    for i, s in enumerate(stmts):
        actions = s.get("Action")
        actions = [str(a).lower() for a in (actions if isinstance(actions, list) else [actions])]
        if s.get("Effect") != "Allow" or not any(a in _ASSUME for a in actions) or not _human(s):
            continue
        if "Federated" in (s.get("Principal") or {}) and not _mfa(s):
            out.append(
                f"trust statement {i} lets federated identities assume the role without an "
                "`aws:MultiFactorAuthPresent` condition"
            )
        elif not _mfa(s):
            out.append(
                f"trust statement {i} lets people assume the role without "
                "`Bool: aws:MultiFactorAuthPresent = true`"
            )
    return out


def _conditional_access(graph: StackGraph) -> list[str]:
    for p in graph.by_type(CA_POLICY):
        controls = get_path(p.inputs, "grantControls.builtInControls") or []
        if p.input("state") == "enabled" and isinstance(controls, list) and "mfa" in controls:
            return []
    return [
        "no enabled Conditional Access policy requires MFA (grantControls.builtInControls: mfa) for the "
        "administrators of the Azure environment"
    ]


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for r in graph.by_type("aws:iam/role:Role"):
        out.extend((r.urn, m) for m in _role(r))
    if any(r.type in AZURE_DATA_STORES for r in graph.resources):
        out.extend(("", m) for m in _conditional_access(graph))
    return out


RULE = Rule(
    id="require-admin-mfa",
    title="Every human administrator needs a second factor (Azure Conditional Access, MFA-only IAM roles).",
    severity="critical",
    remediation="Add `Bool: {aws:MultiFactorAuthPresent: 'true'}` to every trust statement for people; "
    "deploy an "
    "enabled Conditional Access policy with builtInControls [mfa] for Azure administrators.",
    controls=("PIA-03", "IAM-03", "IAM-07", "IAM-08", "PIA-07"),
    check=check,
    module=__name__,
    scope="stack",
)
