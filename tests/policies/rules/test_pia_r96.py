"""Round 96 (docs/pia-conditions.md): Conditional Access may exclude only the break-glass accounts the PIA
record names, users as groups (round 95); an external key store's VPC endpoint service of another account
is that account's proxy. Cases: the round's first commit (a test failing before the fix says so); every
mutation turns one compliant fixture non-compliant, and must block with its check's message."""

from __future__ import annotations

import copy
import json

import pytest
from ruletest import TAGS, case, patch, res, run, says

MFA, SOD, PUBLIC = "require-admin-mfa", "require-separation-of-duties", "disallow-public-data-access"
HELD = "require-controller-held-keys"
USERS = "whom the PIA record does not name as break-glass accounts"
OWNER = "(`xksProxyVpcEndpointServiceOwner`), which the stack's PIA record does not name (`aws_accounts`)"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the corpus's placeholder for a value known only at update


@pytest.mark.parametrize("stem", ["r95p-60", "r96p-01", "r96p-02"])
def test_an_excluded_user_the_record_does_not_name_blocks(stem):
    """Fails before (all three passed every rule): a user excluded was judged by the memberships the
    program shows, and the directory's administrator groups are filled outside it."""
    assert says(run(MFA, case(stem)), USERS)


@pytest.mark.parametrize("stem", ["r96p-50", "r96p-51", "r96p-52", "r96p-53", "r96p-54"])
def test_the_look_alikes_pass(stem):
    for rule in (MFA, SOD, PUBLIC):
        assert run(rule, case(stem)) == [], rule


def _ca_users(resources: list[dict], name: str, **users) -> list[dict]:
    out = copy.deepcopy(resources)
    ca = next(r for r in out if r["name"] == name)
    ca["inputs"]["conditions"]["users"].update(users)
    return out


def test_mutation_a_user_excluded_beside_the_emergency_account_blocks():
    ok = case("r96p-50")
    assert run(MFA, ok) == []
    extra = ["00000000-0000-0000-0000-0000000000b9", "00000000-0000-0000-0000-0000000000e8"]
    # one policy passing is enough: the mutation must reach both
    both = _ca_users(_ca_users(ok, "ca-mfa", excludedUsers=extra), "ca-outside", excludedUsers=extra)
    assert says(run(MFA, both), USERS)
    # the record's entry is matched whatever the letter case of the id
    upper = ["00000000-0000-0000-0000-0000000000B9"]
    assert run(MFA, _ca_users(ok, "ca-mfa", excludedUsers=upper)) == []


def _xks(**store_inputs) -> list[dict]:
    """An RDS instance under a key in an external key store behind a VPC endpoint service."""
    inputs = {
        "customKeyStoreName": "controller-xks",
        "customKeyStoreType": "EXTERNAL_KEY_STORE",
        "xksProxyConnectivity": "VPC_ENDPOINT_SERVICE",
        "xksProxyUriEndpoint": "https://xks.controller.internal",
        "xksProxyVpcEndpointServiceName": "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
        **store_inputs,
    }
    store = res("xks", "aws:kms/customKeyStore:CustomKeyStore", {k: v for k, v in inputs.items() if v})
    key = res(
        "xks-key",
        "aws:kms/key:Key",
        {"customKeyStoreId": UNKNOWN, "xksKeyId": "k-1"},
        refs={"customKeyStoreId": "xks"},
    )
    db = res(
        "db",
        "aws:rds/instance:Instance",
        {"storageEncrypted": True, "kmsKeyId": UNKNOWN, "tags": TAGS},
        refs={"kmsKeyId": "xks-key"},
    )
    return [store, key, db]


def test_an_xks_endpoint_service_of_an_unrecorded_account_blocks():
    """Fails before: `xksProxyVpcEndpointServiceOwner` was not read, so a store reaching another party's
    proxy across accounts passed as the controller's."""
    assert run(HELD, _xks()) == []  # no owner: the key store's own account
    assert run(HELD, _xks(xksProxyVpcEndpointServiceOwner="111122223333")) == []
    assert run(HELD, _xks(xksProxyVpcEndpointServiceOwner="444455556666")) == []  # recorded (aws_accounts)
    found = run(HELD, _xks(xksProxyVpcEndpointServiceOwner="999988887777"))
    assert found == [
        (
            "db",
            "external key store 'xks' reaches its XKS proxy through a VPC endpoint service of account "
            f"'999988887777' {OWNER}: whose proxy, and so who holds the key material, cannot be judged; "
            "serve the controller's proxy from the stack's account, or name the account in the record (who "
            "holds it, why)",
        )
    ]


def test_an_xks_endpoint_service_owner_unknown_at_preview_blocks():
    found = run(HELD, _xks(xksProxyVpcEndpointServiceOwner=UNKNOWN))
    assert says(found, "xks.xksProxyVpcEndpointServiceOwner")


