"""Preflight against a moto server (AWS, real boto3 over HTTP) and a canned Graph/ARM transport (Azure)."""

from __future__ import annotations

import base64
import io
import json
import re
from typing import Any

import boto3
import pytest
import requests
from azure.core.credentials import AccessToken
from azure.core.pipeline.transport import HttpTransport
from azure.core.rest._requests_basic import RestRequestsTransportResponse
from preflight import cli
from preflight.azure import ENTRA_ROLES, ROLES

ACCOUNT = "123456789012"  # moto's account
OID = "00000000-0000-4000-8000-00000000d0d0"
SUB = "00000000-1111-2222-3333-444444444444"


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch, moto_url: str) -> boto3.session.Session:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    requests.post(f"{moto_url}/moto-api/reset", timeout=10)
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-1"
    )


def _portal(monkeypatch, **config: Any) -> None:
    base = {"dosis-eloket:accountId": ACCOUNT, "dosis-eloket:domainName": "www.example.be"}
    monkeypatch.setattr(cli, "_config", lambda stack: {**base, **config})


def _run(**kwargs) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.run(out=out, **kwargs)
    return code, out.getvalue()


def test_aws_ready_account_passes_with_manual_items(monkeypatch, session):
    _portal(monkeypatch)
    session.client("iam").create_role(RoleName="eloket-deployer", AssumeRolePolicyDocument="{}")
    code, text = _run(stack="portal-prod", session=session)
    assert code == 0, text
    assert re.search(r"^OK +aws-account", text, re.M) and re.search(r"^OK +guardduty-free", text, re.M)
    assert re.search(r"^MANUAL +identity-center-mfa", text, re.M)
    assert re.search(r"^MANUAL +certificate .*DNS validation", text, re.M)


def test_aws_landing_zone_leftovers_and_wrong_account_are_missing(monkeypatch, session):
    _portal(monkeypatch, **{"dosis-eloket:accountId": "111122223333"})
    detector = session.client("guardduty").create_detector(Enable=True)["DetectorId"]
    session.client("config").put_configuration_recorder(
        ConfigurationRecorder={"name": "landing-zone", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/x"}
    )
    code, text = _run(stack="portal-prod", session=session)
    assert code == 1
    assert re.search(rf"^MISSING +guardduty-free +detector {detector}", text, re.M)
    assert re.search(r"^MISSING +config-free +recorder landing-zone", text, re.M)
    assert re.search(r"^MISSING +aws-account +credentials are for account 123456789012", text, re.M)
    assert re.search(r"^MISSING +deployer-role", text, re.M)


def test_aws_certificate_must_be_issued(monkeypatch, session):
    arn = session.client("acm").request_certificate(DomainName="www.example.be", ValidationMethod="DNS")[
        "CertificateArn"
    ]
    _portal(monkeypatch, **{"dosis-eloket:certificateArn": arn})
    code, text = _run(stack="portal-prod", session=session)
    assert code == 1 and re.search(r"^MISSING +certificate .* is PENDING_VALIDATION", text, re.M)


def test_without_credentials_the_checklist_is_printed_and_nothing_passes(monkeypatch):
    _portal(monkeypatch)

    class NoCredentials:
        def get_credentials(self):
            return None

    code, text = _run(stack="portal-prod", session=NoCredentials())
    assert code == 1
    assert "NOT VERIFIED: no aws credentials" in text and "[ ] guardduty-free" in text
    assert not re.search(r"^OK ", text, re.M)


# ------------------------------------------------------------------------------------------------ Azure


def _token() -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"oid": OID}).encode()).decode().rstrip("=")
    return f"e30.{payload}.sig"


class FakeCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        assert scopes[0] in ("https://management.azure.com/.default", "https://graph.microsoft.com/.default")
        return AccessToken(_token(), 4_102_444_800)


