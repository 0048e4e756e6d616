"""Standing credentials a person can carry (round 37): an IAM user's long-term access key and an X.509
certificate that IAM Roles Anywhere exchanges for a role's session. Neither is an identity's second factor:
whoever holds the key (a CI server's operator, a copy in the state or a laptop) or the certificate and its
private key acts as the principal, so a principal reached that way that holds one of R2016's functions is an
administrator without MFA. Without a function they stay workloads (an on-premises export writing to one
bucket): data access by a machine is not administration, but a shell (Session Manager, Instance Connect,
ECS Exec) is a person at the data (round 47). Decision: a user with a key is judged as people when it holds
a function or may open a shell, and then the AWS way of requiring MFA for keys (a Deny … BoolIfExists on
every path, so that only an MFA session from `sts:GetSessionToken` works) counts; a Roles Anywhere session
can carry no MFA, so such a role may hold no function and, since round 48, open no shell."""

from __future__ import annotations

from policies.core.iam.catalogue import SHELLS
from policies.core.iam.principals import AwsPrincipal, aws_principals
from policies.core.iam.statements import ASSUME, principals, statement_actions
from policies.core.view import StackGraph, is_unknown

ROLES_ANYWHERE = "rolesanywhere.amazonaws.com"
PROFILE = "aws:rolesanywhere/profile:Profile"
CONTROLS = (PROFILE,)


def _anywhere(stmt: dict) -> bool:
    return (
        stmt.get("Effect") == "Allow"
        and bool(statement_actions(stmt) & ASSUME)
        and ROLES_ANYWHERE in [s.lower() for s in principals(stmt).get("Service", [])]
    )


def _key_user(p: AwsPrincipal, held: str) -> list[str]:
    """A user with a long-term key and no MFA Deny that holds a function or may open a shell."""
    if p.kind != "user" or p.people or not p.long_term_keys or p.mfa_enforced():
        return []
    if held:
        return [
            f"the IAM user signs in with a long-term access key and holds {held}: whoever holds the key "
            "administers without a second factor; deny its actions without MFA (Deny … BoolIfExists "
            "aws:MultiFactorAuthPresent false, so the key works only through an MFA session), or move the "
            "job to a pipeline role federated with a pinned subject (OIDC) or a service role"
        ]
    if shells := sorted(p.actions() & SHELLS):
        return [
            f"the IAM user signs in with a long-term access key and may open shells ({', '.join(shells)}): "
            "a shell is a person at the hosts' data, and whoever holds the key gets one without a second "
            "factor; deny its actions without MFA (Deny … BoolIfExists aws:MultiFactorAuthPresent false) or "
            "give shells to a role people assume with MFA"
        ]
    return []


def _problems(p: AwsPrincipal) -> list[str]:
    held = ", ".join(p.functions())
    if p.kind == "user":
        return _key_user(p, held)
    if p.kind != "role" or not (anywhere := [i for i, s in enumerate(p.trust) if _anywhere(s)]):
        return []
    if held:
        return [
            f"trust statement {i} lets IAM Roles Anywhere hand the role to whoever holds a certificate of "
            f"its trust anchor, and the role holds {held}: a certificate is a standing credential with no "
            "second factor IAM can see; keep functions on roles people assume with MFA or on pinned pipelines"
            for i in anywhere
        ]
    shells = ", ".join(sorted(p.actions() & SHELLS))  # round 48: a shell is a person at the hosts' data
    return [
        f"trust statement {i} lets IAM Roles Anywhere hand the role to whoever holds a certificate of its "
        f"trust anchor, and the role may open shells ({shells}): a shell is a person at the hosts' data, and "
        "a certificate is a standing credential with no second factor IAM can see; give shells to a role "
        "people assume with MFA"
        for i in anywhere
    ] if shells else []


def _profiles(graph: StackGraph, names: set[str]) -> list[tuple[str, str]]:
    """A Roles Anywhere profile handing a role the stack does not declare: what it holds cannot be judged."""
    out = []
    for r in graph.by_type(PROFILE):
        arns = r.input("roleArns")
        if is_unknown(arns):
            out.append(
                (
                    r.urn,
                    "`roleArns` is not known at preview: which roles the profile hands out cannot "
                    "be judged; name roles of this stack",
                )
            )
            continue
        fed = {d.name for d in graph.dependency_of(r, "roleArns")}
        outside = [str(a) for a in arns or [] if str(a).rsplit("/", 1)[-1] not in names and not fed]
        if outside:
            out.append(
                (
                    r.urn,
                    f"`roleArns` names {', '.join(outside)}, which the stack does not declare: "
                    "what a certificate holder may do with it cannot be judged; name roles of this stack",
                )
            )
    return out


def standing_credential_admins(graph: StackGraph) -> list[tuple[str, str]]:
    found = aws_principals(graph)
    out = [(p.view.urn, m) for p in found for m in _problems(p)]
    names = {p.physical_name for p in found if p.kind == "role"}
    return out + _profiles(graph, names)
