"""Test pack: no AWS provider in us-east-1 (mandatory)."""

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def _no_us_east(args, report_violation):
    if args.resource_type == "pulumi:providers:aws" and args.props.get("region") == "us-east-1":
        report_violation("provider region us-east-1 is not allowed")


PolicyPack(
    name="no-us-east",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(
            name="no-us-east-provider",
            description="AWS providers stay out of us-east-1.",
            validate=_no_us_east,
        ),
    ],
)
