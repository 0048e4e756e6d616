"""PIM activation settings (round 19): an eligible person becomes an administrator by activating, and the
role's or group's PIM policy says what activation asks. One that does not ask for MFA turns the eligibility
into a standing right behind one factor, whatever Conditional Access says at sign-in (a session signed in
once with MFA activates without a new challenge). Closed world: settings the program cannot read block."""

from __future__ import annotations

from typing import Any

from policies.core.iam.standing_roles import PRIVILEGED, template_of
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


# Round 41: a directory role's PIM settings (what activation asks) are the tenant's role setting, which no
# resource of the azuread provider declares (it has groupRoleManagementPolicy for PIM for Groups only), so the
# PIA record states it per role, as it states Identity Center's MFA mode.
ELIGIBILITY = "azuread:index/directoryRoleEligibilityScheduleRequest:DirectoryRoleEligibilityScheduleRequest"
RECORD = "entra_pim_mfa"


def directory_activation(graph: StackGraph, entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Eligibilities for a privileged directory role whose activation is not recorded as asking MFA."""
    asks = {str(e.get("role", "")).lower() for e in entries if e.get("mfa") == "on-activation"}
    out = []
    for r in graph.by_type(ELIGIBILITY):
        template = template_of(graph, r, "roleDefinitionId")
        if template is None:
            out.append((r.urn, unknown_message("roleDefinitionId", "which directory role is made eligible")))
        elif template in PRIVILEGED and not {template, "all"} & asks:
            out.append((
                r.urn,
                f"the eligibility makes people able to activate directory role {template}, which "
                f"{PRIVILEGED[template]}, and what activation asks is the tenant's PIM setting for that "
                "role, outside the program: require MFA on activation there and record it in the stack's PIA "
                f"record ({RECORD}: [{{role: {template}, mfa: on-activation, verified_on: YYYY-MM-DD}}])",
            ))
    return out
