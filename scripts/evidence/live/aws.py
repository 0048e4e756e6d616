"""Live AWS evidence with boto3 (default credential chain; region from the chain, else the plan's).

Permissions needed (read-only): cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus, kms:ListKeys,
kms:DescribeKey, kms:GetKeyRotationStatus, kms:GetKeyPolicy, s3:ListAllMyBuckets,
s3:GetEncryptionConfiguration, s3:GetBucketPublicAccessBlock, rds:DescribeDBInstances,
iam:GetAccountPasswordPolicy, iam:ListRoles, guardduty:ListDetectors, guardduty:GetDetector,
ec2:DescribeVpnConnections — e.g. the AWS managed SecurityAudit policy.

Logging and network collectors are here; data at rest in aws_storage, identities in aws_iam.
"""

from __future__ import annotations

from typing import Any

from evidence.live.aws_common import (
    BUCKET,
    CLOUD,
    GUARDDUTY,
    KEY,
    RDS,
    ROLE,
    TRAIL,
    VPN,
    aws_check,
    missing_planned,
)
from evidence.live.aws_iam import iam
from evidence.live.aws_storage import kms, rds, s3
from evidence.live.common import attempt, drift_of, guarded, planned, planned_by, stack_outputs
from evidence.model import LiveCheck, StackEvidence

__all__ = ["COLLECTORS", "cloudtrail", "collect", "guardduty", "iam", "kms", "rds", "s3", "vpn"]


def cloudtrail(session: Any, evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Every trail logs, validates its log files, and covers all regions (DPA annex 3 b.vii)."""
    ct = session.client("cloudtrail")
    trails = ct.describe_trails(includeShadowTrails=False).get("trailList", [])
    out: list[LiveCheck] = []
    if not trails:
        out.append(
            aws_check("aws.cloudtrail.logging", "", False, "no CloudTrail trail in this region", TRAIL)
        )
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
            aws_check(
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
            aws_check(
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
    names = {t.get("Name", "") for t in trails}
    out += missing_planned(evidence, TRAIL, "name", names, "aws.cloudtrail.drift")
    return out


def _trail_logging(ct: Any, arn: str) -> LiveCheck:
    logging_on = bool(ct.get_trail_status(Name=arn).get("IsLogging"))
    detail = "trail is logging" if logging_on else "trail exists but is not logging"
    return aws_check(
        "aws.cloudtrail.logging", arn, logging_on, detail, TRAIL, actual=logging_on, expected=True
    )


def guardduty(session: Any, evidence: list[StackEvidence]) -> list[LiveCheck]:
    """A GuardDuty detector is enabled (SIEM feed; DPA annex 3 b.vii)."""
    client = session.client("guardduty")
    ids = client.list_detectors().get("DetectorIds", [])
    if not ids:
        return [aws_check("aws.guardduty", "", False, "no GuardDuty detector in this region", GUARDDUTY)]
    out = []
    for did in ids:
        status = client.get_detector(DetectorId=did).get("Status")
        out.append(
            aws_check(
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
                aws_check(
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
            aws_check(
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
            aws_check(
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
