"""AWS prerequisites of portal-prod, read with boto3 (default credential chain; tests: moto server)."""

from __future__ import annotations

from typing import Any

from preflight.checks import ERROR, MISSING, OK, Result, manual

REGION = "eu-west-1"


def _safe(item: str, fn) -> Result:
    try:
        return fn()
    except Exception as exc:  # an API that cannot answer is an error, never an ok
        code = getattr(exc, "response", {}).get("Error", {}).get("Code") if hasattr(exc, "response") else None
        return Result(item, ERROR, f"{type(exc).__name__}{f' {code}' if code else ''}: could not check")


def check(
    session: Any, account_id: str, deployer_role: str, certificate_arn: str | None, domain: str
) -> list[Result]:
    """Every AWS item; one result each."""

    def account() -> Result:
        actual = session.client("sts", region_name=REGION).get_caller_identity()["Account"]
        if actual != account_id:
            return Result(
                "aws-account", MISSING, f"credentials are for account {actual}, the stack needs {account_id}"
            )
        return Result("aws-account", OK, f"account {actual}")

    def role() -> Result:
        iam = session.client("iam", region_name=REGION)
        try:
            iam.get_role(RoleName=deployer_role)
        except iam.exceptions.NoSuchEntityException:
            return Result("deployer-role", MISSING, f"role {deployer_role} does not exist")
        return Result("deployer-role", OK, f"role {deployer_role} exists")

    def guardduty() -> Result:
        ids = session.client("guardduty", region_name=REGION).list_detectors()["DetectorIds"]
        if ids:
            return Result(
                "guardduty-free", MISSING, f"detector {ids[0]} exists: import it or set guardduty=false"
            )
        return Result("guardduty-free", OK, "no detector yet")

    def config() -> Result:
        client = session.client("config", region_name=REGION)
        recorders = client.describe_configuration_recorders()["ConfigurationRecorders"]
        channels = client.describe_delivery_channels()["DeliveryChannels"]
        taken = [f"recorder {r['name']}" for r in recorders] + [
            f"delivery channel {c['name']}" for c in channels
        ]
        if taken:
            return Result("config-free", MISSING, f"{', '.join(taken)} exist: import them")
        return Result("config-free", OK, "no recorder or delivery channel yet")

    def certificate() -> Result:
        if certificate_arn is None:
            return manual(
                "certificate",
                f"the stack requests one for {domain}: its DNS validation record "
                "must be published by the domain owner before `up` can finish",
            )
        cert = session.client("acm", region_name=REGION).describe_certificate(CertificateArn=certificate_arn)
        status = cert["Certificate"]["Status"]
        if status != "ISSUED":
            return Result("certificate", MISSING, f"{certificate_arn} is {status}, not ISSUED")
        return Result("certificate", OK, f"{certificate_arn} ISSUED")

    return [
        _safe("aws-account", account),
        _safe("deployer-role", role),
        _safe("guardduty-free", guardduty),
        _safe("config-free", config),
        _safe("certificate", certificate),
        manual("identity-center-mfa"),
    ]
