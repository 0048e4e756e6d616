"""Code a platform installs or deploys on the program's behalf, from a definition no input spells out:
a vendor's add-on in a Kubernetes cluster (its agent ships telemetry to the vendor's site, chosen by the
vendor's defaults), and an Azure Policy definition whose deployIfNotExists template deploys resources
wherever its parameters say when the policy is remediated, and an assignment with a managed identity (the
identity is what lets a deployIfNotExists or modify definition act; a built-in one's template is in no input),
and a Data Explorer database script loaded from a blob (`scriptUrl`, round 59): its KQL control commands
(`.export`, `.set-or-append` from external data) run in the cluster, and the blob is no input.
disallow-opaque-deployers blocks them, as it does
VM extensions (policies/core/vm_extensions.py) and SSM documents (policies/core/ssm_runs.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

from policies.core.view import ResourceView, get_path, is_unknown

EKS_ADDON = "aws:eks/addon:Addon"
K8S_EXTENSION = "azure-native:kubernetesconfiguration:Extension"
POLICY_DEFINITIONS = frozenset(
    f"azure-native:authorization:{t}" for t in (
        "PolicyDefinition", "PolicyDefinitionAtManagementGroup", "PolicyDefinitionVersion",
        "PolicyDefinitionVersionAtManagementGroup")
)
POLICY_ASSIGNMENT = "azure-native:authorization:PolicyAssignment"
# Built-in definitions and initiatives live at the tenant root; custom ones under a subscription or group.
_BUILT_IN = re.compile(r"^/providers/Microsoft\.Authorization/policy(Set)?Definitions/", re.I)
# Machine configuration (guest configuration) assignments: a package with a `contentUri` is a custom one,
# whose DSC/PowerShell code runs on the machine as SYSTEM (audit too: its Test code runs); without one, the
# built-in package Microsoft publishes under that name (r16).
GUEST_CONFIGURATION = frozenset(
    f"azure-native:guestconfiguration:{t}" for t in (
        "GuestConfigurationAssignment", "GuestConfigurationAssignmentsVMSS",
        "GuestConfigurationConnectedVMwarevSphereAssignment", "GuestConfigurationHCRPAssignment")
)
KUSTO_SCRIPT = "azure-native:kusto:Script"
INSTALLER_TYPES = (
    frozenset({EKS_ADDON, K8S_EXTENSION, POLICY_ASSIGNMENT, KUSTO_SCRIPT}) | POLICY_DEFINITIONS
    | GUEST_CONFIGURATION)
# EKS add-ons by AWS and the community add-ons AWS builds are named `kebab-case`; an AWS Marketplace add-on is
# `<vendor>_<product>` (datadog_operator, dynatrace_dynatrace-operator, new-relic_kubernetes-operator).
_AWS_ADDON = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Azure cluster extensions published by Microsoft (`microsoft.flux`, `Microsoft.AzureMonitor.Containers`,
# `microsoft.dapr`); any other publisher's is a vendor's agent.
_MICROSOFT_EXTENSION = re.compile(r"^microsoft\.", re.I)


def _deploys(rule: Any) -> bool:
    """A policy rule whose `then.details` carries an ARM deployment (deployIfNotExists, whatever the effect
    parameter is set to)."""
    if isinstance(rule, str):
        try:
            rule = json.loads(rule)
        except ValueError:
            return "deployment" in rule
    return get_path(rule, "then.details.deployment") is not None


_CUSTOM_DEFINITION = re.compile(
    r"/providers/Microsoft\.Authorization/(policy(?:Set)?Definitions)/([^/]+)$", re.I)
DEFINITION_NAMES = {
    "policydefinitions": "policyDefinitionName", "policysetdefinitions": "policySetDefinitionName"}


def definition_key(view: ResourceView) -> str | None:
    """`policyDefinitions|<name>` of a custom definition or initiative of the stack (any scope), as an
    assignment names it."""
    if not view.type.startswith("azure-native:authorization:PolicySetDefinition") and \
            view.type not in POLICY_DEFINITIONS:
        return None
    kind = "policysetdefinitions" if "PolicySet" in view.type else "policydefinitions"
    name = view.input(DEFINITION_NAMES[kind])
    return f"{kind}|{name}" if isinstance(name, str) and not is_unknown(name) else None


def custom_definition(view: ResourceView) -> list[tuple[str, str, str]]:
    """An assignment with a managed identity of a custom definition deploys what that definition's template
    says: the definition must be one of the stack's (judged there; r13), named by the assignment's
    `policyDefinitionId` (`…/policyDefinitions/<name>` at a subscription or management group)."""
    kind, what = view.get("identity.type"), view.input("policyDefinitionId")
    if kind is None or (isinstance(kind, str) and kind.lower() == "none") or not isinstance(what, str):
        return []
    if is_unknown(what) or _BUILT_IN.match(what):
        return []  # unknown: judged by where it is computed from; built-in: disallow-opaque-deployers
    m = _CUSTOM_DEFINITION.search(what)
    key = f"{m.group(1).lower()}|{m.group(2)}" if m else f"policydefinitions|{what}"
    return [("policyDefinitionId", "named", f"{POLICY_ASSIGNMENT}|{key}")]


def _assignment(view: ResourceView) -> list[str]:
    """An assignment without an identity can only audit or deny; with one, a built-in definition (its
    template is in no input) deploys or modifies resources. A custom definition is judged as a definition."""
    kind = view.get("identity.type")
    if kind is None or (isinstance(kind, str) and kind.lower() == "none"):
        return []
    what = view.input("policyDefinitionId")
    if isinstance(what, str) and not is_unknown(what):
        if not _BUILT_IN.match(what):
            return []  # a custom definition: what it deploys is judged where it is defined
        what = repr(what)
    else:
        what = "its definition"
    return [f"the assignment has a managed identity, with which {what} deploys (deployIfNotExists) or "
            "modifies resources when the policy is remediated, from a template no input of the program "
            "shows (a built-in definition's is Azure's), so no policy can judge where they go; assign audit "
            "or deny policies without an identity, or declare the resources in the stack"]


def findings(view: ResourceView) -> list[str]:
    """Why the installed code cannot be judged ([]: an AWS/Microsoft add-on, a policy deploying nothing)."""
    t = view.type
    if t == POLICY_ASSIGNMENT:
        return _assignment(view)
    if t == KUSTO_SCRIPT:
        if view.get("scriptUrl") is None:
            return []  # scriptContent: the commands are an input, scanned as any (round 29)
        return ["`scriptUrl` loads the database script from a blob, so its KQL commands (an `.export` to "
                "external storage, ingestion from a URL) are in no input and no policy can judge where they "
                "send the data; write the script inline as `scriptContent`"]
    if t in GUEST_CONFIGURATION:
        uri = view.get("properties.guestConfiguration.contentUri")
        if uri is None:
            return []
        return ["`properties.guestConfiguration.contentUri` is a custom machine configuration package: its "
                "DSC/PowerShell code runs on the machine (audit included) and no input shows what it does or "
                "where it sends data; assign Microsoft's built-in packages (no contentUri) or configure the "
                "machine with resources of the stack"]
    if t in POLICY_DEFINITIONS:
        rule = view.get("policyRule")
        rule = view.get("properties.policyRule") if rule is None else rule
        if is_unknown(rule):
            return ["`policyRule` is not known at preview, so what the policy deploys cannot be judged"]
        if not _deploys(rule):
            return []
        return ["`policyRule` deploys an ARM template (deployIfNotExists) when the policy is remediated, at "
                "locations and to destinations its parameters and expressions choose, which no policy sees; "
                "assign an audit policy or declare the resources the template would deploy in the stack"]
    key = "addonName" if t == EKS_ADDON else "extensionType"
    name = view.input(key)
    if not isinstance(name, str) or is_unknown(name):
        return [f"`{key}` is not known at preview, so what the cluster runs cannot be judged; name it"]
    if (_AWS_ADDON if t == EKS_ADDON else _MICROSOFT_EXTENSION).match(name):
        return []
    return [f"`{key}` = {name!r} installs a vendor's agent in the cluster, which sends what it "
            "collects to the vendor's service at a site the vendor's defaults choose (no input shows it), "
            "so no policy can judge where the data goes; use the provider's own add-ons (CloudWatch, "
            "Azure Monitor) or run the agent as a workload whose destination is an input"]