def test_a_public_xks_proxy_still_blocks_whoever_owns_it():
    found = run(
        HELD,
        patch(
            _xks(xksProxyVpcEndpointServiceOwner="111122223333"),
            "xks",
            xksProxyConnectivity="PUBLIC_ENDPOINT",
        ),
    )
    assert says(found, "reaches its XKS proxy over the internet")


NO_SECURITY = "names no security requirement"


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [
        ("r96p-13", "`target` makes a quick-create API"),
        ("r96p-14", f"operation GET /dossiers/{{id}} {NO_SECURITY}"),
        ("r96p-15", f"operation GET /dossiers/{{id}} {NO_SECURITY}"),
    ],
)
def test_an_api_open_through_its_body_or_quick_create_blocks(stem, fragment):
    """Fails before (all three passed every rule): only Method and Route resources were read for who may
    call, and an OpenAPI body only for the stores its service integrations read."""
    assert says(run(PUBLIC, case(stem)), fragment)


def _body(resources: list[dict], name: str = "rest-api") -> dict:
    api = next(r for r in resources if r["name"] == name)
    return json.loads(api["inputs"]["body"])


def _with_body(resources: list[dict], body: dict, name: str = "rest-api") -> list[dict]:
    return patch(resources, name, body=json.dumps(body))


def _op(body: dict) -> dict:
    return body["paths"]["/dossiers/{id}"]["get"]


def test_mutation_an_operation_without_an_authenticating_scheme_blocks():
    ok = case("r96p-55")
    assert run(PUBLIC, ok) == []
    body = _body(ok)
    _op(body).pop("security")
    assert says(run(PUBLIC, _with_body(ok, body)), NO_SECURITY)
    body["security"] = [{"sigv4": []}]  # the document's requirement stands for the operation's
    assert run(PUBLIC, _with_body(ok, body)) == []
    _op(body)["security"] = [{"sigv4": []}, {}]
    assert says(run(PUBLIC, _with_body(ok, body)), "lists an empty security alternative")
    _op(body)["security"] = [{"key": []}]
    body["components"]["securitySchemes"]["key"] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
    assert says(run(PUBLIC, _with_body(ok, body)), "requires only ['key'], no scheme API Gateway")
    _op(body)["security"] = [{"undefined": []}]
    assert says(run(PUBLIC, _with_body(ok, body)), "requires only ['undefined']")


def test_mutation_the_ways_an_operation_may_stay_open_or_be_authorised():
    ok = case("r96p-55")
    body = _body(ok)
    _op(body).pop("security")
    _op(body)["x-amazon-apigateway-auth"] = {"type": "AWS_IAM"}  # the REST extension (r77p-56)
    assert run(PUBLIC, _with_body(ok, body)) == []
    # an HTTP API does not document the extension: the same body there is open
    http = [
        {**r, "type": "aws:apigatewayv2/api:Api"} if r["name"] == "rest-api" else r
        for r in _with_body(ok, body)
    ]
    assert says(run(PUBLIC, http), NO_SECURITY)
    _op(body)["x-amazon-apigateway-auth"] = {"type": "NONE"}
    assert says(run(PUBLIC, _with_body(ok, body)), NO_SECURITY)
    _op(body)["x-amazon-apigateway-integration"] = {"type": "mock", "requestTemplates": {}}
    assert run(PUBLIC, _with_body(ok, body)) == []
    preflight = {"type": "http_proxy", "uri": "https://cors.example.be", "httpMethod": "OPTIONS"}
    body["paths"]["/dossiers/{id}"] = {"options": {"x-amazon-apigateway-integration": preflight}}
    # round 97: an open OPTIONS reaches its integration; only a MOCK one is the CORS preflight alone
    assert says(run(PUBLIC, _with_body(ok, body)), "and no MOCK integration answers it")
    body["paths"]["/dossiers/{id}"]["options"]["x-amazon-apigateway-integration"] = {"type": "mock"}
    assert run(PUBLIC, _with_body(ok, body)) == []


def test_mutation_an_http_api_body_with_a_jwt_authorizer_passes_and_quick_create_blocks():
    bad = case("r96p-15")
    body = _body(bad, "http-api")
    authorizer = {
        "type": "jwt",
        "identitySource": "$request.header.Authorization",
        "jwtConfiguration": {"audience": ["dossiers"], "issuer": "https://login.vlaanderen.be/op"},
    }
    jwt = {"type": "oauth2", "flows": {}, "x-amazon-apigateway-authorizer": authorizer}
    body["components"] = {"securitySchemes": {"jwt": jwt}}
    _op(body)["security"] = [{"jwt": []}]
    fixed = _with_body(bad, body, "http-api")
    assert run(PUBLIC, fixed) == []
    quick = patch(fixed, "http-api", target="arn:aws:lambda:eu-west-1:111122223333:function:dossier-api")
    assert says(run(PUBLIC, quick), "`target` makes a quick-create API")
