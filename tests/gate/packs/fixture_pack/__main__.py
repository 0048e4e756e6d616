"""A small CrossGuard pack exercising every path of the gate's policy host."""

import os

import pulumi
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)

BUCKET = "aws:s3/bucket:Bucket"


def require_tag(args, report_violation):
    if args.resource_type != BUCKET:  # resource_types is only a hint: the policy is a no-op elsewhere
        return
    tag = args.get_config()["tag"]
    tags = args.props.get("tags") or {}
    if tag not in tags:
        report_violation(f"missing tag '{tag}'")


def provider_region(args, report_violation):
    if args.resource_type.startswith("pulumi:"):
        return
    region = args.props.get("region")
    if region is None and args.provider is not None:
        region = args.provider.props.get("region")
    if region is not None and not str(region).startswith("eu-"):
        provider = args.provider.name if args.provider else "-"
        report_violation(f"region {region} is outside the EU (provider {provider})")


def versioning_known(args, report_violation):
    if args.resource_type == BUCKET:
        _ = args.props["versioning"]["enabled"]  # may be unknown during preview


def waived(args, report_violation):
    if args.resource_type == BUCKET and args.name == "legacy":
        report_violation("[waived: bucket-is-legacy until 2099-12-31, owner team-a] legacy bucket kept")


def crashes(args, report_violation):
    if args.resource_type == "aws:sqs/queue:Queue":
        raise ValueError("boom on queue")


def protected(args, report_violation):
    if args.resource_type == BUCKET and not args.opts.protect:
        report_violation("bucket is not protected")


def environment(args, report_violation):
    if args.resource_type == "pulumi:pulumi:Stack":
        region = pulumi.Config("aws").get("region")
        report_violation(f"stack {pulumi.get_stack()} of {pulumi.get_project()}, aws:region {region}, "
                         f"dry run {os.environ.get('PULUMI_DRY_RUN')}")


async def queue_encrypted(args, report_violation):
    if args.resource_type == "aws:sqs/queue:Queue" and "kmsMasterKeyId" not in args.props:
        report_violation("queue is not encrypted with a KMS key")


def not_applicable(args, report_violation):
    args.not_applicable("nothing to judge here")


def never(args, report_violation):
    report_violation("disabled policies never run")


def stack_has_key(args, report_violation):
    keys = [r for r in args.resources if r.resource_type == "aws:kms/key:Key"]
    if not keys:
        report_violation("the stack has no KMS key")
    for r in args.resources:
        keyed = any(d.resource_type == "aws:kms/key:Key" for d in r.dependencies)
        if r.resource_type == BUCKET and not keyed:
            report_violation(f"bucket {r.name} does not depend on a key", r.urn)


tagged = ResourceValidationPolicy(
    name="require-tag",
    description="Buckets carry the configured tag.",
    validate=require_tag,
    config_schema=PolicyConfigSchema(properties={"tag": {"type": "string", "default": "classification"}}),
    severity=Severity.HIGH,
)
tagged.resource_types = frozenset({BUCKET})

PolicyPack(
    name="fixture-pack",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        tagged,
        ResourceValidationPolicy(name="eu-region", description="Resources live in the EU.",
                                 validate=provider_region, severity=Severity.CRITICAL),
        ResourceValidationPolicy(name="versioning-known", description="Bucket versioning is known.",
                                 validate=versioning_known),
        ResourceValidationPolicy(name="waivable", description="Legacy buckets are gone.", validate=waived,
                                 enforcement_level=EnforcementLevel.ADVISORY),
        ResourceValidationPolicy(name="crashes", description="Queues are fine.", validate=crashes),
        ResourceValidationPolicy(name="protected", description="Buckets are protected.", validate=protected,
                                 enforcement_level=EnforcementLevel.ADVISORY),
        ResourceValidationPolicy(name="environment", description="The CLI environment is visible.",
                                 validate=environment, enforcement_level=EnforcementLevel.ADVISORY),
        ResourceValidationPolicy(name="queue-encrypted", description="Queues use a KMS key.",
                                 validate=queue_encrypted),
        ResourceValidationPolicy(name="not-applicable", description="Never applies.",
                                 validate=not_applicable),
        ResourceValidationPolicy(name="never", description="Never runs.", validate=never,
                                 enforcement_level=EnforcementLevel.DISABLED),
        StackValidationPolicy(name="stack-has-key", description="Buckets depend on a KMS key.",
                              validate=stack_has_key, severity=Severity.MEDIUM),
    ],
)
