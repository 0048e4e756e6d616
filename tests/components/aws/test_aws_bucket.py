"""SecureBucket: SSE-KMS with bucket key, BPA, versioning, ownership, TLS-only, logging, Object Lock."""

import pytest
from aws_support import KEY, TAGS, assert_all_in_portal_region, assert_tagged, doc, one, record

from components.aws import analysis
from components.aws.bucket import SecureBucket, SecureBucketArgs


def _bucket(**kwargs):
    args = {"tags": TAGS, "kms_key_arn": KEY, "access_log_bucket": "logs", **kwargs}
    return record(lambda opts: SecureBucket("b", SecureBucketArgs(**args), opts=opts))


def _tls_only(g) -> bool:
    stmts = analysis.statements(doc(one(g, "aws:s3/bucketPolicy:BucketPolicy")["policy"]))
    return any(
        s["Effect"] == "Deny"
        and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        and "s3:*" in s["Action"]
        for s in stmts
    )


def test_defaults_are_compliant():
    g = _bucket()
    rule = one(g, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[
        "rules"
    ][0]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY}
    assert rule["bucketKeyEnabled"] is True
    pab = one(g, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(
        pab[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    assert (
        one(g, "aws:s3/bucketVersioning:BucketVersioning")["versioningConfiguration"]["status"] == "Enabled"
    )
    assert one(g, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")["rule"] == {
        "objectOwnership": "BucketOwnerEnforced"
    }
    assert one(g, "aws:s3/bucketLogging:BucketLogging")["targetBucket"] == "logs"
    assert _tls_only(g)
    assert g.by_type("aws:s3/bucket:Bucket")[0].protect
    assert "log-delivery-target" not in one(g, "aws:s3/bucket:Bucket")["tags"]
    assert not g.by_type("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
    assert_all_in_portal_region(g)
    assert_tagged(g)


def test_object_lock_in_compliance_mode():
    g = _bucket(object_lock_days=3653, expire_after_days=3654)
    assert one(g, "aws:s3/bucket:Bucket")["objectLockEnabled"] is True
    lock = one(g, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
    assert lock["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 3653}
    rules = one(g, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"]
    assert {"days": 3654} in [r.get("expiration") for r in rules]


def test_log_delivery_target_uses_sse_s3_and_no_self_logging():
    g = record(
        lambda opts: SecureBucket("logs", SecureBucketArgs(tags=TAGS, log_delivery_target=True), opts=opts)
    )
    rule = one(g, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[
        "rules"
    ][0]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    assert not g.by_type("aws:s3/bucketLogging:BucketLogging")
    assert one(g, "aws:s3/bucket:Bucket")["tags"]["log-delivery-target"] == "true"
    assert _tls_only(g)


def test_extra_policy_statements_are_appended():
    def extra(arn):
        return [
            {"Sid": "X", "Effect": "Deny", "Principal": "*", "Action": ["s3:DeleteObject"], "Resource": arn}
        ]

    g = _bucket(policy_statements=extra)
    sids = [
        s.get("Sid") for s in analysis.statements(doc(one(g, "aws:s3/bucketPolicy:BucketPolicy")["policy"]))
    ]
    assert sids == ["DenyInsecureTransport", "X"]


def test_requires_key_and_log_bucket():
    with pytest.raises(Exception, match="kms_key_arn and access_log_bucket"):
        record(lambda opts: SecureBucket("b", SecureBucketArgs(tags=TAGS), opts=opts))
