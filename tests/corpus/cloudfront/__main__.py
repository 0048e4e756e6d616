"""Non-compliant: CloudFront serves and caches from edge locations worldwide."""

import pulumi_aws as aws

aws.cloudfront.Distribution(
    "cdn",
    enabled=True,
    default_cache_behavior={
        "allowed_methods": ["GET", "HEAD"],
        "cached_methods": ["GET", "HEAD"],
        "target_origin_id": "o",
        "viewer_protocol_policy": "redirect-to-https",
        "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    origins=[{"domain_name": "example.eu-west-1.amazonaws.com", "origin_id": "o"}],
    restrictions={"geo_restriction": {"restriction_type": "none"}},
    viewer_certificate={"cloudfront_default_certificate": True},
)
