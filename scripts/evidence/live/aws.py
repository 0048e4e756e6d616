"""Live AWS evidence with boto3 (default credential chain; region from the chain, else the plan's).

Permissions needed (read-only): cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus, kms:ListKeys,
kms:DescribeKey, kms:GetKeyRotationStatus, kms:GetKeyPolicy, s3:ListAllMyBuckets,
s3:GetEncryptionConfiguration, s3:GetBucketPublicAccessBlock, rds:DescribeDBInstances,
iam:GetAccountPasswordPolicy, iam:ListRoles, guardduty:ListDetectors, guardduty:GetDetector,
ec2:DescribeVpnConnections — e.g. the AWS managed SecurityAudit policy.
"""

from __future__ import annotations

import json
from typing import Any

from evidence.live.common import attempt, check, drift_of, guarded, planned, planned_by, stack_outputs
from evidence.model import LiveCheck, StackEvidence

CLOUD = "aws"
TRAIL = "aws:cloudtrail/trail:Trail"
KEY = "aws:kms/key:Key"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
RDS = "aws:rds/instance:Instance"
PASSWORD_POLICY = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
ROLE = "aws:iam/role:Role"
GUARDDUTY = "aws:guardduty/detector:Detector"
VPN = "aws:ec2/vpnConnection:VpnConnection"
MIN_PASSWORD_LENGTH = 14


def _c(check_id: str, resource: str, ok: bool | None, detail: str, rtype: str, **kw: Any) -> LiveCheck:
    return check(CLOUD, check_id, resource, ok, detail, rtype, **kw)


def _missing(
    evidence: list[StackEvidence], rtype: str, key: str, found: set[str], check_id: str
) -> list[LiveCheck]:
    """Drift: resources the plan names that the account does not have."""
    out = []
    for stack, inputs in planned(evidence, rtype):
        name = inputs.get(key)
        if isinstance(name, str) and name and not name.startswith("04da6b54") and name not in found:
            out.append(
                _c(
                    check_id,
                    name,
                    False,
                    f"planned in {stack} but not found in the account",
                    rtype,
                    expected="present",
                    actual="absent",
                    drift=True,
                )
            )
    return out


