"""Builders for rule tests: resource views, graphs and a runner that goes through the fail-closed wrapper."""

from __future__ import annotations

import copy
import json
from typing import Any

from policies.core.crossguard import run_resource_rule, run_stack_rule
from policies.core.rule import RuleContext
from policies.core.view import UNKNOWN, ProviderView, ResourceView, StackGraph
from policies.rules import rule

__all__ = [
    "ALLOWED", "EXT", "LB", "OWN", "TAGS", "UNKNOWN", "aws_provider", "azure_provider", "azure_rg",
    "azure_store", "graph", "messages", "pinned_res", "res", "waiver",
]

TAGS = {
    "classification": "vertrouwelijk",
    "controller": "VLAIO",
    "system": "e-loket",
    "pia-reference": "PIA-T",
}
ALLOWED = {"allowedRegions": ["westeurope", "northeurope", "eu-west-1"]}
# Azure ids outside the stack (another subscription) and of the stack's own resource group
EXT = "/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/rg-x/providers"
OWN = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-weu/providers"
SUB = OWN + "/"
# the residency rules the round tests assert most
RESOLVED = "require-resolved-references"
REPLICATION = "disallow-non-eea-replication"
# what an unresolved reference is told, and what a bucket held in a variable adds to it (round 38)
HELD_NOTE = ("; the code holds the bucket in a variable or expression the pack cannot read: write the "
             "bucket's name (a resource of this stack) in the code, assign the variable that literal in the "
             "same code, or set the environment variable in the resource's own environment")
LB = "urn:pulumi:test::p::aws:lb/listener:Listener::lb"
# what a grant of an action that aims a resource at a destination in the request is told (round 65)
AIMS = "each aims a resource at a destination named in the request"


def unresolved(path: str, value: str) -> str:
    return (f"`{path}` refers to {value!r}, which is neither a resource of this stack (matched by its "
            "recorded id, ARN or endpoint, never by name) nor a declared external endpoint (stacks/records/"
            "endpoints.yaml), so where it is cannot be judged")


def aws_provider(region: Any = "eu-west-1", account: str | None = None) -> ProviderView:
    """An AWS provider; `account` pins allowedAccountIds (without it, an ARN's account is judged against the
    accounts of the stack's recorded ARNs: policies/core/outside_parties.py foreign_arns)."""
    inputs: dict[str, Any] = {"region": region}
    if account is not None:
        inputs["allowedAccountIds"] = [account]
    return ProviderView("pulumi:providers:aws", inputs, "urn:prov:aws", "default")


def azure_provider(location: Any = "westeurope") -> ProviderView:
    return ProviderView("pulumi:providers:azure-native", {"location": location}, "urn:prov:az", "default")


def res(type_: str, name: str, inputs: dict[str, Any] | None = None, **kw: Any) -> ResourceView:
    """A resource view; urn derived from type and name; AWS types get an eu-west-1 provider by default."""
    if "provider" not in kw and type_.startswith("aws:"):
        kw["provider"] = aws_provider()
    return ResourceView(
        type=type_, raw=copy.deepcopy(inputs or {}), urn=f"urn:pulumi:test::p::{type_}::{name}", name=name,
        **kw
    )


def pinned_res(type_: str, name: str, inputs: dict[str, Any] | None = None, **kw: Any) -> ResourceView:
    """As `res`, with AWS types under a provider that pins the mocks' account (123456789012)."""
    if "provider" not in kw and type_.startswith("aws:"):
        kw["provider"] = aws_provider(account="123456789012")
    return res(type_, name, inputs, **kw)


def graph(*views: ResourceView) -> StackGraph:
    return StackGraph(views)


def messages(
    rule_id: str,
    subject: ResourceView | StackGraph,
    config: dict[str, Any] | None = None,
    stack: str = "test",
) -> list[Any]:
    """Messages of a rule: [message] for resource rules, [(name, message)] for stack rules."""
    r = rule(rule_id)
    ctx = RuleContext(config=config or {}, stack=stack)
    if r.scope == "stack":
        g = subject if isinstance(subject, StackGraph) else graph(subject)
        return [(g.by_urn[u].name if u in g.by_urn else "", m) for u, m in run_stack_rule(r, g, ctx)]
    assert isinstance(subject, ResourceView)
    return run_resource_rule(r, subject, ctx)


def azure_rg(location: Any = "westeurope") -> ResourceView:
    return res(
        "azure-native:resources:ResourceGroup",
        "rg",
        {"resourceGroupName": "rg-weu", "location": location, "id": OWN.rsplit("/", 1)[0]},
    )


def azure_store(**over: Any) -> ResourceView:
    """A storage account in rg-weu; `over` replaces inputs (None removes one); other view fields via kw."""
    kw = {k: over.pop(k) for k in ("property_dependencies",) if k in over}
    inputs = {
        "resourceGroupName": "rg-weu",
        "accountName": "acct",
        "sku": {"name": "Standard_ZRS"},
        "location": "westeurope",
        "tags": TAGS,
    }
    inputs.update(over)
    return res(
        "azure-native:storage:StorageAccount",
        "acct",
        {k: v for k, v in inputs.items() if v is not None},
        **kw,
    )


def waiver(rule: str, resource: str, reason: str = "legacy client needs a migration window", *,
           decided: str = "2026-11-01", expires: str = "2027-05-31", owner: str = "o") -> str:
    """One entry of a waiver record (YAML flow style, indented under `waivers:`)."""
    return (f"  - {{rule: {rule}, resource: '{resource}', reason: '{reason}', owner: {owner}, "
            f"decided: {decided}, expires: {expires}}}\n")


def grant_message(path: str, account: str) -> str:
    """eu-residency's message for an account granted access that is not the stack's own (rounds 29, 30)."""
    return (f"`{path}` grants {account!r} a copy it can take to any region or read access from any region "
            "(a shared snapshot, image or data share is copied or read wherever the grantee likes, a Lake "
            "Formation, RAM or resource-policy grant read from there, telemetry delivered into its account "
            "by an observability link or cross-account flow logs read there); share only with the stack's "
            "own account, which the pack knows only when the resource's provider pins it (allowedAccountIds: "
            "['<12 digits>']; under a provider that pins none, even the stack's own account blocks), or "
            "declare the account (arns: [arn:aws:iam::<id>:]) with its region or jurisdiction in "
            "stacks/records/endpoints.yaml")


def codebuild_running(command: str, account: str = "123456789012") -> ResourceView:
    """A CodeBuild project (pinned to `account`) whose buildspec runs `command` (residency rounds 35-36)."""
    return pinned_res("aws:codebuild/project:Project", "p", {
        "name": "p", "serviceRole": f"arn:aws:iam::{account}:role/cb", "artifacts": {"type": "NO_ARTIFACTS"},
        "source": {"type": "NO_SOURCE", "buildspec": f"version: 0.2\nphases:\n  build:\n    commands:\n"
                   f"      - {command}\n"}})


def role_policy(*statements: dict[str, Any]) -> ResourceView:
    """An inline policy of the worker's role, pinned to the own account, holding `statements`."""
    doc = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return pinned_res("aws:iam/rolePolicy:RolePolicy", "p", {"role": "dosis-worker", "policy": doc})


def allow(action: Any, resource: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    stmt = {"Effect": "Allow", "Action": action, "Resource": resource}
    return {**stmt, "Condition": condition} if condition else stmt


def managed_attachment(name: str) -> ResourceView:
    """The AWS-managed policy `name` (`service-role/…` included) attached to a role."""
    return pinned_res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a",
                      {"role": "r", "policyArn": f"arn:aws:iam::aws:policy/{name}"})
