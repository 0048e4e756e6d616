"""Round-26 blind probe classes (docs/pia-conditions.md, round 26): Client VPN sign-in and connection logs,
Verified Access policies and access logs, EKS access policies weighed as functions, people reading a
database's master secret, Bastion sessions carried out of the browser, the account in a KMS encryption
context, Cloud9 refused as closed to new customers. One failing mutation per message, exact text."""

import copy

import pytest
from ruletest import case, patch, run, with_
from ruletest import messages_of as _of

from policies.core.iam import breakglass
from policies.core.verified_access import policy_requires_mfa

MFA = "require-admin-mfa"
SOD = "require-separation-of-duties"
PUB = "disallow-public-data-access"
RET = "require-audit-log-retention"
CLOSED = "require-judgeable-data-types"


def _set(resources, name, **changes):
    out = copy.deepcopy(resources)
    for r in out:
        if r["name"] == name:
            for k, v in changes.items():
                r[k] = v
    return out


# ------------------------------------------------------------------ Client VPN

VPN = "r25p-51"
SAML_HOW = (
    "record it in the stack's PIA record (saml_providers_mfa: [{provider: <SAML provider ARN>, idp: <which>, "
    "mfa: enforced, how: <the IdP policy that asks for it>, verified_on: YYYY-MM-DD}])"
)


def test_client_vpn_signs_in_through_a_declared_saml_provider():
    assert _of(run(MFA, case(VPN)), "admin-vpn") == []
    cert = [{"type": "certificate-authentication", "rootCertificateChainArn": "arn:aws:acm:eu-west-1:1:c/x"}]
    assert _of(run(MFA, patch(case(VPN), "admin-vpn", authenticationOptions=cert)), "admin-vpn") == [
        "the Client VPN endpoint signs people in by certificate-authentication alone: a client "
        "certificate is a file that can be copied and a directory password is one factor, so nobody shows "
        "a second factor; add federated-authentication with a SAML provider that enforces MFA, and "
        f"{SAML_HOW}"
    ]
    other = "arn:aws:iam::111122223333:saml-provider/okta"
    fed = [{"type": "federated-authentication", "samlProviderArn": other}]
    vpn = _set(patch(case(VPN), "admin-vpn", authenticationOptions=fed), "admin-vpn", refs={})
    assert _of(run(MFA, vpn), "admin-vpn") == [
        f"the SAML provider '{other}' is not declared in the stack's PIA record as an identity provider "
        "that enforces MFA: whether people sign in to the VPN with a second factor is set at the identity "
        f"provider, outside the program; {SAML_HOW}"
    ]
    assert _of(run(MFA, patch(case(VPN), "admin-vpn", authenticationOptions=[])), "admin-vpn") == [
        "`authenticationOptions` is unknown during preview, so how people sign in to the VPN cannot be "
        "judged; the resource is treated as non-compliant (fail closed)"
    ]


def test_client_vpn_rules_belong_to_an_endpoint_of_the_stack():
    assert _of(run(MFA, _set(case(VPN), "admin-vpn-auth", refs={})), "admin-vpn-auth") == [
        "the authorisation rule opens networks to a Client VPN endpoint the stack does not declare: how its "
        "people sign in cannot be judged; feed `clientVpnEndpointId` from an endpoint of the stack"
    ]


def test_client_vpn_logs_connections_ten_years():
    assert _of(run(RET, case(VPN)), "admin-vpn") == []
    off = patch(case(VPN), "admin-vpn", connectionLogOptions={"enabled": False})
    assert _of(run(RET, off), "admin-vpn") == [
        "the Client VPN endpoint does not log its connections to a log group of the stack "
        "(connectionLogOptions: enabled False, group None): who reached the private networks, when and "
        "from where is not kept; enable it with a log group the stack declares"
    ]
    short = patch(case(VPN), "vpn-logs", retentionInDays=90)
    assert _of(run(RET, short), "vpn-logs") == [
        "the log group '/vpn/admin' records Client VPN connections (who reached the private networks) and "
        "keeps 90 days; keep it at least 3650 days (or leave retentionInDays unset: never expire)"
    ]


# ------------------------------------------------------------------ Verified Access

OKTA = "r26p-55"
IDC = "r26p-54"
NO_MFA = 'permit(principal, action, resource) when { context.okta.groups.contains("dba") };'


