"""Rights reach people through roles, never granted to an individual user directly (CLOUD "Rollenbeheer":
"Er mag enkel toegang zijn op basis van rechten toegekend aan de gepaste rollen"; IAM-07 `roles-only`).

AWS is judged here (`policies/core/iam/user_grants.py` lists the paths): an IAM user's own policies, resource
policies and grants naming one user. Azure grants pass through a role definition by construction (role
assignments, PIM schedules), so they are role-based whoever holds them; which of them go to a person rather
than a group stays the organisational export the catalogue names. A break-glass user the stack's PIA record
names keeps its own policy: an emergency account must not depend on a group (require-admin-mfa checks the
alarm watching it)."""

from __future__ import annotations

from collections.abc import Iterable

from policies.core.iam import breakglass
from policies.core.iam.user_grants import USER_POLICIES, problems
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph


def _recorded_break_glass(r: ResourceView, graph: StackGraph, ctx: RuleContext) -> bool:
    """A policy on a user the PIA record names as break-glass (by the name it is given or its user's)."""
    key = USER_POLICIES.get(r.type)
    if key is None:
        return False
    entries = breakglass.records(ctx.stack)
    if not entries:
        return False
    names = [r.input(key)] + [d.input("name") for d in graph.dependency_of(r, key)]
    return any(isinstance(n, str) and breakglass.entry_for(entries, "user", n) for n in names)


def each(r: ResourceView, graph: StackGraph, ctx: RuleContext) -> Iterable[str]:
    if not r.type.startswith("aws:") or _recorded_break_glass(r, graph, ctx):
        return ()
    return list(problems(r, graph))


RULE = Rule(
    id="disallow-direct-user-grants",
    title="People get permissions through roles and groups; no IAM user holds a policy or grant itself.",
    severity="high",
    remediation="Attach the policy to an IAM group the user is a member of, or to a role the user assumes; "
    "in resource policies and grants, name a role (or the account) instead of a user, and pin no condition "
    "on one user's name or id.",
    controls=("IAM-07",),
    each=each,
    module=__name__,
    scope="stack",
)