class CannedTransport(HttpTransport):
    """Answers Graph/ARM GETs from routes shaped like Microsoft's published response examples."""

    def __init__(self, routes: list[tuple[str, int, Any]]) -> None:
        self.routes = routes

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return None

    def open(self):
        return None

    def close(self):
        return None

    def send(self, request, **kwargs):
        assert request.headers.get("Authorization") == f"Bearer {_token()}"
        status, body = 404, {"error": {"code": "NotFound", "message": request.url}}
        for pattern, code, payload in self.routes:
            if re.search(pattern, request.url):
                status, body = code, payload
                break
        resp = requests.Response()
        resp.status_code = status
        resp._content = json.dumps(body).encode()
        resp._content_consumed = True
        resp.raw = io.BytesIO(resp._content)
        resp.headers["content-type"] = "application/json"
        resp.url = request.url
        return RestRequestsTransportResponse(request=request, internal_response=resp)


def _sku(plans: list[str]) -> dict:
    # Shape of "List subscribedSkus" (Microsoft Graph v1.0).
    return {
        "capabilityStatus": "Enabled",
        "skuPartNumber": "EMSPREMIUM",
        "prepaidUnits": {"enabled": 25, "suspended": 0, "warning": 0},
        "servicePlans": [{"servicePlanName": p, "provisioningStatus": "Success"} for p in plans],
    }


def _routes(plans, defaults_on, rbac_roles, entra_roles) -> list[tuple[str, int, Any]]:
    return [
        (r"/v1\.0/subscribedSkus", 200, {"value": [_sku(plans)]}),
        (
            r"identitySecurityDefaultsEnforcementPolicy",
            200,
            {
                "id": "00000000-0000-0000-0000-000000000005",
                "displayName": "Security Defaults",
                "isEnabled": defaults_on,
            },
        ),
        (
            r"/providers/Microsoft\.Authorization/roleAssignments",
            200,
            {
                "value": [
                    {
                        "properties": {
                            "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/"
                            f"roleDefinitions/{r}",
                            "principalId": OID,
                        }
                    }
                    for r in rbac_roles
                ]
            },
        ),
        (
            r"/roleManagement/directory/roleAssignments",
            200,
            {
                "value": [
                    {"id": f"a{i}", "principalId": OID, "roleDefinitionId": r, "directoryScopeId": "/"}
                    for i, r in enumerate(entra_roles)
                ]
            },
        ),
    ]


def test_azure_ready_tenant(monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    routes = _routes(["AAD_PREMIUM", "AAD_PREMIUM_P2"], False, [ROLES["owner"]], list(ENTRA_ROLES.values()))
    code, text = _run(stack="dosis-prod", credential=FakeCredential(), transport=CannedTransport(routes))
    assert code == 0, text
    for item in (
        "entra-p1",
        "entra-p2",
        "security-defaults-off",
        "deployer-azure-rbac",
        "deployer-entra-roles",
    ):
        assert re.search(rf"^OK +{item}", text, re.M), item


def test_azure_missing_prerequisites_are_named(monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    routes = _routes(["AAD_PREMIUM"], True, [ROLES["contributor"]], [ENTRA_ROLES["Groups Administrator"]])
    code, text = _run(stack="dosis-prod", credential=FakeCredential(), transport=CannedTransport(routes))
    assert code == 1
    assert re.search(r"^OK +entra-p1", text, re.M) and re.search(r"^MISSING +entra-p2", text, re.M)
    assert re.search(r"^MISSING +security-defaults-off +Security Defaults are on", text, re.M)
    assert re.search(r"^MISSING +deployer-azure-rbac", text, re.M)
    assert re.search(r"^MISSING +deployer-entra-roles +lacks Conditional Access Administrator", text, re.M)


def test_azure_denied_call_is_an_error_never_ok(monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    routes = [
        (r"subscribedSkus", 403, {"error": {"code": "Authorization_RequestDenied", "message": "no"}}),
        *_routes([], False, [ROLES["owner"]], [])[1:],
    ]
    code, text = _run(stack="dosis-prod", credential=FakeCredential(), transport=CannedTransport(routes))
    assert code == 1
    assert re.search(r"^ERROR +entra-p1", text, re.M) and re.search(r"^ERROR +entra-p2", text, re.M)


def test_azure_without_login_prints_the_checklist(monkeypatch):
    class NoLogin:
        def get_token(self, *scopes, **kwargs):
            raise RuntimeError("no credential")

    code, text = _run(stack="dosis-prod", credential=NoLogin())
    assert code == 1 and "NOT VERIFIED: no azure credentials" in text and "[ ] entra-p2" in text
