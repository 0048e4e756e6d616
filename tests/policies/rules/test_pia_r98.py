"""Round 98 (docs/pia-conditions.md): a Cognito user-pool or JWT authorizer (a Method, a Route or an OpenAPI
body's scheme) authenticates only when the stack's PIA record says who may sign up to its pool or issuer
(`api_sign_in`: `closed`, or `public` for the APIs it names as public-facing by design). Cases: the round's
first commits (a test failing before the fix says so); every mutation turns one compliant fixture
non-compliant, and must block with its check's message."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from ruletest import case, patch, run, says

from policies.core.api_sign_in import _key
from policies.core.pia_attestations import PiaRecordError, validate

PUBLIC, SOD = "disallow-public-data-access", "require-separation-of-duties"
# the registration pool: the corpus record says anyone may sign up to it, for `eloket-registration` only
REGISTER = "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_Register"
NOT_LISTED = "anyone may sign up (the PIA record: sign_up public, for the APIs ['eloket-registration'])"
UNRECORDED = "which the stack's PIA record does not describe (`api_sign_in`)"


def test_a_pool_is_one_provider_by_arn_and_issuer_url():
    assert _key(REGISTER) == _key("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Register")
    assert _key("https://Login.Vlaanderen.be/op/") == _key("https://login.vlaanderen.be/op")


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [
        ("r98p-01", f"method GET: its authorizer trusts '{REGISTER}', to which {NOT_LISTED}"),
        ("r98p-02", NOT_LISTED),
        ("r98p-03", f"its authorizer trusts 'https://accounts.google.com', {UNRECORDED}"),
        ("r98p-04", f"'https://login.microsoftonline.com/common/v2.0', {UNRECORDED}"),
        ("r98p-05", f"userpool/eu-west-1_OpenSignUp', {UNRECORDED}"),
        ("r98p-06", f"'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Elsewhere', {UNRECORDED}"),
        ("r98p-07", "`authorizerId` is not an output of an authorizer of this stack, so whom its identity"),
        ("r98p-10", "operation GET /dossiers/{id} names scheme 'acm-idm': its authorizer trusts 'https://"),
        ("r98p-11", NOT_LISTED),
        ("r98p-12", f"names scheme 'users': its authorizer trusts '{REGISTER[:-8]}OpenSignUp', {UNRECORDED}"),
    ],
)
def test_the_evasions_block(stem, fragment):
    """Fails before: -01 to -07 passed every rule on main's code (any Cognito or JWT authorizer counted as
    authentication); -10 to -12, the probe of the fix, passed on 89486df4's code (a body's schemes were not
    read for their provider)."""
    assert says(run(PUBLIC, case(stem)), fragment)


@pytest.mark.parametrize("stem", ["r98p-08", "r98p-09"])
def test_the_permission_set_probes_block(stem):
    """Guards: blocked when written (a permission set's customer managed policy and role chaining)."""
    assert says(run(SOD, case(stem)), "the permission set holds")


LOOK_ALIKES = ["r98p-50", "r98p-51", "r98p-52", "r98p-53", "r18p-50", "r27p-51", "r97p-51"]


@pytest.mark.parametrize("stem", LOOK_ALIKES)
def test_the_look_alikes_pass(stem):
    assert run(PUBLIC, case(stem)) == []


def test_mutation_a_route_trusts_only_recorded_issuers():
    ok = case("r27p-51")
    jwt = {"audiences": ["dossiers"], "issuer": "https://login.vlaanderen.be/op.attacker.example"}
    assert says(run(PUBLIC, patch(ok, "jwt", jwtConfiguration=jwt)), UNRECORDED)
    assert says(run(PUBLIC, patch(ok, "jwt", jwtConfiguration={"audiences": ["dossiers"]})),
                "the authorizer jwt names no `jwtConfiguration.issuer`, so whom it signs in cannot be judged")
    # the recorded issuer, spelt with a trailing slash, is the same provider
    jwt = {"audiences": ["dossiers"], "issuer": "https://login.vlaanderen.be/op/"}
    assert run(PUBLIC, patch(ok, "jwt", jwtConfiguration=jwt)) == []


def test_mutation_a_method_trusts_each_pool_it_names():
    ok = case("r18p-50")
    pools = ["arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_x", REGISTER]
    assert says(run(PUBLIC, patch(ok, "users", providerArns=pools)), NOT_LISTED)
    assert says(run(PUBLIC, patch(ok, "users", providerArns=[])), "names no `providerArns`")


def test_mutation_a_public_api_is_named_in_the_record():
    ok = case("r98p-50")
    renamed = [{**r, "inputs": {**r["inputs"], "name": "eloket-registration-v2"}} if r["name"] == "api" else r
               for r in ok]
    assert says(run(PUBLIC, renamed), "and the API 'eloket-registration-v2' is not one of them")


def test_mutation_a_body_scheme_names_its_provider():
    ok = case("r97p-51")
    body = json.loads(next(r for r in ok if r["name"] == "http-api")["inputs"]["body"])
    scheme = body["components"]["securitySchemes"]["acm-idm"]
    scheme["x-amazon-apigateway-authorizer"]["jwtConfiguration"] = {}
    assert says(run(PUBLIC, patch(ok, "http-api", body=json.dumps(body))),
                "names scheme 'acm-idm', whose authorizer names no provider (pool or issuer)")


@pytest.mark.parametrize(
    ("key", "value"),
    [("provider", "eu-west-1_x"), ("provider", "http://login.example.be"), ("sign_up", "open"), ("who", None),
     ("verified_on", "2099-01-01"), ("apis", []), ("owner", "x")],
)
def test_a_sign_in_statement_is_validated(key, value):
    entry = {"provider": REGISTER, "sign_up": "public", "who": "anyone", "apis": ["a"]}
    entry["verified_on"] = "2026-11-02"
    entry = {k: v for k, v in {**entry, key: value}.items() if v is not None}
    with pytest.raises(PiaRecordError, match=f"api_sign_in\\[0\\]\\.{key}"):
        validate({"api_sign_in": [entry]}, "corpus.yaml", dt.date(2026, 11, 30))


@pytest.mark.parametrize(("sign_up", "apis"), [("public", None), ("closed", ["a"])])
def test_apis_go_with_public_sign_up_only(sign_up, apis):
    entry = {"provider": REGISTER, "sign_up": sign_up, "who": "x", "verified_on": "2026-11-02"}
    entry = {**entry, **({"apis": apis} if apis else {})}
    with pytest.raises(PiaRecordError, match="api_sign_in\\[0\\]\\.apis: required with sign_up public"):
        validate({"api_sign_in": [entry]}, "corpus.yaml", dt.date(2026, 11, 30))


USER_GRANTS, MFA = "disallow-direct-user-grants", "require-admin-mfa"
SESSION = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_auditors_0123456789abcdef/erik@vlaio.be"


def test_one_identity_center_session_named_as_principal_is_a_personal_grant():
    """Fails before: r98p-13 passed every rule on 74897bcf's code (an assumed-role ARN was no user)."""
    assert says(run(USER_GRANTS, case("r98p-13")),
                f"grants to one user ({SESSION}, a role session IAM Identity Center names after the")
    assert says(run(USER_GRANTS, case("r98p-14")), "`aws:userid` aroaexampleroleid0002:erik@vlaio.be")
    assert run(USER_GRANTS, case("r98p-54")) == []


def test_mutation_a_grantee_session_is_a_personal_grant_only_where_sessions_name_people():
    grant = {"name": "g", "type": "aws:kms/grant:Grant",
             "inputs": {"keyId": "k", "granteePrincipal": SESSION, "operations": ["Decrypt"]}}
    with_ic = [*case("r98p-54"), grant]
    assert says(run(USER_GRANTS, with_ic), f"`granteePrincipal` grants to one role session ({SESSION}), a ")
    without = [r for r in with_ic if not r["type"].startswith("aws:ssoadmin/")]
    assert run(USER_GRANTS, without) == []  # the caller names its own session: a grant to the role's
    wild = {**grant, "inputs": {**grant["inputs"], "granteePrincipal": SESSION.rsplit("/", 1)[0] + "/*"}}
    assert run(USER_GRANTS, [*case("r98p-54"), wild]) == []


@pytest.mark.parametrize(("stem", "rule"), [("r98p-15", MFA), ("r98p-16", SOD), ("r98p-21", PUBLIC)])
def test_the_probes_blocked_when_written_still_block(stem, rule):
    """Guards: an unrecorded SAML provider's DBA role, a boundary capping nothing, an open OPTIONS route with
    a target beside the API's CORS configuration (lead 4)."""
    assert run(rule, case(stem)) != []


def test_a_declared_log_group_is_no_siem_logging():
    """Fails before: limits/r91p-55 (now ok/) was blocked on main's code (an Allow's log groups counted as
    the SIEM wherever they were); r98p-17 to -20, the probe of the fix, block."""
    assert run(SOD, case("r91p-55")) == []
    for stem in ("r98p-17", "r98p-18", "r98p-19", "r98p-20"):
        found = run(SOD, case(stem))
        assert says(found, "holds 2 separated functions: SIEM logging, database structure"), stem


def test_mutation_an_undeclared_log_group_still_counts():
    ok = case("r91p-55")
    renamed = [{**r, "inputs": {**r["inputs"], "name": "/dba/scratch2"}} if r["name"] == "dba-scratch" else r
               for r in ok]
    pol = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:DeleteLogGroup",' \
          '"Resource":"arn:aws:logs:eu-west-1:111122223333:log-group:/dba/scratch2"}]}'
    found = run(SOD, patch(renamed, "db-admin-scratch", policy=pol))
    assert says(found, "the role holds 2 separated functions: SIEM logging, database structure")


@pytest.mark.parametrize(("key", "value"), [("log_group", "/dba/scratch:*"), ("why", None), ("owner", "x")])
def test_a_log_group_statement_is_validated(key, value):
    entry = {"log_group": "/dba/scratch", "why": "dry runs", key: value}
    entry = {k: v for k, v in entry.items() if v is not None}
    with pytest.raises(PiaRecordError, match=f"non_siem_log_groups\\[0\\]\\.{key}"):
        validate({"non_siem_log_groups": [entry]}, "corpus.yaml", dt.date(2026, 11, 30))
