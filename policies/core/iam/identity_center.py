"""IAM Identity Center account assignments: which people (users, and the groups they belong to) hold which
permission sets in which account. A person holds the union of the functions of every set assigned to them
or to one of their groups in the same account, however the sets are split."""

from __future__ import annotations

import re
from typing import Any

from policies.core.iam.principals import PERMISSION_SET, AwsPrincipal
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

ACCOUNT_ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment"
GROUP_MEMBERSHIP = "aws:identitystore/groupMembership:GroupMembership"


def _id(graph: StackGraph, holder: ResourceView, fld: str, id_fields: tuple[str, ...]) -> str | None:
    """An identity-store id: a literal, or the id output of a stack resource it is taken from."""
    for dep in graph.dependency_of(holder, fld):
        for f in id_fields:
            v = dep.input(f)
            if isinstance(v, str) and not is_unknown(v):
                return v
        return dep.urn
    v = holder.input(fld)
    return v if isinstance(v, str) and not is_unknown(v) else None


def _permission_set(graph: StackGraph, a: ResourceView, sets: list[AwsPrincipal]) -> AwsPrincipal | None:
    urns = set(a.property_dependencies.get("permissionSetArn", ()))
    arn = a.input("permissionSetArn")
    for p in sets:
        if p.view.urn in urns or (
            isinstance(arn, str) and not is_unknown(arn) and p.view.input("arn") == arn
        ):
            return p
    return None


def assigned_functions(graph: StackGraph, sets: list[AwsPrincipal], who: str) -> set[str]:
    """The functions of the permission sets assigned to Identity Center user or group `who` (its id, or the
    URN of the identity-store resource it is), in any account; an unreadable set counts as none here
    (assignment_findings blocks it)."""
    sets = [p for p in sets if p.view.type == PERMISSION_SET]
    return {
        fn
        for a in graph.by_type(ACCOUNT_ASSIGNMENT)
        if _id(graph, a, "principalId", ("groupId", "userId")) == who
        and (ps := _permission_set(graph, a, sets)) is not None
        for fn in ps.functions()
    }


def assignment_findings(graph: StackGraph, sets: list[AwsPrincipal]) -> list[tuple[str, str]]:
    """Separation-of-duties findings of the stack's account assignments (closed world: a permission set
    or principal that cannot be read blocks)."""
    sets = [p for p in sets if p.view.type == PERMISSION_SET]
    out: list[tuple[str, str]] = []
    held: dict[tuple[str, str], set[str]] = {}
    first: dict[tuple[str, str], str] = {}
    for a in graph.by_type(ACCOUNT_ASSIGNMENT):
        who = _id(graph, a, "principalId", ("groupId", "userId"))
        target = a.input("targetId")
        ps = _permission_set(graph, a, sets)
        if who is None or not isinstance(target, str) or is_unknown(target):
            out.append((a.urn, unknown_message("principalId/targetId", "the separation of duties")))
            continue
        if ps is None:
            out.append(
                (
                    a.urn,
                    "its permission set is not in this stack, so the functions it grants cannot be judged",
                )
            )
            continue
        key = (who, target)
        first.setdefault(key, a.urn)
        held.setdefault(key, set()).update(ps.functions())
    for m in graph.by_type(GROUP_MEMBERSHIP):  # a user holds their groups' sets too
        group = _id(graph, m, "groupId", ("groupId",))
        member = _id(graph, m, "memberId", ("userId",))
        for (who, target), fns in list(held.items()):
            if group is not None and who == group and member is not None:
                held.setdefault((member, target), set()).update(fns)
                first.setdefault((member, target), first[(who, target)])
    return out + [
        (
            first[key],
            f"principal {key[0]} holds {len(fns)} separated functions in account {key[1]} through "
            f"its permission sets: {', '.join(sorted(fns))}",
        )
        for key, fns in held.items()
        if len(fns) > 1
    ]


# How Identity Center asks for MFA is a setting of the instance with no API (round 14): the PIA record
# states it per instance, as verified in the console, and a permission set that holds a function or key use
# is judged against that statement.
MFA_MODES = ("always-on", "context-aware")


def mfa_problem(ps: AwsPrincipal, held: str, entries: list[dict[str, Any]]) -> str | None:
    """Why the people holding permission set `ps` (which holds `held`) are not shown to use MFA, or None."""
    instance = ps.view.input("instanceArn")
    if is_unknown(instance) or not isinstance(instance, str):
        return unknown_message("instanceArn", "which Identity Center instance signs its people in")
    if recorded(entries, instance):
        return None
    return (
        f"the permission set holds {held}, and how Identity Center instance {instance} asks for MFA is set "
        "outside the program: record it in the stack's PIA record (identity_center_mfa: [{instance: "
        f"<instance ARN>, mfa: {' | '.join(MFA_MODES)}, verified_on: YYYY-MM-DD}}])"
    )


