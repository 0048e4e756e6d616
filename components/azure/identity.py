"""Separation of duties and MFA for the DOSIS Azure environment (D36 §101 bullets 3-5, R2016, CLOUD).

Five closed Entra groups map the internal IT profiles (D36 §77-§78): the three R2016 functions -
database-structure administrator, access-rights administrator, key administrator - plus a read-only
security auditor and an operator. No person is in two of the three functions, nobody holds Owner, and
the privileged roles are PIM-eligible (just-in-time, time-bound) instead of standing assignments.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure
import pulumi_azuread as azuread

from components.azure.common import CUSTOM_ROLES, KEY_ADMIN_ROLE, ROLES, child, role_definition_id

TRIAD = ("db-structure-admin", "access-rights-admin", "key-admin")
FUNCTIONS = (*TRIAD, "security-auditor", "operator")
# KEY_ADMIN_ROLE is a custom role (components/azure/common.py): the built-in Key Vault Crypto Officer
# includes keys/* data actions, i.e. decrypt/unwrap (using the key = data access).
FUNCTION_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "db-structure-admin": (("Reader",), ("SQL DB Contributor", "SQL Server Contributor")),
    "access-rights-admin": (("Reader",), ("Role Based Access Control Administrator",)),
    "key-admin": (("Reader",), (KEY_ADMIN_ROLE,)),
    "security-auditor": (("Security Reader", "Microsoft Sentinel Reader", "Log Analytics Reader"), ()),
    "operator": (("Reader",), ("Website Contributor",)),
}
NEVER_ASSIGNED = ("Owner", "User Access Administrator")
# ALLOW-list of what the access-rights administrator may assign or remove (R2016): read-only roles
# without data access. Everything else - Contributor, Key Vault Administrator/Data Access Administrator,
# SQL Security Manager, Storage Blob Data roles, Log Analytics Contributor, the triad roles, roles added
# to Azure tomorrow - is refused because it is not listed.
DELEGABLE_ROLES = ("Reader", "Security Reader", "Microsoft Sentinel Reader", "Log Analytics Reader")
# PIM activation (D36 §115, DPA annex 3 b.viii): approved by a second person, MFA, at most 8 hours.
MAX_ACTIVATION = "PT8H"


def delegation_condition() -> str:
    """ABAC condition of the RBAC administrator: assign/remove only DELEGABLE_ROLES (an allow-list)."""
    guids = ", ".join(ROLES[r] for r in DELEGABLE_ROLES)
    return (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
        "(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] "
        f"ForAnyOfAnyValues:GuidEquals {{{guids}}})) AND "
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR "
        "(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] "
        f"ForAnyOfAnyValues:GuidEquals {{{guids}}}))"
    )


# Functions no principal may combine: the three R2016 functions pairwise, and the key administrator
# is neither developer nor operator (DPA annex 3 b.vi).
EXCLUSIVE = (*itertools.combinations(TRIAD, 2), ("key-admin", "operator"))


def separation_conflict(members: dict[str, list[str]]) -> tuple[str, str, str] | None:
    """The first (principal, function, other function) that breaks EXCLUSIVE, or None."""
    for a, b in EXCLUSIVE:
        shared = sorted(set(members.get(a, ())) & set(members.get(b, ())))
        if shared:
            return shared[0], b, a
    return None


def check_separation(members: dict[str, list[str]]) -> None:
    """Refuse an unknown function or a principal holding two functions that must stay separated."""
    unknown = set(members) - set(FUNCTIONS)
    if unknown:
        raise ValueError(f"unknown functions {sorted(unknown)}; expected {FUNCTIONS}")
    conflict = separation_conflict(members)
    if conflict:
        principal, function, other = conflict
        raise ValueError(f"principal {principal} is in both {other} and {function} (separation of duties)")


@dataclass
class SeparationOfDutiesArgs:
    subscription_id: pulumi.Input[str]
    """Subscription the roles are scoped to (one instance per subscription, D36 §101 'all subscriptions')."""
    members: dict[str, list[str]] = field(default_factory=dict)
    """Entra object ids per function (keys of FUNCTIONS); a principal may be in at most one of TRIAD."""
    group_prefix: str = "dosis"
    """Prefix of the group display names."""
    just_in_time: bool = True
    """Privileged groups under PIM for Groups: members are eligible and activate with approval + MFA
    for at most 8 h (needs Entra ID P2). False: standing members (e.g. without P2)."""
    eligibility_duration: str = "P365D"
    """How long an eligibility lasts before it must be renewed (yearly re-certification)."""
    approver_function: str = "security-auditor"
    """Whose members approve activations (a second person outside the three functions)."""


class SeparationOfDuties(pulumi.ComponentResource):
    """Entra groups per function; roles on the groups; privileged groups activated through PIM."""

    groups: dict[str, azuread.Group]

    def __init__(self, name: str, args: SeparationOfDutiesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:SeparationOfDuties", name, None, opts)
        check_separation(args.members)
        if args.approver_function in TRIAD or args.approver_function not in FUNCTIONS:
            raise ValueError(f"SeparationOfDuties {name}: approvers must be a function outside {TRIAD}")
        scope = pulumi.Output.concat("/subscriptions/", args.subscription_id)
        self.key_admin_role = self._key_admin_role(name, scope, args)
        self.groups = {}
        for function in FUNCTIONS:
            privileged = bool(FUNCTION_ROLES[function][1])
            jit = args.just_in_time and privileged
            group = azuread.Group(
                f"{name}-{function}",
                display_name=f"{args.group_prefix}-{function}",
                description=f"DOSIS {function} (closed group, D36 §101; separation of duties R2016)",
                security_enabled=True,
                mail_enabled=False,
                prevent_duplicate_names=True,
                # Under PIM nobody is a standing member: membership is activated, approved, time-bound.
                members=[] if jit else sorted(args.members.get(function, [])),
                opts=child(self),
            )
            self.groups[function] = group
            for role in (*FUNCTION_ROLES[function][0], *FUNCTION_ROLES[function][1]):
                self._assign(f"{name}-{function}-{_slug(role)}", group, role, scope, args)
        for function in FUNCTIONS:
            if args.just_in_time and FUNCTION_ROLES[function][1]:
                self._just_in_time(name, function, args)
        self.register_outputs({f: g.object_id for f, g in self.groups.items()})

    def _key_admin_role(
        self, name: str, scope: pulumi.Output[str], args: SeparationOfDutiesArgs
    ) -> azure.authorization.RoleDefinition:
        """Custom role: manage keys and their rotation, never encrypt/decrypt/wrap/unwrap/sign/back up."""
        return azure.authorization.RoleDefinition(
            f"{name}-key-admin-role",
            role_definition_id=ROLES[KEY_ADMIN_ROLE],
            role_name=KEY_ADMIN_ROLE,
            description="Key life cycle without encrypt/decrypt/wrap/unwrap/sign (R2016, DPA annex 3 b.vi)",
            role_type="CustomRole",
            scope=scope,
            assignable_scopes=[scope],
            permissions=[CUSTOM_ROLES[KEY_ADMIN_ROLE]],
            opts=child(self),
        )

    def _assign(
        self,
        name: str,
        group: azuread.Group,
        role: str,
        scope: pulumi.Input[str],
        args: SeparationOfDutiesArgs,
    ) -> None:
        condition = delegation_condition() if role == "Role Based Access Control Administrator" else None
        definition = (
            self.key_admin_role.id
            if role == KEY_ADMIN_ROLE
            else role_definition_id(args.subscription_id, role)
        )
        azure.authorization.RoleAssignment(
            name,
            scope=scope,
            role_definition_id=definition,
            principal_id=group.object_id,
            principal_type="Group",
            description=f"DOSIS {role} (active only while a member's PIM activation lasts)",
            condition=condition,
            condition_version="2.0" if condition else None,
            opts=child(group),
        )

    def _just_in_time(self, name: str, function: str, args: SeparationOfDutiesArgs) -> None:
        """Eligible members and the activation policy of one privileged group (PIM for Groups)."""
        group = self.groups[function]
        approvers = self.groups[args.approver_function]
        azuread.GroupRoleManagementPolicy(
            f"{name}-{function}-pim-policy",
            group_id=group.object_id,
            role_id="member",
            activation_rules={
                "maximum_duration": MAX_ACTIVATION,
                "require_approval": True,
                "require_justification": True,
                "require_multifactor_authentication": True,
                "approval_stage": {
                    "primary_approvers": [{"object_id": approvers.object_id, "type": "groupMembers"}]
                },
            },
            eligible_assignment_rules={
                "expiration_required": True,
                "expire_after": args.eligibility_duration,
            },
            active_assignment_rules={
                "expiration_required": True,
                "expire_after": "P15D",
                "require_multifactor_authentication": True,
                "require_justification": True,
            },
            opts=child(group),
        )
        for member in sorted(args.members.get(function, [])):
            azuread.PrivilegedAccessGroupEligibilitySchedule(
                f"{name}-{function}-eligible-{member[-12:]}",
                group_id=group.object_id,
                principal_id=member,
                assignment_type="member",
                duration=args.eligibility_duration,
                justification=f"DOSIS {function}: just-in-time only (D36 §101/§115, DPA annex 3 b.viii)",
                opts=child(group),
            )

    def admin_group_ids(self) -> list[pulumi.Output[str]]:
        """Object ids of every group with a privileged role (the MFA policy targets them)."""
        return [g.object_id for f, g in self.groups.items() if FUNCTION_ROLES[f][1] or f in TRIAD]


def _slug(role: str) -> str:
    return role.lower().replace(" ", "-")


@dataclass
class AdminMfaPolicyArgs:
    admin_group_ids: list[pulumi.Input[str]]
    """Groups whose members always need MFA."""
    trusted_ip_ranges: list[str] = field(default_factory=list)
    """CIDRs of the organisation's network (the trusted named location); empty = MFA everywhere."""
    break_glass_object_ids: list[str] = field(default_factory=list)
    """Emergency accounts excluded from the policies (their sign-ins are alerted on in Sentinel)."""
    name_prefix: str = "DOSIS"
    """Prefix of the policy display names."""


