"""AWS live collectors against a moto server on 127.0.0.1 (real HTTP, real boto3, default credentials)."""

from __future__ import annotations

import json

import boto3
import pytest
from evidence.live import aws
from evidence.model import StackEvidence
from evidence_fixtures import checkpoint, report

REGION = "eu-west-1"
ACCOUNT = {"AWS": "arn:aws:iam::123456789012:root"}


def _trust(principal: dict[str, str], condition: dict | None = None) -> dict:
    """An assume-role policy document for one principal, optionally with a condition."""
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


MFA_TRUST = _trust(ACCOUNT, {"Bool": {"aws:MultiFactorAuthPresent": "true"}})
NO_MFA_TRUST = _trust(ACCOUNT)
SERVICE_TRUST = _trust({"Service": "ecs-tasks.amazonaws.com"})


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, moto_url: str) -> str:
    """The default credential chain and endpoint come from the environment, as in production."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": moto_url,
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    return moto_url


def _plan() -> list[StackEvidence]:
    state = checkpoint("portal-prod")
    pre = "urn:pulumi:portal-prod::dosis-eloket::"
    state["deployment"]["resources"].append(
        {
            "urn": pre + "aws:cloudtrail/trail:Trail::audit",
            "custom": True,
            "type": "aws:cloudtrail/trail:Trail",
            "inputs": {"name": "portal-audit-missing"},
        }
    )
    state["deployment"]["resources"].append(
        {
            "urn": pre + "aws:cloudtrail/trail:Trail::main",
            "custom": True,
            "type": "aws:cloudtrail/trail:Trail",
            "inputs": {"name": "portal-audit", "enableLogFileValidation": True, "isMultiRegionTrail": False},
        }
    )
    return [StackEvidence("portal-prod", report("portal-prod"), state)]


def _by(checks, check_id):
    return [c for c in checks if c.check == check_id]


@pytest.mark.slow
def test_aws_collectors_read_back_what_was_created(aws_env: str) -> None:
    kms = boto3.client("kms")
    good = kms.create_key(Description="data")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=good)
    bad = kms.create_key(Description="no rotation")["KeyMetadata"]["KeyId"]
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="eloket-config", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_encryption(
        Bucket="eloket-config",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": good}}
            ]
        },
    )
    s3.put_public_access_block(
        Bucket="eloket-config",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.create_bucket(Bucket="eloket-open", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_encryption(
        Bucket="eloket-open",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.create_bucket(Bucket="eloket-trail", CreateBucketConfiguration={"LocationConstraint": REGION})
    ct = boto3.client("cloudtrail")
    ct.create_trail(
        Name="portal-audit",
        S3BucketName="eloket-trail",
        EnableLogFileValidation=True,
        IsMultiRegionTrail=True,
    )
    ct.start_logging(Name="portal-audit")
    boto3.client("rds").create_db_instance(
        DBInstanceIdentifier="eloket-db",
        DBInstanceClass="db.t3.micro",
        Engine="mysql",
        MasterUsername="admin",
        MasterUserPassword="Planted-DbPw-91bd0c2e",
        AllocatedStorage=20,
        StorageEncrypted=True,
        KmsKeyId=good,
    )
    iam = boto3.client("iam")
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
    )
    iam.create_role(RoleName="admin-mfa", AssumeRolePolicyDocument=json.dumps(MFA_TRUST))
    iam.create_role(RoleName="admin-nomfa", AssumeRolePolicyDocument=json.dumps(NO_MFA_TRUST))
    iam.create_role(RoleName="drupal-task", AssumeRolePolicyDocument=json.dumps(SERVICE_TRUST))
    boto3.client("guardduty").create_detector(Enable=True)
    ec2 = boto3.client("ec2")
    cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="20.1.2.3", BgpAsn=65515)["CustomerGateway"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]
    ec2.create_vpn_connection(
        Type="ipsec.1", CustomerGatewayId=cgw["CustomerGatewayId"], VpnGatewayId=vgw["VpnGatewayId"]
    )

    checks = aws.collect(_plan())

    rotation = {c.resource.rsplit("/", 1)[-1]: c.status for c in _by(checks, "aws.kms.rotation")}
    assert rotation == {good: "pass", bad: "fail"}
    assert {c.status for c in _by(checks, "aws.kms.policy")} == {"pass"}
    enc = {c.resource: c.status for c in _by(checks, "aws.s3.encryption")}
    assert enc["eloket-config"] == "pass" and enc["eloket-open"] == "fail"
    pab = {c.resource: c.status for c in _by(checks, "aws.s3.public-access-block")}
    assert pab["eloket-config"] == "pass" and pab["eloket-open"] == "fail"
    assert [c.status for c in _by(checks, "aws.cloudtrail.logging")] == ["pass"]
    assert [c.status for c in _by(checks, "aws.cloudtrail.validation")] == ["pass"]
    multi = _by(checks, "aws.cloudtrail.multi-region")
    assert [(c.status, c.drift, c.expected) for c in multi] == [("pass", True, False)], (
        "plan says single-region"
    )
    assert [c.drift for c in _by(checks, "aws.cloudtrail.validation")] == [False]
    drift = _by(checks, "aws.cloudtrail.drift")
    assert [(c.resource, c.status, c.drift) for c in drift] == [("portal-audit-missing", "fail", True)]
    assert [c.status for c in _by(checks, "aws.rds.encryption")] == ["pass"]
    assert [c.status for c in _by(checks, "aws.iam.password-policy")] == ["pass"]
    roles = {c.resource.rsplit("/", 1)[-1]: c.status for c in _by(checks, "aws.iam.role-mfa")}
    assert roles == {"admin-mfa": "pass", "admin-nomfa": "fail"}
    assert [c.status for c in _by(checks, "aws.guardduty")] == ["pass"]
    # moto returns no tunnel telemetry: the check must say so, not pass
    assert [c.status for c in _by(checks, "aws.vpn.tunnels")] == ["not-verified"]
    assert not _by(checks, "aws.vpn.drift")
    assert not any(c.status == "error" for c in checks), [c for c in checks if c.status == "error"]
    assert "Planted-DbPw-91bd0c2e" not in json.dumps([c.to_json() for c in checks], default=str)


@pytest.mark.slow
def test_unreachable_api_is_an_error_per_check_never_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
    }.items():
        monkeypatch.setenv(key, value)
    checks = aws.collect(_plan())
    assert {c.check for c in checks} == {name for name, _, _ in aws.COLLECTORS}
    assert {c.status for c in checks} == {"error"}
    assert all("unreachable" in c.detail for c in checks)


@pytest.mark.slow
def test_missing_credentials_are_not_verified(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    checks = aws.collect(_plan())
    assert {c.status for c in checks} == {"not-verified"}


def test_denied_call_is_an_error_for_that_check_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.stub import Stubber

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.session.Session(region_name=REGION).client("kms")
    arn = f"arn:aws:kms:{REGION}:123456789012:key/k1"
    with Stubber(client) as stub:
        stub.add_response("list_keys", {"Keys": [{"KeyId": "k1", "KeyArn": arn}], "Truncated": False})
        stub.add_response(
            "describe_key",
            {
                "KeyMetadata": {
                    "KeyId": "k1",
                    "Arn": arn,
                    "KeyManager": "CUSTOMER",
                    "KeyState": "Enabled",
                    "KeySpec": "SYMMETRIC_DEFAULT",
                }
            },
        )
        stub.add_response("get_key_rotation_status", {"KeyRotationEnabled": True})
        stub.add_client_error(
            "get_key_policy", service_error_code="AccessDeniedException", http_status_code=400
        )

        class Session:
            def client(self, name: str):
                return client

        checks = aws.kms(Session(), [])
    assert [(c.check, c.status, c.detail) for c in checks] == [
        ("aws.kms.rotation", "pass", "automatic rotation on"),
        ("aws.kms.policy", "error", "missing permission: AccessDeniedException"),
    ]


@pytest.mark.slow
def test_export_live_puts_aws_evidence_in_the_bundle(aws_env: str, tmp_path, export_kwargs) -> None:
    from evidence import cli
    from evidence.export import export
    from evidence_fixtures import DB_PASSWORD, PROJECT, PSK

    boto3.client("kms").create_key(Description="live bundle key")
    out = tmp_path / "bundle"
    export(PROJECT, out, stacks=["portal-prod"], live=True, **export_kwargs)
    checks = json.loads((out / "live.json").read_text())
    assert {c["cloud"] for c in checks} == {"aws"}, "portal-prod only needs AWS evidence"
    assert any(
        c["check"] == "aws.kms.rotation" and c["rules"] == ["require-customer-managed-keys"] for c in checks
    )
    assert cli.main(["verify", str(out)]) == 0
    for path in out.rglob("*"):
        if path.is_file():
            assert PSK.encode() not in path.read_bytes() and DB_PASSWORD.encode() not in path.read_bytes()
