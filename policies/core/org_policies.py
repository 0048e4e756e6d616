"""What an Organizations policy does with the data of the accounts it is attached to, by its type (round 72).

Rounds 66-70 left every `aws:organizations/policy` to the reference scanner over its content and to
redirect_grants.py's `_BOUNDING` (SCPs and RCPs grant nothing). Most types only bound or configure; two set
where data goes. A backup policy's plans are read by the scanner as the copies they are: each rule's
`copy_actions` vault ARN and `target_backup_vault_arn` (under `@@assign` or `@@append`), and each region of
`regions`, where the plan stores recovery points, are places data is sent (round 72's cases: escaped region
names, `@@append`, another account's vault). An AI services opt-out policy that opts an account in lets
AWS's AI services keep the content they process and store it outside the region it was processed in (the
Organizations guide), a destination no input names: only `optOut` passes. A type no table below names
blocks, so a type Organizations adds later is decided before it deploys.

Round 73: an opt-out is judged as the effective policy of every account it reaches. Policies attached below
its target (or beside it) are not in the stack, and Organizations lets them use any operator unless a child
control operator says otherwise (`@@all` is the default), so the stack's policy must say `@@none` on
`services` (no service added below with optIn) and on each service's `opt_out_policy` (no optIn assigned
below), and name `default` (a service no policy names keeps AWS's default, opted in). Locked so, nothing
below can change it: judgeable from the stack alone.

Round 74: policies beside each other. Organizations merges every policy of a type an account inherits or has
attached into one effective policy: down the tree by the value-setting operators, limited by the child
control operators; at one node, policies are evaluated in the order they were attached (the first attached
wins a conflicting setting) and their child controls intersect (the guide's inheritance examples 5 and 6). The
pack does not compute the merge; it judges each of the stack's own policies so that every merge of them is
acceptable: an opt-out only when it assigns optOut locked everywhere (any merge of such policies assigns
optOut), a backup policy by every region and vault its `@@assign` and `@@append` hold (a merge holds a subset
of those, `@@remove` only takes away), the other types as moving no data. What it cannot judge is a policy the
stack attaches without making it: an existing one by its literal id, or one read with `.get()`, whose type and
content are not in the stack. Such an attachment blocks. Policies others attach are not in the stack at all.
"""

from __future__ import annotations

import json
from typing import Any

from policies.core.view import ResourceView, StackGraph, is_unknown

POLICY = "aws:organizations/policy:Policy"
ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"
_AI = "AISERVICES_OPT_OUT_POLICY"
_CHILDREN = "@@operators_allowed_for_child_policies"
_LOCKED = ["@@none"]  # the only child control that leaves policies below no way to change a setting
# Types that set no place data goes, each with why; BACKUP_POLICY's destinations are the scanner's.
DECIDED: dict[str, str] = {
    "SERVICE_CONTROL_POLICY": "bounds the permissions of the accounts' principals; grants nothing",
    "RESOURCE_CONTROL_POLICY": "bounds the permissions on the accounts' resources; grants nothing",
    "TAG_POLICY": "which tag keys and values resources may carry: no data moves",
    "BACKUP_POLICY": "its copy vaults and plan regions are read by the reference scanner as destinations",
    "CHATBOT_POLICY": "which chat clients and channels Chatbot may use; a channel configuration that sends "
    "is a resource of the stack, judged as one",
    "DECLARATIVE_POLICY_EC2": "EC2 account attributes (public sharing blocks, IMDS defaults, serial console, "
    "allowed images, VPC block public access): a snapshot or image shared is judged where it is shared",
    "BEDROCK_POLICY": "guardrails enforced on model calls of the accounts: bounds what a call may carry",
    "INSPECTOR_POLICY": "enables Inspector scanning in the accounts: findings go to the delegated "
    "administrator, judged as one (org_delegates.py)",
    "SECURITYHUB_POLICY": "Security Hub configuration of the accounts: findings go to the delegated "
    "administrator, judged as one (org_delegates.py)",
    "S3_POLICY": "S3 account settings (block public access): bounds access, moves no data",
    "UPGRADE_ROLLOUT_POLICY": "the order in which resources receive automatic upgrades: no data moves",
}


