"""People authenticate with two factors on every path (D36 §101 4th; DPA annex 3 b.iii.2; CLOUD
"Multifactorauthenticatie"): IAM roles people assume require MFA in their trust, IAM users with a console
password are denied everything without MFA, Azure administrators are covered by an enforced Conditional
Access MFA policy that includes them. Pipelines (OIDC) are judged by require-pinned-pipeline-trust instead;
a break-glass principal is excluded only where the PIA record names it and an enabled alarm watches it."""

from __future__ import annotations

from policies.core import grafana_access, mq_sign_in
from policies.core import pia_analytics as analytics
from policies.core.client_vpn import RECORD_KEY as SAML_RECORD
from policies.core.client_vpn import declared_saml
from policies.core.client_vpn import sign_in_problems as vpn_sign_in
from policies.core.config_credentials import clear_credentials
from policies.core.datasync_locations import clear_passwords
from policies.core.eks_access import eks_access_principals
from policies.core.iam import (
    access_packages,
    azure_paths,
    breakglass,
    graph_permissions,
    identity_center,
    pim_settings,
)
from policies.core.iam.azure import ca_problem, functions_of, object_key, permissions, principal_of, uses_keys
from policies.core.iam.azure_secrets import secret_holders, undeclared_app
from policies.core.iam.catalogue import key_use
from policies.core.iam.guests import (
    EXTERNAL_MFA,
    guest_admins,
    literal_user_admins,
    literal_users,
    sql_admin_users,
)
from policies.core.iam.principals import AwsPrincipal, aws_principals
from policies.core.iam.standing_credentials import standing_credential_admins
from policies.core.iam.standing_roles import standing_privileged_roles
from policies.core.iam.statements import principals, requires_mfa, trust_kind
from policies.core.iam.vm_sign_in import machine_admins
from policies.core.master_secrets import people_reading_master_secrets, people_reading_stored_passwords
from policies.core.password_copies import people_reading_copies
from policies.core.rule import Rule, RuleContext
from policies.core.search_saml import search_saml_sign_ins, serverless_sign_ins
from policies.core.transfer_sign_in import password_sign_ins
from policies.core.types import AZURE_DATA_STORES
from policies.core.verified_access import sign_in_problems as verified_access_sign_in
from policies.core.view import StackGraph, is_unknown, unknown_message

CA_POLICY = "azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy"
# Grants that make a principal an Azure administrator (standing or PIM-eligible).
ROLE_GRANTS = (
    "azure-native:authorization:RoleAssignment",
    "azure-native:authorization:RoleEligibilityScheduleRequest",
    "azure-native:authorization:RoleAssignmentScheduleRequest",
)


def _recorded_saml(s: dict, declared: frozenset[str]) -> bool:
    """Round 89: a trust statement that admits only SAML providers the PIA record declares as enforcing MFA
    (`saml_providers_mfa`, as for Client VPN since round 26): IAM sees no MFA key in a SAML session, the IdP
    asks for it, outside the program."""
    who = principals(s)
    fed = who.get("Federated", [])
    return set(who) == {"Federated"} and bool(fed) and all(
        ":saml-provider/" in f and f in declared for f in fed
    )


def _aws(p: AwsPrincipal, declared: frozenset[str] = frozenset()) -> list[str]:
    if p.kind == "user":
        if p.mfa_enforced():
            return []
        return [
            "the IAM user has a console password and no policy on any of its paths (user, groups) denies "
            "actions without MFA (Deny … BoolIfExists aws:MultiFactorAuthPresent false)"
        ]
    out = list(p.trust_problems)
    for i, s in enumerate(p.trust):
        if trust_kind(s) == "end-users" and (held := _administers(p)):
            out.append(
                f"trust statement {i} hands the role to Cognito's signed-in users, and it holds {held}: IAM "
                "sees no second factor of an identity-pool sign-in; keep functions and key use on roles "
                "people assume with MFA"
            )
        if trust_kind(s) != "people":
            continue
        if "*" in principals(s):
            out.append(f"trust statement {i} lets any AWS principal (Principal `*`) assume the role")
        elif not requires_mfa(s) and not _recorded_saml(s, declared):
            out.append(
                f"trust statement {i} lets people assume the role without an MFA condition "
                "(`Bool: aws:MultiFactorAuthPresent = true`; …IfExists does not count)"
            )
    if p.kind == "role" and (held := _administers(p)):  # long admin sessions (round 46)
        out.extend(filter(None, [identity_center.role_session_problem(p, held)]))
    return out


def _administers(p: AwsPrincipal) -> str:
    """R2016 functions or key use a role holds ('' when none): what end users must never hold."""
    held = p.functions() + (["key use"] if p.actions() & key_use() else [])
    return ", ".join(sorted(held))


def _privileged(graph: StackGraph, grant) -> bool:
    """A grant of one of R2016's functions or of key use (unknown role: fail closed); readers are covered
    by an MFA policy that includes all users, not necessarily by the administrators' one."""
    perms, _ = permissions(graph, grant)
    return perms is None or bool(functions_of(perms)) or uses_keys(perms)


