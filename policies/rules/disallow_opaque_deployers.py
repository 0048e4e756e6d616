"""Deployers whose nested resources no policy sees (ARM deployments, CloudFormation, commands) bypass the "
"gate."""

from __future__ import annotations

from policies.core.rule import Rule, RuleContext
from policies.core.types import OPAQUE_DEPLOYERS
from policies.core.view import ResourceView


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    return [
        f"{view.type} deploys resources that no policy can inspect; declare them as Pulumi resources "
        "instead (residency findings cannot be waived)"
    ]


RULE = Rule(
    id="disallow-opaque-deployers",
    title="No opaque deployer (ARM deployment, CloudFormation stack, command or dynamic resource) is used.",
    severity="high",
    remediation="Replace the template/script with Pulumi resources so the policies can judge them.",
    controls=("LOC-02", "ACC-01"),
    check=check,
    module=__name__,
    resource_types=OPAQUE_DEPLOYERS,
    waivable=False,  # residency is a contract term (DPA art. 12): no waiver can lift it
)
