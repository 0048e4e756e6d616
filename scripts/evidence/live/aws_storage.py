"""Live AWS evidence on data at rest: KMS keys rotate and restrict principals, S3 buckets and RDS
databases are encrypted with a customer key, buckets block public access."""

from __future__ import annotations

import json
from typing import Any

from evidence.live.aws_common import (
    BUCKET,
    BUCKET_V2,
    CLOUD,
    KEY,
    PAB,
    RDS,
    aws_check,
    client_error_code,
    missing_planned,
)
from evidence.live.common import attempt, drift_of, planned, planned_by
from evidence.model import LiveCheck, StackEvidence


def _policy_findings(doc: Any) -> list[str]:
    """Problems of a key policy: unparsable, or a wildcard principal without a condition."""
    try:
        policy = json.loads(doc) if isinstance(doc, str) else doc
        statements = policy["Statement"]
        statements = statements if isinstance(statements, list) else [statements]
    except (ValueError, KeyError, TypeError):
        return ["key policy is not a parsable policy document"]
    problems = []
    for st in statements:
        principal = st.get("Principal")
        wildcard = principal == "*" or (
            isinstance(principal, dict)
            and "*"
            in (principal.get("AWS") if isinstance(principal.get("AWS"), list) else [principal.get("AWS")])
        )
        if st.get("Effect") == "Allow" and wildcard and not st.get("Condition"):
            problems.append(f"statement {st.get('Sid', '?')} allows any principal without a condition")
    return problems


def _key_rotation(client: Any, key_id: str, arn: str) -> LiveCheck:
    rot = bool(client.get_key_rotation_status(KeyId=key_id).get("KeyRotationEnabled"))
    return aws_check(
        "aws.kms.rotation",
        arn,
        rot,
        f"automatic rotation {'on' if rot else 'off'}",
        KEY,
        actual=rot,
        expected=True,
    )


def _key_policy(client: Any, key_id: str, arn: str) -> LiveCheck:
    problems = _policy_findings(client.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    return aws_check(
        "aws.kms.policy", arn, not problems, "; ".join(problems) or "key policy restricts principals", KEY
    )


def kms(session: Any, evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Customer-managed keys rotate and have a sound key policy (R2016; DPA annex 3 b.iv, b.vi)."""
    client = session.client("kms")
    out: list[LiveCheck] = []
    for page in client.get_paginator("list_keys").paginate():
        for k in page.get("Keys", []):
            meta = client.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
            if meta.get("KeyManager") != "CUSTOMER" or meta.get("KeyState") != "Enabled":
                continue
            arn = meta.get("Arn", k["KeyId"])
            if meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT":
                out.append(
                    attempt(
                        CLOUD,
                        "aws.kms.rotation",
                        arn,
                        KEY,
                        lambda k=k, arn=arn: _key_rotation(client, k["KeyId"], arn),
                    )
                )
            out.append(
                attempt(
                    CLOUD,
                    "aws.kms.policy",
                    arn,
                    KEY,
                    lambda k=k, arn=arn: _key_policy(client, k["KeyId"], arn),
                )
            )
    planned_keys = sum(1 for _ in planned(evidence, KEY))
    found = sum(1 for c in out if c.check == "aws.kms.policy")
    if planned_keys > found:
        out.append(
            aws_check(
                "aws.kms.drift",
                "",
                False,
                f"plan has {planned_keys} customer keys, account {found}",
                KEY,
                expected=planned_keys,
                actual=found,
                drift=True,
            )
        )
    return out


def _bucket_encryption(client: Any, name: str) -> LiveCheck:
    try:
        rules = client.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        algos = [r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm", "") for r in rules]
    except Exception as exc:
        if client_error_code(exc) != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        algos = []
    kms_on = any(a.startswith("aws:kms") for a in algos)
    return aws_check(
        "aws.s3.encryption",
        name,
        kms_on,
        f"default encryption {algos or 'none'}",
        BUCKET,
        actual=algos,
        expected=["aws:kms"],
    )


def _bucket_public_access(client: Any, name: str) -> LiveCheck:
    try:
        pab = client.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except Exception as exc:
        if client_error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
            raise
        pab = {}
    ok = all(
        pab.get(f)
        for f in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    )
    detail = "all four public-access blocks on" if ok else f"public-access block incomplete: {pab or 'none'}"
    return aws_check("aws.s3.public-access-block", name, ok, detail, PAB, actual=pab)


def s3(session: Any, evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Buckets are encrypted with KMS and block public access (DPA annex 3 b.iv; D36 §110)."""
    client = session.client("s3")
    names = [b["Name"] for b in client.list_buckets().get("Buckets", [])]
    out: list[LiveCheck] = []
    for name in names:
        out.append(
            attempt(
                CLOUD, "aws.s3.encryption", name, BUCKET, lambda name=name: _bucket_encryption(client, name)
            )
        )
        out.append(
            attempt(
                CLOUD,
                "aws.s3.public-access-block",
                name,
                PAB,
                lambda name=name: _bucket_public_access(client, name),
            )
        )
    for rtype in (BUCKET, BUCKET_V2):
        out += missing_planned(evidence, rtype, "bucket", set(names), "aws.s3.drift")
    return out


def rds(session: Any, evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Databases are encrypted with a customer key (DPA annex 3 b.iv)."""
    client = session.client("rds")
    out: list[LiveCheck] = []
    found = set()
    plan = planned_by(evidence, RDS, "identifier")
    for page in client.get_paginator("describe_db_instances").paginate():
        for db in page.get("DBInstances", []):
            ident = db.get("DBInstanceIdentifier", "")
            found.add(ident)
            enc = bool(db.get("StorageEncrypted"))
            key = db.get("KmsKeyId", "")
            _, drift = drift_of(plan.get(ident), "storageEncrypted", enc)
            out.append(
                aws_check(
                    "aws.rds.encryption",
                    db.get("DBInstanceArn", ident),
                    enc and bool(key),
                    f"storage encrypted {enc}, key {key or 'none'}",
                    RDS,
                    actual={"storageEncrypted": enc, "kmsKeyId": key},
                    expected={"storageEncrypted": True},
                    drift=drift,
                )
            )
    out += missing_planned(evidence, RDS, "identifier", found, "aws.rds.drift")
    return out