def org_policy_problems(view: ResourceView) -> list[str]:
    """Why an Organizations policy sends the accounts' data to a place the pack cannot accept ([] if not)."""
    if view.type != POLICY:
        return []
    kind = view.input("type", "SERVICE_CONTROL_POLICY")
    if kind == _AI:
        return _opted_in(view.input("content"))
    if isinstance(kind, str) and kind in DECIDED:
        return []
    return [f"`type` = {kind!r} is an Organizations policy type the pack has not decided, so what it does "
            "with the accounts' data cannot be judged; use a decided type or add this one to "
            "policies/core/org_policies.py with why"]


def attachment_problems(view: ResourceView, graph: StackGraph) -> list[str]:
    """An attachment must attach a policy the stack makes (its `policyId` computed from one, whose `content`
    is an input: a policy read with `.get()` has none), so that the policy is judged above."""
    if view.type != ATTACHMENT:
        return []
    made = graph.dependency_of(view, "policyId")
    if any(p.type == POLICY and p.input("content") is not None for p in made):
        return []
    return [f"`policyId` = {view.input('policyId')!r} attaches a policy this stack does not make (an "
            "existing policy by its id, or one read with `.get()`): its type and content, which the accounts "
            "under `targetId` then follow (a backup plan copying out, an AI services opt-in that wins when "
            "attached first), cannot be judged; create the policy in this stack (aws.organizations.Policy) "
            "and attach it by its `id` output (policies/core/org_policies.py)"]


def _opted_in(content: Any) -> list[str]:
    """Every `opt_out_policy` must assign `optOut`; anything else (optIn, another operator, unreadable
    content) may let the AI services store content outside its region."""
    try:
        doc = json.loads(content) if isinstance(content, str) and not is_unknown(content) else None
    except ValueError:
        doc = None
    services = doc.get("services") if isinstance(doc, dict) else None
    if not isinstance(services, dict) or not services:
        return [_AI_FIX.format(what="`content` is not a readable opt-out policy")]
    out = [] if "default" in services else [_AI_FIX.format(
        what="`content.services` names no `default`: a service it does not name keeps AWS's default, opted "
        "in")]
    if services.get(_CHILDREN) != _LOCKED:
        out.append(_AI_FIX.format(what=f"`content.services` lets policies below use {_ops(services)}: one "
                                  "may add a service with optIn"))
    for name, setting in services.items():
        if name == _CHILDREN:
            continue
        value = setting.get("opt_out_policy") if isinstance(setting, dict) else None
        if not (isinstance(value, dict) and set(value) - {_CHILDREN} == {"@@assign"}
                and value["@@assign"] == "optOut"):
            out.append(_AI_FIX.format(what=f"`content.services.{name}.opt_out_policy` = {value!r} does not "
                                      "assign optOut"))
        elif value.get(_CHILDREN) != _LOCKED:
            out.append(_AI_FIX.format(what=f"`content.services.{name}.opt_out_policy` lets policies below "
                                      f"use {_ops(value)}: one may assign optIn"))
    return out


def _ops(node: dict[str, Any]) -> str:
    """The child control operators a node allows, as Organizations reads an absent list (all of them)."""
    return repr(node[_CHILDREN]) if _CHILDREN in node else "every operator (none set: `@@all`)"


_AI_FIX = ("{what}: an AI service of an account opted in may keep the content it processes and store it "
           "outside the region it was processed in; assign `optOut` to `default` and every service named, "
           "each locked with `@@operators_allowed_for_child_policies: [\"@@none\"]` there and on `services` "
           "(policies/core/org_policies.py)")