def cloudtrail(session: Any, evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Every trail logs, validates its log files, and covers all regions (DPA annex 3 b.vii)."""
    ct = session.client("cloudtrail")
    trails = ct.describe_trails(includeShadowTrails=False).get("trailList", [])
    out: list[LiveCheck] = []
    if not trails:
        out.append(_c("aws.cloudtrail.logging", "", False, "no CloudTrail trail in this region", TRAIL))
    plan = planned_by(evidence, TRAIL, "name")
    for t in trails:
        arn = t.get("TrailARN", t.get("Name", ""))
        inputs = plan.get(t.get("Name", ""))
        out.append(
            attempt(CLOUD, "aws.cloudtrail.logging", arn, TRAIL, lambda arn=arn: _trail_logging(ct, arn))
        )
        valid = bool(t.get("LogFileValidationEnabled"))
        planned_valid, drift = drift_of(inputs, "enableLogFileValidation", valid)
        out.append(
            _c(
                "aws.cloudtrail.validation",
                arn,
                valid,
                f"log file validation {'on' if valid else 'off'}",
                TRAIL,
                actual=valid,
                expected=True if planned_valid is None else planned_valid,
                drift=drift,
            )
        )
        multi = bool(t.get("IsMultiRegionTrail"))
        planned_multi, drift = drift_of(inputs, "isMultiRegionTrail", multi)
        out.append(
            _c(
                "aws.cloudtrail.multi-region",
                arn,
                multi,
                f"multi-region {'yes' if multi else 'no'}",
                TRAIL,
                actual=multi,
                expected=True if planned_multi is None else planned_multi,
                drift=drift,
            )
        )
    out += _missing(evidence, TRAIL, "name", {t.get("Name", "") for t in trails}, "aws.cloudtrail.drift")
    return out


def _trail_logging(ct: Any, arn: str) -> LiveCheck:
    logging_on = bool(ct.get_trail_status(Name=arn).get("IsLogging"))
    detail = "trail is logging" if logging_on else "trail exists but is not logging"
    return _c("aws.cloudtrail.logging", arn, logging_on, detail, TRAIL, actual=logging_on, expected=True)


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
    return _c(
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
    return _c(
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
            _c(
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


def _client_error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def _bucket_encryption(client: Any, name: str) -> LiveCheck:
    try:
        rules = client.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        algos = [r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm", "") for r in rules]
    except Exception as exc:
        if _client_error_code(exc) != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        algos = []
    kms_on = any(a.startswith("aws:kms") for a in algos)
    return _c(
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
        if _client_error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
            raise
        pab = {}
    ok = all(
        pab.get(f)
        for f in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    )
    detail = "all four public-access blocks on" if ok else f"public-access block incomplete: {pab or 'none'}"
    return _c("aws.s3.public-access-block", name, ok, detail, PAB, actual=pab)


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
        out += _missing(evidence, rtype, "bucket", set(names), "aws.s3.drift")
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
                _c(
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
    out += _missing(evidence, RDS, "identifier", found, "aws.rds.drift")
    return out


def _is_human_trust(doc: dict[str, Any]) -> bool:
    """A role people assume: trusted by an account / IAM user or a SAML provider, not by a service."""
    for st in doc.get("Statement", []):
        principal = st.get("Principal", {})
        if isinstance(principal, dict) and (principal.get("AWS") or principal.get("Federated")):
            return True
    return False


def _requires_mfa(doc: dict[str, Any]) -> bool:
    for st in doc.get("Statement", []):
        if st.get("Effect") != "Allow":
            continue
        cond = json.dumps(st.get("Condition", {})).lower()
        if "aws:multifactorauthpresent" not in cond and "saml" not in cond:
            return False
    return True


def iam(session: Any, evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Password policy, and MFA conditions on every role that people assume (DPA annex 3 b.iii.2)."""
    client = session.client("iam")
    out: list[LiveCheck] = []
    try:
        pol = client.get_account_password_policy()["PasswordPolicy"]
    except Exception as exc:
        if _client_error_code(exc) != "NoSuchEntity":
            raise
        pol = {}
    length = int(pol.get("MinimumPasswordLength", 0))
    ok = (
        bool(pol)
        and length >= MIN_PASSWORD_LENGTH
        and all(
            pol.get(k)
            for k in (
                "RequireSymbols",
                "RequireNumbers",
                "RequireUppercaseCharacters",
                "RequireLowercaseCharacters",
            )
        )
    )
    out.append(
        _c(
            "aws.iam.password-policy",
            "account",
            ok,
            f"minimum length {length}, complexity {'on' if ok else 'incomplete'}"
            if pol
            else "no account password policy",
            PASSWORD_POLICY,
            actual=pol or None,
            expected={"MinimumPasswordLength": f">= {MIN_PASSWORD_LENGTH}"},
        )
    )
    for page in client.get_paginator("list_roles").paginate():
        for role in page.get("Roles", []):
            doc = role.get("AssumeRolePolicyDocument") or {}
            if isinstance(doc, str):
                doc = json.loads(doc)
            if role.get("Path", "/").startswith("/aws-service-role/") or not _is_human_trust(doc):
                continue
            mfa = _requires_mfa(doc)
            out.append(
                _c(
                    "aws.iam.role-mfa",
                    role.get("Arn", role.get("RoleName", "")),
                    mfa,
                    "assume-role requires MFA" if mfa else "people can assume this role without MFA",
                    ROLE,
                )
            )
    return out


def guardduty(session: Any, evidence: list[StackEvidence]) -> list[LiveCheck]:
    """A GuardDuty detector is enabled (SIEM feed; DPA annex 3 b.vii)."""
    client = session.client("guardduty")
    ids = client.list_detectors().get("DetectorIds", [])
    if not ids:
        return [_c("aws.guardduty", "", False, "no GuardDuty detector in this region", GUARDDUTY)]
    out = []
    for did in ids:
        status = client.get_detector(DetectorId=did).get("Status")
        out.append(
            _c(
                "aws.guardduty",
                did,
                status == "ENABLED",
                f"detector {status}",
                GUARDDUTY,
                actual=status,
                expected="ENABLED",
            )
        )
    return out


def vpn(session: Any, evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Both IPsec tunnels of every VPN connection are up (DPA annex 3 a.ii; D36 §96)."""
    client = session.client("ec2")
    conns = [
        c
        for c in client.describe_vpn_connections().get("VpnConnections", [])
        if c.get("State") not in ("deleted", "deleting")
    ]
    out = []
    for c in conns:
        tele = c.get("VgwTelemetry") or []
        if not tele:
            out.append(
                _c(
                    "aws.vpn.tunnels",
                    c.get("VpnConnectionId", ""),
                    None,
                    "the API returned no tunnel telemetry",
                    VPN,
                )
            )
            continue
        up = [t.get("Status") == "UP" for t in tele]
        out.append(
            _c(
                "aws.vpn.tunnels",
                c.get("VpnConnectionId", ""),
                all(up),
                f"{sum(up)}/{len(up)} tunnels UP",
                VPN,
                actual=[t.get("Status") for t in tele],
                expected=["UP"] * len(up),
            )
        )
    planned_vpns = sum(1 for _ in planned(evidence, VPN))
    if planned_vpns > len(conns):
        out.append(
            _c(
                "aws.vpn.drift",
                "",
                False,
                f"plan has {planned_vpns} VPN connections, account {len(conns)}",
                VPN,
                expected=planned_vpns,
                actual=len(conns),
                drift=True,
            )
        )
    return out


COLLECTORS = [
    ("aws.cloudtrail", TRAIL, cloudtrail),
    ("aws.kms", KEY, kms),
    ("aws.s3", BUCKET, s3),
    ("aws.rds", RDS, rds),
    ("aws.iam", ROLE, iam),
    ("aws.guardduty", GUARDDUTY, guardduty),
    ("aws.vpn", VPN, vpn),
]


def collect(evidence: list[StackEvidence], session: Any = None) -> list[LiveCheck]:
    """Every AWS check; each failing API call becomes an error / not-verified result, never a pass."""
    import boto3

    if session is None:
        region = stack_outputs(evidence, "portal").get("region")
        session = boto3.session.Session()
        if session.region_name is None:
            session = boto3.session.Session(region_name=region if isinstance(region, str) else "eu-west-1")
    out: list[LiveCheck] = []
    for check_id, rtype, fn in COLLECTORS:
        out += guarded(CLOUD, check_id, rtype, lambda fn=fn: fn(session, evidence))
    return out
