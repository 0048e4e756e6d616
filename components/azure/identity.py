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
# function -> (standing read-only roles, PIM-eligible privileged roles)
FUNCTION_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "db-structure-admin": (("Reader",), ("SQL DB Contributor", "SQL Server Contributor")),
    "access-rights-admin": (("Reader",), ("Role Based Access Control Administrator",)),
    "key-admin": (("Reader",), (KEY_ADMIN_ROLE,)),
    "security-auditor": (("Security Reader", "Microsoft Sentinel Reader", "Log Analytics Reader"), ()),
    "operator": (("Reader",), ("Website Contributor",)),
}
NEVER_ASSIGNED = ("Owner", "User Access Administrator")
# The access-rights administrator may not hand out the roles of the other two functions or any
# role that can assign roles, so one person can never collect two functions (R2016).
PROTECTED_ROLES = (
    *NEVER_ASSIGNED,
    "Role Based Access Control Administrator",
    "Key Vault Crypto Officer",
    KEY_ADMIN_ROLE,
    "SQL DB Contributor",
    "SQL Server Contributor",
)


def _delegation_condition() -> str:
    guids = ", ".join(ROLES[r] for r in PROTECTED_ROLES)
    return (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
        "(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] "
        f"ForAnyOfAllValues:GuidNotEquals {{{guids}}})) AND "
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR "
        "(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] "
        f"ForAnyOfAllValues:GuidNotEquals {{{guids}}}))"
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
    """Privileged roles as PIM-eligible schedules (False: standing assignments, e.g. without Entra P2)."""
    eligibility_duration: str = "P365D"
    """How long an eligibility lasts before it must be renewed (yearly re-certification)."""


class SeparationOfDuties(pulumi.ComponentResource):
    """Entra security groups and Azure role assignments/eligibilities for the five DOSIS profiles."""

    groups: dict[str, azuread.Group]

    def __init__(self, name: str, args: SeparationOfDutiesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:SeparationOfDuties", name, None, opts)
        check_separation(args.members)
        scope = pulumi.Output.concat("/subscriptions/", args.subscription_id)
        self.groups = {}
        self.custom_roles = {
            role: azure.authorization.RoleDefinition(
                f"{name}-{_slug(role.split(' (')[0])}",
                role_definition_id=ROLES[role],
                role_name=role,
                description="Key life cycle without encrypt/decrypt/wrap/unwrap/sign (DPA annex 3 b.vi)",
                scope=scope,
                assignable_scopes=[scope],
                permissions=[perms],
                opts=child(self),
            )
            for role, perms in CUSTOM_ROLES.items()
        }
        for function in FUNCTIONS:
            group = azuread.Group(
                f"{name}-{function}",
                display_name=f"{args.group_prefix}-{function}",
                description=f"DOSIS {function} (closed group, D36 §101; separation of duties R2016)",
                security_enabled=True,
                mail_enabled=False,
                prevent_duplicate_names=True,
                members=sorted(args.members.get(function, [])),
                opts=child(self),
            )
            self.groups[function] = group
            standing, privileged = FUNCTION_ROLES[function]
            for role in standing:
                self._assign(f"{name}-{function}-{_slug(role)}", group, role, scope, args, eligible=False)
            for role in privileged:
                self._assign(
                    f"{name}-{function}-{_slug(role)}", group, role, scope, args, eligible=args.just_in_time
                )
        self.register_outputs({f: g.object_id for f, g in self.groups.items()})

    def _assign(
        self,
        name: str,
        group: azuread.Group,
        role: str,
        scope: pulumi.Input[str],
        args: SeparationOfDutiesArgs,
        *,
        eligible: bool,
    ) -> None:
        condition = _delegation_condition() if role == "Role Based Access Control Administrator" else None
        common = {
            "scope": scope,
            "role_definition_id": role_definition_id(args.subscription_id, role),
            "principal_id": group.object_id,
            "condition": condition,
            "condition_version": "2.0" if condition else None,
        }
        depends = [self.custom_roles[role]] if role in self.custom_roles else []
        if eligible:
            azure.authorization.PimRoleEligibilitySchedule(
                name,
                justification=f"DOSIS {role}: just-in-time only (D36 §101, DPA annex 3 b.viii)",
                schedule_info={
                    "expiration": {"type": "AfterDuration", "duration": args.eligibility_duration}
                },
                **common,
                opts=child(group, depends_on=depends),
            )
        else:
            azure.authorization.RoleAssignment(
                name,
                principal_type="Group",
                description=f"DOSIS standing {role}",
                **common,
                opts=child(group, depends_on=depends),
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
