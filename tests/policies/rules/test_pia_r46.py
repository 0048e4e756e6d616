"""Round-46 classes (docs/pia-conditions.md, round 46): OpenSearch Serverless principals named by SAML,
by an assumed-role session or in another case; IAM roles people assume for longer than an hour while
holding a function; Cognito identity pools open to social sign-in; Amazon Managed Grafana's sign-in,
tokens, network access and admins; delegated administrators of the organisation. Each test fails on the
code before the round."""

from __future__ import annotations

from ruletest import case, patch, run
from ruletest import messages_of as _of

MFA = "require-admin-mfa"
SOD = "require-separation-of-duties"
PUBLIC = "disallow-public-data-access"
SIEM = "require-siem-logging"
KEY_ADMIN_READS = (
    "principal {!r} holds key administration and the data access policy lets it read the documents: give "
    "data access to principals that hold no other function (separate readers, DBAs, key admins)"
)


def test_opensearch_serverless_principals_by_session_case_or_saml():
    session = "arn:aws:sts::111122223333:assumed-role/key-admin/ops"
    assert _of(run(SOD, case("r46p-12")), "aoss-access") == [KEY_ADMIN_READS.format(session)]
    other_case = "arn:aws:iam::111122223333:role/Key-Admin"
    assert _of(run(SOD, case("r46p-13")), "aoss-access") == [KEY_ADMIN_READS.format(other_case)]
    assert _of(run(SOD, case("r46p-11")), "aoss-access") == [
        "SAML principal 'saml/111122223333/entra-client-vpn/group/dba-and-keys' may manage or read the "
        "collections, and whether its members also administer keys or hold another function is in the IdP, "
        "not in the program: give data access to an IAM role or Identity Center group of the stack"
    ]
    assert run(SOD, case("r45p-63")) == []  # the DBA role manages indices: one function


def test_roles_holding_a_function_keep_sessions_of_an_hour():
    assert run(MFA, case("r46p-60")) == []  # twelve hours, but no function
    assert _of(run(MFA, case("r46p-14")), "key-admin") == [
        "people assume the role, which holds key administration, for up to 43200 seconds "
        "(maxSessionDuration): one MFA prompt covers hours of administration from wherever the session is "
        "copied; keep roles that hold functions at 3600 or less (components/aws/identity.py, "
        "max_session_seconds)"
    ]
    assert run(MFA, patch(case("r46p-14"), "key-admin", maxSessionDuration=3600)) == []
    assert run(MFA, patch(case("r46p-14"), "key-admin", maxSessionDuration=None)) == []  # IAM's hour
    assert run(MFA, patch(case("r46p-14"), "key-admin", maxSessionDuration=3600.0)) == []  # a float


def test_cognito_identity_pools_refuse_social_sign_in():
    assert run(PUBLIC, case("r12p-41")) == []
    assert _of(run(PUBLIC, case("r46p-18")), "pool") == [
        "`supportedLoginProviders` (accounts.google.com) lets anyone who opens an account there become an "
        "authenticated identity of the pool, with the authenticated role: sign people in through the "
        "stack's own user pool or IdP"
    ]


def test_amazon_managed_grafana_sign_in_and_tokens():
    assert run(MFA, case("r45p-52")) == [] and run(PUBLIC, case("r45p-52")) == []
    assert run(SOD, case("r45p-52")) == []  # the operators' group holds no function
    assert len(_of(run(MFA, case("r45p-06")), "grafana-key")) == 1
    assert len(_of(run(MFA, case("r46p-16")), "grafana-sa-token")) == 1
    assert len(_of(run(MFA, case("r46p-16")), "grafana-sa")) == 1
    unrecorded = _of(run(MFA, case("r45p-05")), "grafana")  # a metadata URL names no entity ID
    assert len(unrecorded) == 1 and "give the IdP's metadata XML" in unrecorded[0]
    xml = '<EntityDescriptor entityID="http://www.okta.com/exk1"></EntityDescriptor>'
    okta = _of(run(MFA, patch(case("r45p-05"), "grafana-saml", idpMetadataXml=xml)), "grafana")
    assert len(okta) == 1 and "'http://www.okta.com/exk1', which is not declared" in okta[0]


def test_amazon_managed_grafana_network_access_and_admins():
    assert _of(run(PUBLIC, case("r46p-17")), "grafana") == [
        "the workspace sets no `networkAccessControl.vpceIds`: its sign-in page and API face the internet; "
        "admit the stack's VPC endpoints only"
    ]
    assert _of(run(SOD, case("r46p-15")), "grafana-admins") == [
        "Identity Center principal '90676d2e-0000-0000-0000-0000000000f2' holds key administration and is a "
        "Grafana Admin (users, teams, data-source permissions: access rights over the dashboards): give "
        "Grafana Admin to principals that hold no other function"
    ]
    assert run(SOD, patch(case("r46p-15"), "grafana-admins", role="VIEWER")) == []
    assert _of(run(SOD, patch(case("r46p-15"), "grafana-admins", role="admin")), "grafana-admins") == [
        "`role` is not ADMIN, EDITOR or VIEWER: what the association grants cannot be judged"
    ]


def test_delegated_administrators_are_the_stacks_accounts():
    assert run(SIEM, case("r46p-52")) == []  # the log-archive account, named by the PIA record
    assert _of(run(SIEM, case("r46p-05")), "trail-delegate") == [
        "account 999988887777, which the stack's PIA record does not name (`aws_accounts`), is delegated "
        "administrator of "
        "cloudtrail.amazonaws.com for the organisation: its people may stop or redirect the logs and "
        "detections the SIEM receives, unjudged; delegate only to the stack's accounts"
    ]
