"""Which IAM role of the stack a setting names (rounds 24 and 43): fed from the role, or its ARN naming the
role's name. A principal that is no role of the stack (another account's, an IAM user, a role made by hand)
has no trust the pack can judge — whether people sign in to it with MFA — so a setting handing it rights
blocks."""

from __future__ import annotations

import re
from typing import Any

from policies.core.view import ResourceView, StackGraph, is_unknown

ROLE = "aws:iam/role:Role"
_ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:role/(?:.*/)?([^/]+)$")


def stack_role(graph: StackGraph, r: ResourceView, fld: str, arn: Any) -> ResourceView | bool | None:
    """The stack's role that `arn` (the value at `fld` of `r`, or under it) is: fed from it, or named in the
    ARN; False: none; None: unknown or not text."""
    for d in graph.dependency_of(r, fld):
        if d.type == ROLE:
            return d
    if not isinstance(arn, str) or is_unknown(arn):
        return None
    m = _ROLE_ARN.match(arn)
    return next((x for x in graph.by_type(ROLE) if m and m.group(1) in {x.input("name"), x.name}), False)
