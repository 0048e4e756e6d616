"""AWS services that keep data under an AWS-owned or AWS-managed key unless given one (merged into
require-customer-managed-keys' CONFIGURES). Found by the drop mutants of session 18: leaving the key out of a
compliant case passed where naming `alias/aws/...` blocked. Every CloudTrail trail's log files (SSE-S3
without `kmsKeyId`; a second trail beside the SIEM's encrypted one wrote S3 data events, object keys and
requesters, under Amazon's key), EventBridge Scheduler's target input, a DMS endpoint's connection settings
(the default aws/dms key), Verified Access groups' policies and trust providers' settings."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.pia_key_material import Judge

KeyFactory = Callable[..., Judge]

TRAIL = "aws:cloudtrail/trail:Trail"
SCHEDULE = "aws:scheduler/schedule:Schedule"
DMS_ENDPOINT = "aws:dms/endpoint:Endpoint"
VA_GROUP = "aws:verifiedaccess/group:Group"
VA_PROVIDER = "aws:verifiedaccess/trustProvider:TrustProvider"
CODEBUILD = "aws:codebuild/project:Project"  # round 40: build artifacts and caches (aws/s3 without one)


def service_keys(key: KeyFactory) -> dict[str, Judge]:
    """`key(field, flag=..., flag_value=...)` is the rule's judge of one key field (absent, AWS-managed,
    unknown)."""
    return {
        TRAIL: key("kmsKeyId"),
        SCHEDULE: key("kmsKeyArn"),
        DMS_ENDPOINT: key("kmsKeyArn"),
        VA_GROUP: key("sseConfiguration.kmsKeyArn", flag="sseConfiguration.customerManagedKeyEnabled"),
        VA_PROVIDER: key("sseSpecification.kmsKeyArn", flag="sseSpecification.customerManagedKeyEnabled"),
        CODEBUILD: key("encryptionKey"),
    }