def _administers_azure(graph: StackGraph, grant) -> bool:
    """A grant of one of R2016's functions (unknown role: fail closed)."""
    perms, _ = permissions(graph, grant)
    return perms is None or bool(functions_of(perms))


def _path_admins(graph: StackGraph) -> frozenset[str]:
    """Round 89: the people who hold a function or key use outside Azure roles (a SQL server's Entra
    administrator, a Key Vault access policy, …: `azure_paths.grants`), and those an Azure role reaches as an
    object of the stack (its object id an output: its URN): the MFA policy must include them too. Not a
    deployment identity declared as the database's administrator (CI found dosis-prod's blocked)."""
    roles = (object_key(graph, a, "principalId") for a in graph.by_type(*ROLE_GRANTS)
             if graph.dependency_of(a, "principalId") and principal_of(graph, a)[1] and _privileged(graph, a))
    paths = (g.key for g in azure_paths.grants(graph)
             if g.people and (g.functions or g.uses_keys) and not azure_paths.declared_application(graph, g))
    return frozenset(k for k in (*roles, *paths) if k)


def _azure(graph: StackGraph, entries: list[dict]) -> list[str]:
    why = []
    recorded = {str(e.get("principal", "")).lower() for e in entries}  # break-glass: excluded on purpose
    admins = (
        frozenset(
            str(a.input("principalId")).lower()
            for a in graph.by_type(*ROLE_GRANTS)
            if isinstance(a.input("principalId"), str)
            and not is_unknown(a.input("principalId"))
            and principal_of(graph, a)[1]  # people, not workload identities
            and _privileged(graph, a)
        )
        | _path_admins(graph)
    ) - recorded
    for p in graph.by_type(CA_POLICY):
        problem = ca_problem(p, admins, graph, frozenset(recorded))
        if problem is None:
            return []
        why.append(f"{p.name} {problem}")
    return [
        "no enabled Conditional Access policy requires MFA of the Azure administrators"
        + (f" ({'; '.join(why)})" if why else "")
    ]


def _secret_admins(graph: StackGraph) -> list[tuple[str, str]]:
    """Functions or key use held by a service principal with a secret or certificate: Conditional Access
    cannot require MFA of it, and any person holding the credential signs in as it."""
    holders = secret_holders(graph)
    out = [
        (
            a.urn,
            "the role it assigns is held by a service principal the stack does not declare (a literal object "
            "id): whether a person signs in as it with a secret, without MFA, cannot be judged; declare it "
            "(azuread ServicePrincipal with federated credentials only) or use a managed identity",
        )
        for a in graph.by_type(*ROLE_GRANTS)
        if undeclared_app(graph, a) and _privileged(graph, a)
    ]
    if not holders:
        return out
    why = (
        "is held by a service principal that signs in with a client secret or certificate (or whose owner, "
        "not shown to be a workload, can add one: round 80): whoever copies it acts without MFA "
        "(Conditional Access cannot require MFA of a service principal); use a managed identity or a "
        "federated credential, and no person as the application's owner"
    )
    out += [
        (a.urn, f"the role it assigns {why}")
        for a in graph.by_type(*ROLE_GRANTS)
        if principal_of(graph, a)[0] in holders and _privileged(graph, a)
    ]
    out += [
        (g.urn, f"{', '.join(sorted(g.functions)) or 'key use'} {why}")
        for g in azure_paths.grants(graph)
        if g.key in holders and (g.functions or g.uses_keys)
    ]
    return out


def _guests(graph: StackGraph, stack: str) -> list[tuple[str, str]]:
    """Invited guests holding a function or key use, by role grant or database administrator (round 25), and
    users named by a literal id, who may be guests invited elsewhere (round 26)."""
    granted = [a for a in graph.by_type(*ROLE_GRANTS) if _privileged(graph, a)]
    admins = {k: "an Azure role" for a in granted if (k := object_key(graph, a, "principalId"))}
    for g in azure_paths.grants(graph):
        if g.key and (g.functions or g.uses_keys):
            admins.setdefault(g.key, ", ".join(sorted(g.functions)) or "key use")
    users = {
        str(a.input("principalId")).lower(): a.urn
        for a in granted
        if a.input("principalType") == "User" and not graph.dependency_of(a, "principalId")
    }
    users.update(sql_admin_users(graph))  # SQL Entra administrators of other tenants (round 45)
    recorded = {str(e.get("principal", "")).lower() for e in breakglass.records(stack)}
    entries = breakglass.records(stack, EXTERNAL_MFA)
    literal = literal_user_admins(graph, admins, literal_users(graph, users), entries, recorded)
    return guest_admins(graph, admins) + literal + access_packages.external_requests(graph, admins)


USER_POOL, POOL_GROUP = "aws:cognito/userPool:UserPool", "aws:cognito/userGroup:UserGroup"