class AdminMfaPolicy(pulumi.ComponentResource):
    """Conditional Access: MFA for DOSIS administrators and for any sign-in from outside trusted networks."""

    def __init__(self, name: str, args: AdminMfaPolicyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:AdminMfaPolicy", name, None, opts)
        if not args.admin_group_ids:
            raise ValueError(f"AdminMfaPolicy {name}: at least one admin group is required")
        excluded = sorted(args.break_glass_object_ids)
        grant = {"operator": "OR", "built_in_controls": ["mfa"]}
        apps = {"included_applications": ["All"]}
        self.admins = azuread.ConditionalAccessPolicy(
            f"{name}-admins",
            display_name=f"{args.name_prefix}: administrators require MFA",
            state="enabled",
            conditions={
                "client_app_types": ["all"],
                "applications": apps,
                "users": {"included_groups": args.admin_group_ids, "excluded_users": excluded},
            },
            grant_controls=grant,
            opts=child(self),
        )
        locations: dict = {"included_locations": ["All"]}
        if args.trusted_ip_ranges:
            trusted = azuread.NamedLocation(
                f"{name}-trusted",
                display_name=f"{args.name_prefix}: trusted organisation network",
                ip={"ip_ranges": sorted(args.trusted_ip_ranges), "trusted": True},
                opts=child(self),
            )
            locations["excluded_locations"] = [trusted.id]
        self.outside = azuread.ConditionalAccessPolicy(
            f"{name}-outside",
            display_name=f"{args.name_prefix}: MFA outside trusted locations",
            state="enabled",
            conditions={
                "client_app_types": ["all"],
                "applications": apps,
                "users": {"included_users": ["All"], "excluded_users": excluded},
                "locations": locations,
            },
            grant_controls=grant,
            opts=child(self),
        )
        self.register_outputs({})
