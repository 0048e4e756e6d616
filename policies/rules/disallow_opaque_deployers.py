"""Deployers whose nested resources no policy sees (ARM deployments, CloudFormation, scripts, dynamic
providers) bypass the gate; so does having AWS run an SSM document on instances, wherever the run is launched
(policies/core/ssm_runs.py: only AWS-owned documents that run no customer code may run), and installing a VM
extension other than Microsoft's agents (policies/core/vm_extensions.py), a vendor's cluster add-on, a
deployIfNotExists policy definition or a built-in one's assignment with an identity
(policies/core/installed_code.py), or a Data Explorer script loaded from a blob."""

from __future__ import annotations

from policies.core.installed_code import INSTALLER_TYPES
from policies.core.installed_code import findings as installed_findings
from policies.core.rule import Rule, RuleContext
from policies.core.ssm_runs import RUN_TYPES, findings
from policies.core.types import class_of, tokens_of_class
from policies.core.view import ResourceView
from policies.core.vm_extensions import EXTENSION_TYPES
from policies.core.vm_extensions import findings as extension_findings


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    if not view.custom:
        return []
    if view.type in RUN_TYPES:  # an association is a deployer unless it runs a no-code AWS document
        return findings(view)
    if view.type in EXTENSION_TYPES:  # a VM extension runs code unless it is one of Microsoft's agents
        return extension_findings(view)
    if view.type in INSTALLER_TYPES:  # cluster add-ons by vendors, deployIfNotExists policy definitions
        return installed_findings(view)
    if class_of(view.type) != "deployer":
        return []
    return [
        f"{view.type} deploys or runs things that no policy can inspect; declare them as Pulumi resources "
        "instead"
    ]


RULE = Rule(
    id="disallow-opaque-deployers",
    title="No opaque deployer (ARM deployment, CloudFormation stack, script or dynamic resource) is used.",
    severity="high",
    remediation="Replace the template/script/dynamic provider with Pulumi resources of installed provider "
    "SDKs so the policies can judge them.",
    controls=("LOC-02", "ACC-01"),
    check=check,
    module=__name__,
    # the fast path: only these types are called
    resource_types=tokens_of_class("deployer") | RUN_TYPES | EXTENSION_TYPES | INSTALLER_TYPES,
    waivable=False,
)