@pytest.mark.parametrize(
    ("policy", "wanted"),
    [
        ('permit(principal, action, resource) when { context.okta.amr.contains("mfa") && x };', True),
        (NO_MFA, False),
        ('permit(principal, action, resource) when { context.okta.amr.contains("mfa") || x };', False),
        ('permit(principal, action, resource) when { (context.okta.amr.contains("mfa") || y) && x };', False),
        ('permit(principal, action, resource) when { !context.okta.amr.contains("mfa") };', False),
        (NO_MFA + '\nforbid(principal, action, resource) unless { context.okta.amr.contains("mfa") };', True),
        ("permit(principal, action, resource);", False),
        ('// DBAs\npermit(principal, action, resource) when { x && context.okta.amr.contains( "mfa" ) };', 1),
        ("garbage", None),
        ('permit(principal, action, resource) when { context.okta.amr.contains("mfa") ', None),
    ],
)
def test_cedar_policies_require_mfa_on_every_path(policy, wanted):
    assert policy_requires_mfa(policy, "okta") is (bool(wanted) if wanted is not None else None)


def test_verified_access_groups_require_mfa():
    assert _of(run(MFA, case(OKTA)), "va-admins") == []
    assert _of(run(MFA, case(IDC)), "va-admins") == []
    assert _of(run(MFA, patch(case(OKTA), "va-admins", policyDocument=NO_MFA)), "va-admins") == [
        "the Verified Access group lets people in without a second factor: its Cedar policy permits people "
        "signed in through 'okta' without requiring MFA on every path: require "
        '`context.okta.amr.contains("mfa")` under && in every permit (under || a password alone passes), or '
        "forbid unless it"
    ]
    assert _of(run(MFA, patch(case(OKTA), "va-admins", policyDocument="allow all")), "va-admins") == [
        "the Verified Access group lets people in without a second factor: its Cedar policy cannot be read "
        "(permit/forbid statements with when/unless clauses expected)"
    ]
    odd = patch(case(OKTA), "va-okta", userTrustProviderType="saml")
    assert _of(run(MFA, odd), "va-admins") == [
        "the Verified Access group lets people in without a second factor: its user trust provider va-okta "
        "('saml') cannot be judged: use oidc or IAM Identity Center"
    ]
    alone = patch(case(OKTA), "va-okta", trustProviderType="device")  # devices only: nobody identified
    assert _of(run(MFA, alone), "va-admins") == [
        "the Verified Access group's instance is not one of the stack with a user trust provider attached: "
        "who signs in, and with which factors, cannot be judged"
    ]
    assert _of(run(MFA, _set(case(OKTA), "va-pgadmin", refs={})), "va-pgadmin") == [
        "the Verified Access endpoint's group is not the stack's: who reaches it cannot be judged"
    ]


def _without_record(monkeypatch, key):
    """The corpus PIA record without its list `key`."""
    real = breakglass.records
    monkeypatch.setattr(breakglass, "records", lambda s, k="break_glass": [] if k == key else real(s, k))


def test_verified_access_identity_center_needs_the_recorded_instance(monkeypatch):
    _without_record(monkeypatch, "identity_center_mfa")
    assert _of(run(MFA, case(IDC)), "va-admins") == [
        "the Verified Access group lets people in without a second factor: people sign in through IAM "
        "Identity Center, and how the account's instance (named by no permission set of the stack, and the "
        "record states no instances) asks for MFA is set outside the program: record it in the stack's PIA "
        "record (identity_center_mfa: [{instance: <the account's instance ARN>, mfa, verified_on}])"
    ]


def test_verified_access_logs_access_ten_years():
    assert _of(run(RET, case(OKTA)), "va") == []
    assert _of(run(RET, with_(case(OKTA), drop=("va-logging",))), "va") == [
        "the Verified Access instance does not send its access logs to a log group of the stack "
        "(instanceLoggingConfiguration accessLogs.cloudwatchLogs): who reached which application is not kept "
        "where it is judged; log to a log group the stack declares"
    ]
    assert _of(run(RET, patch(case(OKTA), "va-logs", retentionInDays=30)), "va-logs") == [
        "the log group '/verified-access/admin' records Verified Access requests (who reached which "
        "application) and keeps 30 days; keep it at least 3650 days (or leave retentionInDays unset: never "
        "expire)"
    ]


# ------------------------------------------------------------------ EKS access policies weighed


def test_eks_access_policies_count_as_functions():
    assert _of(run(SOD, case("r26p-52")), "deploy") == []  # a pinned pipeline applies reviewed RBAC
    assert _of(run(SOD, case("r26p-53")), "team") == []  # one function, MFA
    assert _of(run(SOD, case("r26p-04")), "app") == [
        "the role is a workload or pipeline (no person signs in as it) but may change permissions "
        "(Kubernetes RBAC through an EKS access entry's policy or group): whoever runs code as it can grant "
        "itself or "
        "anyone every function; give it no IAM permission-management actions and let the reviewed program "
        "create roles and policies"
    ]
    assert _of(run(SOD, case("r26p-05")), "db-admin") == [
        "the role holds 2 separated functions: access rights, database structure (through an EKS access "
        "entry's Kubernetes RBAC (access policy or Kubernetes group))"
    ]


