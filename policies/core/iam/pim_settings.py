"""PIM activation settings (round 19): an eligible person becomes an administrator by activating, and the
role's or group's PIM policy says what activation asks. One that does not ask for MFA turns the eligibility
into a standing right behind one factor, whatever Conditional Access says at sign-in (a session signed in
once with MFA activates without a new challenge). Closed world: settings the program cannot read block."""

from __future__ import annotations

from typing import Any

from policies.core.iam.statements import as_list
from policies.core.view import StackGraph, get_path, is_unknown, unknown_message

ARM_POLICY = "azure-native:authorization:RoleManagementPolicy"
GROUP_POLICY = "azuread:index/groupRoleManagementPolicy:GroupRoleManagementPolicy"
_ACTIVATION = "enablement_enduser_assignment"  # the rule id ARM gives a role's activation requirements
_MFA = "multifactorauthentication"


def _activation_rule(rule: Any) -> bool:
    if not isinstance(rule, dict):
        return False
    target = rule.get("target") if isinstance(rule.get("target"), dict) else {}
    return str(rule.get("id", "")).lower() == _ACTIVATION or (
        rule.get("ruleType") == "RoleManagementPolicyEnablementRule"
        and str(target.get("caller", "")).lower() == "enduser"
        and str(target.get("level", "")).lower() == "assignment"
    )


def _arm(rules: Any) -> list[str]:
    if is_unknown(rules):
        return [unknown_message("rules", "what PIM activation asks")]
    found = [r for r in as_list(rules) if _activation_rule(r)]
    if not found:
        return [
            "the PIM policy sets no activation rule (Enablement_EndUser_Assignment), so what activation asks "
            "is whatever the portal left; state it with enabledRules [MultiFactorAuthentication, …]"
        ]
    out = []
    for r in found:
        enabled = r.get("enabledRules")
        if is_unknown(enabled):
            out.append(unknown_message("rules.enabledRules", "what PIM activation asks"))
        elif _MFA not in {str(x).lower() for x in as_list(enabled)}:
            out.append(
                f"PIM activation asks {sorted(map(str, as_list(enabled)))} but not "
                "MultiFactorAuthentication: an eligible person becomes an administrator without a second "
                "factor; add it to enabledRules"
            )
    return out


def _group(inputs: dict) -> list[str]:
    mfa = get_path(inputs, "activationRules.requireMultifactorAuthentication")
    if is_unknown(mfa):
        return [unknown_message("activationRules.requireMultifactorAuthentication", "what activation asks")]
    if mfa is True:
        return []
    return [
        "the PIM for Groups policy does not require MFA on activation "
        "(activationRules.requireMultifactorAuthentication true; an authentication context cannot be judged)"
    ]


def activation_problems(graph: StackGraph) -> list[tuple[str, str]]:
    out = [(p.urn, m) for p in graph.by_type(ARM_POLICY) for m in _arm(p.input("rules"))]
    out.extend((p.urn, m) for p in graph.by_type(GROUP_POLICY) for m in _group(p.inputs))
    return out
