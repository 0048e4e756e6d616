"""Permissions boundaries: what caps a principal's effective permissions (its statements intersected with the
boundary's). A role or user names its boundary by policy ARN (`permissionsBoundary`); an IAM Identity Center
permission set by a separate attachment (round 42, `PermissionsBoundaryAttachment`): a customer-managed
policy reference (name and path, as Identity Center attaches it in each account it provisions: matched like
the set's customer-managed policies, `customer_policy_refs.py`) or an AWS-managed policy ARN. A boundary that
cannot be read — a policy the stack does not declare, an AWS-managed policy the gate does not know, an
unknown value, more than one attachment — caps nothing (over-approximate: what is judged only widens)."""

from __future__ import annotations

from typing import Any

from policies.core.iam.customer_policy_refs import referenced_policy
from policies.core.view import ResourceView, is_unknown

PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"
ATTACHMENT = "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment"


def boundary(res: Any, view: ResourceView) -> list[dict[str, Any]] | None:
    """The statements of `view`'s permissions boundary, or None when it has none that can be read
    (`res`: the principals' resolver, which reads policy documents and ARNs)."""
    if view.type == PERMISSION_SET:
        attachments = res.linked(ATTACHMENT, "permissionSetArn", view)
        return _attached(res, attachments[0]) if len(attachments) == 1 else None
    arn = view.input("permissionsBoundary")
    if arn is None:
        return None
    stmts, problems = res.policy_arn(view, "permissionsBoundary", arn)
    return None if problems else stmts


def _attached(res: Any, holder: ResourceView) -> list[dict[str, Any]] | None:
    spec = holder.input("permissionsBoundary")
    if is_unknown(spec) or not isinstance(spec, dict):
        return None
    ref, arn = spec.get("customerManagedPolicyReference"), spec.get("managedPolicyArn")
    if (ref is None) == (arn is None):  # AWS takes exactly one of them
        return None
    if ref is not None:
        policy, _ = referenced_policy(res.graph, ref)
        if policy is None:
            return None
        stmts, problems = res.document(policy, "policy", "boundary")
    else:
        stmts, problems = res.policy_arn(holder, "permissionsBoundary.managedPolicyArn", arn)
    return None if problems else stmts