# Round 45: Identity Center asks for MFA at sign-in, and a session lasts `sessionDuration` (up to PT12H): a
# set holding a function with a long session is a day of administration on one MFA prompt, from wherever
# the session's credentials are copied. Sets that hold functions keep the hour the stack's own admin roles
# keep (components/aws/identity.py: `max_session_seconds` at most 3600); an absent duration is AWS's PT1H.
ADMIN_SESSION_SECONDS = 3600
_DURATION = re.compile(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?")


def session_problem(ps: AwsPrincipal, held: str) -> str | None:
    """Why the sessions of permission set `ps` (which holds `held`) last too long for administration."""
    duration = ps.view.input("sessionDuration")
    if duration is None:
        return None
    if is_unknown(duration) or not isinstance(duration, str):
        return unknown_message("sessionDuration", "how long an administrator's session lasts")
    m = _DURATION.fullmatch(duration)
    if m is None or not any(m.groups()):
        return f"sessionDuration {duration!r} is not a duration the gate reads: write it as PTnH or PTnM"
    h, mins, secs = (int(g or 0) for g in m.groups())
    if h * 3600 + mins * 60 + secs <= ADMIN_SESSION_SECONDS:
        return None
    return (
        f"the permission set holds {held} and keeps its sessions for {duration}: one MFA prompt covers hours "
        "of administration from wherever the session is copied; keep sets that hold functions at PT1H or less"
    )


def role_session_problem(role: AwsPrincipal, held: str) -> str | None:
    """Why the sessions of an IAM role people assume (holding `held`) last too long (round 46): the same
    hour as permission sets; absent is IAM's 3600 seconds."""
    seconds = role.view.input("maxSessionDuration")
    if seconds is None:
        return None
    if is_unknown(seconds):
        return unknown_message("maxSessionDuration", "how long an administrator's session lasts")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):  # the engine's numbers: floats
        return f"maxSessionDuration {seconds!r} is not a number of seconds the gate reads"
    if seconds <= ADMIN_SESSION_SECONDS:
        return None
    return (
        f"people assume the role, which holds {held}, for up to {seconds:g} seconds (maxSessionDuration): "
        "one MFA prompt covers hours of administration from wherever the session is copied; keep roles that "
        f"hold functions at {ADMIN_SESSION_SECONDS} or less (components/aws/identity.py, max_session_seconds)"
    )


def recorded(entries: list[dict[str, Any]], instance: str) -> bool:
    """Whether the PIA record states that Identity Center instance `instance` asks for MFA."""
    return any(e.get("instance") == instance and e.get("mfa") in MFA_MODES for e in entries)


# Round 44: a Verified Access trust provider of type iam-identity-center names no instance (the API has no
# field for it): it signs people in through the Identity Center instance of its account, of which there is
# one. The program names that instance through its permission sets' `instanceArn`; a program with none
# leaves it to the record, which then may state one instance only (several: which is the account's cannot
# be told). The statement must be the one for that instance, as for permission sets.
def account_instance_problem(graph: StackGraph, entries: list[dict[str, Any]]) -> str | None:
    """Why the account's Identity Center instance is not shown to ask for MFA, or None."""
    named = {p.input("instanceArn") for p in graph.by_type(PERMISSION_SET)}
    if any(is_unknown(v) or not isinstance(v, str) for v in named):
        return unknown_message("instanceArn", "which Identity Center instance signs the account's people in")
    stated = {str(e.get("instance")) for e in entries}
    if len(named) > 1:
        return (
            f"the stack's permission sets name {len(named)} Identity Center instances "
            f"({', '.join(sorted(named))}) while an account has one: which one signs its people in cannot be "
            "told"
        )
    if named:
        instance: str | None = next(iter(named))
    else:
        instance = next(iter(stated)) if len(stated) == 1 else None
    if instance is not None and recorded(entries, instance):
        return None
    where = (
        f"instance {instance}" if instance else "the account's instance (named by no permission set of the "
        f"stack, and the record states {len(stated) or 'no'} instance{'s' if len(stated) != 1 else ''})"
    )
    return (
        f"people sign in through IAM Identity Center, and how {where} asks for MFA is set outside the "
        "program: record it in the stack's PIA record (identity_center_mfa: [{instance: <the account's "
        "instance ARN>, mfa, verified_on}])"
    )