def _cognito_groups(graph: StackGraph) -> list[tuple[str, str]]:
    """A user pool group that hands its members an IAM role (round 14: a back office's administrators):
    its pool signs them in, so the pool must ask every user for MFA (`mfaConfiguration` ON; OPTIONAL lets
    each user decline)."""
    out = []
    for g in graph.by_type(POOL_GROUP):
        if not g.input("roleArn"):
            continue
        pools = [r for r in graph.dependency_of(g, "userPoolId") if r.type == USER_POOL]
        if not pools:
            out.append((g.urn, unknown_message("userPoolId", "whether its pool asks for MFA")))
        for pool in pools:
            mfa = pool.input("mfaConfiguration")
            if is_unknown(mfa) or mfa != "ON":
                out.append(
                    (
                        g.urn,
                        f"the group hands its members an IAM role, and its user pool {pool.name} has "
                        f"mfaConfiguration {mfa!r} (default OFF): members sign in without a second factor; "
                        "set it ON",
                    )
                )
    return out


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    entries = breakglass.records(ctx.stack)
    instances = breakglass.records(ctx.stack, "identity_center_mfa")
    saml = breakglass.records(ctx.stack, SAML_RECORD)
    for p in aws_principals(graph):
        if p.kind == "permission set" and (held := _administers(p)):
            # Identity Center: MFA is an instance setting outside the program, stated in the PIA record
            if problem := identity_center.mfa_problem(p, held, instances):
                out.append((p.view.urn, problem))
            if problem := identity_center.session_problem(p, held):  # long admin sessions (round 45)
                out.append((p.view.urn, problem))
            continue
        if not p.people or p.kind in ("permission set", "group"):  # a group's members are judged as users
            continue
        entry = breakglass.entry_for(entries, p.kind, p.physical_name)
        if entry is not None:
            missing = breakglass.alarmed(graph, entry.get("alarm"), p.physical_name)
            if missing:
                out.append((p.view.urn, f"break-glass {p.kind} is recorded, but {missing}"))
            continue
        out.extend((p.view.urn, m) for m in _aws(p, declared_saml(saml)))
    if any(r.type in AZURE_DATA_STORES for r in graph.resources):
        out.extend(("", m) for m in _azure(graph, entries))
    out.extend(_secret_admins(graph))
    out.extend(machine_admins(graph, ROLE_GRANTS, _administers_azure))  # VMs (rounds 44, 45)
    out.extend(_cognito_groups(graph))
    out.extend(_guests(graph, ctx.stack))  # guests holding administration (rounds 25 and 26)
    out.extend(pim_settings.activation_problems(graph))  # PIM activation without MFA (round 19)
    pim_records = breakglass.records(ctx.stack, pim_settings.RECORD)
    out.extend(pim_settings.directory_activation(graph, pim_records))  # directory roles (round 41)
    out.extend(graph_permissions.weakening_assignments(graph))  # Graph permissions over sign-in (round 19)
    out.extend(graph_permissions.weakening_grants(graph))  # delegated (round 20)
    out.extend(password_sign_ins(graph))  # Transfer Family servers signing in by password (round 21)
    out.extend(mq_sign_in.console_sign_ins(graph))  # ActiveMQ Web Console users and LDAP (round 42)
    out.extend(grafana_access.token_sign_ins(graph))  # Managed Grafana API keys (round 45)
    out.extend(standing_privileged_roles(graph))  # permanent privileged directory roles (round 22)
    out.extend(eks_access_principals(graph))  # Kubernetes rights for principals outside the stack (round 24)
    out.extend(vpn_sign_in(graph, saml))  # Client VPN (round 26)
    out.extend(search_saml_sign_ins(graph, saml))  # OpenSearch Dashboards' SAML IdP (round 30)
    out.extend(serverless_sign_ins(graph, saml, instances))  # OpenSearch Serverless sign-in (round 44)
    out.extend(grafana_access.aws_sign_ins(graph, saml, instances))  # Amazon Managed Grafana (round 46)
    out.extend(verified_access_sign_in(graph, instances))  # Verified Access policies (round 26)
    out.extend(people_reading_master_secrets(graph, ctx.stack))  # shared master users (round 26)
    out.extend(people_reading_stored_passwords(graph, ctx.stack))  # ... stored by the program (round 29)
    out.extend(people_reading_copies(graph, ctx.stack))  # ... copied elsewhere (round 31)
    out.extend(clear_credentials(graph))  # credentials in clear in workload settings (round 35)
    out.extend(clear_passwords(graph))  # DataSync locations' credentials (rounds 50, 52)
    out.extend(standing_credential_admins(graph))  # access keys and Roles Anywhere (round 37)
    out.extend(analytics.internal_search_users(graph))  # OpenSearch internal users (round 29)
    return out


RULE = Rule(
    id="require-admin-mfa",
    title="Every person reaches the cloud only with a second factor (MFA trust, MFA-enforced users, "
    "Conditional Access).",
    severity="critical",
    remediation="Add `Bool: {aws:MultiFactorAuthPresent: 'true'}` to every trust statement for people; deny "
    "IAM users everything without MFA; deploy an enabled Conditional Access policy that requires "
    "mfa (alone or with AND) for the administrators; record break-glass principals with an alarm.",
    controls=("PIA-03", "IAM-03", "IAM-07", "IAM-08", "PIA-07"),
    check=check,
    module=__name__,
    scope="stack",
)