def test_eks_access_policy_unknown_to_the_gate_blocks():
    odd = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSSomethingNewPolicy"
    found = run(MFA, patch(case("r26p-53"), "team-admin", policyArn=odd))
    assert _of(found, "team-admin") == [
        f"access policy '{odd}' is not one the gate weighs, so whether it lets its holder decide who may do "
        "what in the cluster cannot be judged; use one of AmazonEKSAdminPolicy, AmazonEKSAdminViewPolicy, "
        "AmazonEKSClusterAdminPolicy, AmazonEKSEditPolicy, AmazonEKSViewPolicy"
    ]


# ------------------------------------------------------------------ master secrets read by people


def test_people_do_not_read_master_secrets():
    assert _of(run(MFA, case("r26p-56")), "dba-team") == []
    found = run(MFA, case("r26p-09"))
    tail = (
        ": they sign in as the shared master user, unnamed in the database's log, and the copied password "
        "opens it later without a second factor; give people IAM database authentication as their own "
        "database users (rds-db:connect) and keep the master secret to the workload and break-glass"
    )
    how = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-*"
    assert _of(found, "dba-team") == [
        "people using this role read the master user secret of db (secretsmanager:GetSecretValue on "
        f"{how}) (IAM database authentication is off on it too){tail}"
    ]
    audit = {
        "name": "dba-team-secret",
        "type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "inputs": {"role": "dba-team", "policyArn": "arn:aws:iam::aws:policy/SecurityAudit"},
        "refs": {"role": "dba-team"},
    }
    assert _of(run(MFA, with_(case("r26p-09"), audit)), "dba-team") == []  # SecurityAudit: no secret value
    iam_on = patch(case("r26p-09"), "db", iamDatabaseAuthenticationEnabled=True)
    assert _of(run(MFA, iam_on), "dba-team") == [
        "people using this role read the master user secret of db (secretsmanager:GetSecretValue on "
        f"{how}){tail}"
    ]


# ------------------------------------------------------------------ Bastion, encryption context, Cloud9


def test_bastion_sessions_stay_in_the_browser():
    assert _of(run(PUB, case("r26p-59")), "bastion") == []
    assert _of(run(PUB, case("r26p-10")), "bastion") == [
        "`enableTunneling` is true: native-client tunnelling forwards any port of the VMs (database ports "
        "too) to the admin's workstation, outside the network the NSGs guard; keep administration in the "
        "Bastion's browser session"
    ]
    ip = patch(case("r26p-59"), "bastion", enableIpConnect=True)
    assert _of(run(PUB, ip), "bastion") == [
        "`enableIpConnect` is true: IP connect reaches any private IP address, also of networks outside the "
        "stack; keep administration in the Bastion's browser session"
    ]


def test_encryption_context_names_an_account_of_the_stack():
    assert _of(run(PUB, case("r26p-07")), "key") == [
        "`policy` statement Logs's conditions name the account 999988887777, which the stack's PIA record "
        "does not name (`aws_accounts`): another party's people reach the data unjudged (no MFA, duties or "
        "exposure checks); grant only the stack's accounts, or name the account in the record (who holds it, "
        "why)"
    ]


def test_cloud9_is_refused_as_closed_to_new_customers():
    assert _of(run(CLOSED, case("r25p-54")), "dev-ide") == [
        "aws:cloud9/environmentEC2:EnvironmentEC2: AWS Cloud9 is closed to new customers since 2024-07-25 "
        "(existing environments keep working, none is judged here): open shells on the stack's hosts with "
        "Session Manager (its preferences judged: CMK, sessions recorded ten years) and edit from a local "
        "IDE over it"
    ]


# ------------------------------------------------------------------ guests named by a literal object id


def test_literal_users_need_the_tenants_external_mfa_recorded(monkeypatch):
    assert _of(run(MFA, case("r26p-58")), "new-dba-member") == []  # the record: no external MFA trusted
    _without_record(monkeypatch, "entra_external_mfa")
    assert _of(run(MFA, case("r26p-58")), "new-dba-member") == [
        "user 5d2e8a41-7c3b-4f9e-a1d6-0b8c2e4f6a13 is named by a literal object id and holds an Azure "
        "role: it may be a guest, whose second factor the tenant may accept from its home tenant "
        "(cross-tenant access settings, outside the program); record the inbound MFA trust of tenant "
        "00000000-0000-0000-0000-000000000001 in the PIA record (entra_external_mfa: [{tenant, "
        "inbound_mfa_trust: none, verified_on: YYYY-MM-DD}])"
    ]
