"""Round-44 classes (docs/pia-conditions.md, round 44): Verified Access with Identity Center judged on the
account's one instance; external-MFA statements matched to the stack's own tenant; Cosmos DB for PostgreSQL
Entra-only; Managed HSM initial administrators and Data Explorer database administrators as functions;
machines whose identity administers and that people sign in to by password; OpenSearch Serverless sign-in.
One failing mutation per message, exact text."""

from __future__ import annotations

import copy

from ruletest import case, patch, res, run, with_
from ruletest import messages_of as _of

from policies.core.iam import breakglass
from policies.core.view import UNKNOWN

MFA = "require-admin-mfa"
SOD = "require-separation-of-duties"
ENTRA = "require-entra-only-authentication"
IC = "arn:aws:sso:::instance/ssoins-"
PS = "aws:ssoadmin/permissionSet:PermissionSet"
VA = "the Verified Access group lets people in without a second factor: "
RECORD_IC = (
    "record it in the stack's PIA record (identity_center_mfa: [{instance: <the account's instance ARN>, "
)
LITERAL = (
    "user 5d2e8a41-7c3b-4f9e-a1d6-0b8c2e4f6a13 is named by a literal object id and holds an Azure role: it "
    "may be a guest, whose second factor the tenant may accept from its home tenant (cross-tenant access "
    "settings, outside the program); record the inbound MFA trust of {} in the PIA record "
    "(entra_external_mfa: [{{tenant, inbound_mfa_trust: none, verified_on: YYYY-MM-DD}}])"
)
MACHINE = (
    "the role it assigns is held by the identity of virtual machine jump, and {}: whoever signs in to the "
    "machine acts as its identity without a second factor; keep R2016's functions off machine identities "
    "(give them to people, who sign in with MFA, or to a workload identity no one signs in to)"
)


def _record(monkeypatch, key, entries):
    """The corpus PIA record with its list `key` replaced by `entries`."""
    real = breakglass.records
    monkeypatch.setattr(breakglass, "records", lambda s, k="break_glass": entries if k == key else real(s, k))


# ------------------------------------------------------------ Verified Access: the account's one instance


def test_verified_access_identity_center_is_judged_on_the_instance_the_stack_names():
    assert run(MFA, case("r44p-50")) == []  # its permission set names ssoins-1, the recorded one
    assert _of(run(MFA, case("r44p-01")), "va-admins") == [
        VA + f"people sign in through IAM Identity Center, and how instance {IC}7 asks for MFA is set "
        "outside the program: " + RECORD_IC + "mfa, verified_on}])"
    ]
    two = with_(case("r44p-50"), res("ops-two", PS, {"name": "ops-two", "instanceArn": f"{IC}2"}))
    assert _of(run(MFA, two), "va-admins") == [
        VA + f"the stack's permission sets name 2 Identity Center instances ({IC}1, {IC}2) while an account "
        "has one: which one signs its people in cannot be told"
    ]


def test_without_permission_sets_the_record_must_state_one_instance(monkeypatch):
    assert run(MFA, case("r26p-54")) == []  # the record states ssoins-1 only: the account's instance
    entry = {"mfa": "always-on", "verified_on": "2026-11-02"}
    two = [{**entry, "instance": f"{IC}1"}, {**entry, "instance": f"{IC}2"}]
    _record(monkeypatch, "identity_center_mfa", two)
    assert _of(run(MFA, case("r26p-54")), "va-admins") == [
        VA + "people sign in through IAM Identity Center, and how the account's instance (named by no "
        "permission set of the stack, and the record states 2 instances) asks for MFA is set outside the "
        "program: " + RECORD_IC + "mfa, verified_on}])"
    ]


# ------------------------------------------------------------ external MFA statements: the stack's tenant


def test_external_mfa_statement_excuses_literal_users_of_the_stacks_tenant_only():
    assert run(MFA, case("r44p-51")) == []  # provider pinned to ...0001, the recorded tenant
    assert _of(run(MFA, case("r44p-02")), "new-dba-member") == [
        LITERAL.format("tenant 00000000-0000-0000-0000-000000000002")
    ]
    unnamed = copy.deepcopy(case("r26p-58"))
    for r in unnamed:
        if r["name"] == "vault":
            r["inputs"]["properties"].pop("tenantId")
    assert _of(run(MFA, unnamed), "new-dba-member") == [
        LITERAL.format(
            "the stack's tenant (the program names none: set the azuread provider's tenantId, so that a "
            "statement can be matched to the directory its users are in)"
        )
    ]


# ------------------------------------------------------------ Cosmos DB for PostgreSQL: Entra only


def test_cosmos_postgres_clusters_switch_password_authentication_off():
    assert run(ENTRA, case("r44p-55")) == []
    assert run(ENTRA, case("r44p-05")) == [
        (
            "cpg",
            "`authConfig.passwordAuth` is 'enabled' (absent: the citus administrator and password roles sign "
            "in); set it to 'disabled'",
        )
    ]
    assert run(ENTRA, patch(case("r44p-55"), "cpg-admin", password="${secret:cpg-role}")) == [
        (
            "cpg-admin",
            "cluster role '00000000-0000-0000-0000-0000000000aa' is given a password: it signs in outside "
            "Entra ID; create roles for Entra principals (objectId, principalType) without a password",
        )
    ]


# ------------------------------------------------------------ functions outside role assignments


def test_managed_hsm_initial_administrators_administer_keys():
    assert run(SOD, case("r11p-47")) == []  # the key administrators' group
    assert run(SOD, case("r44p-10")) == [
        ("ra-dba", "principal 00000000-0000-0000-0000-0000000000aa holds 2 separated functions: database "
         "structure, key administration")
    ]


def test_data_explorer_database_administrators_hold_database_structure():
    bb = ("ra-keys", "principal 00000000-0000-0000-0000-0000000000bb holds 2 separated functions: database "
          "structure, key administration")
    assert run(SOD, case("r44p-56")) == []  # the DBAs administer, the analysts view
    assert run(SOD, case("r44p-06")) == [bb]
    bb_id = "00000000-0000-0000-0000-0000000000bb"
    unknown = patch(case("r44p-56"), "adx-analysts", role=UNKNOWN, principalId=bb_id)
    assert run(SOD, unknown) == [bb]  # a role not known at preview counts as an administrator's


# ------------------------------------------------------------ machines signed in to by password


def test_machines_whose_identity_administers_are_not_signed_in_to_by_password():
    assert run(MFA, case("r44p-57")) == []  # SSH keys only, the identity reads blobs (round 45: judged too)
    assert run(MFA, case("r44p-03")) == [
        ("ra-jump-keys", MACHINE.format("its Linux administrator 'dbaops' may sign in with a password "
                                        "(linuxConfiguration.disablePasswordAuthentication is not true)"))
    ]
    windows = {"computerName": "dba-jump", "adminUsername": "dbaops", "adminPassword": "${secret:p}",
               "windowsConfiguration": {"provisionVMAgent": True}}
    assert run(MFA, patch(case("r44p-03"), "jump", osProfile=windows)) == [
        ("ra-jump-keys", MACHINE.format("its Windows administrator 'dbaops' signs in with a password"))
    ]
    assert run(MFA, patch(case("r44p-03"), "jump", osProfile=None)) == [
        ("ra-jump-keys", MACHINE.format("its OS profile (`osProfile`) is not in the program, so its local "
                                        "accounts cannot be judged"))
    ]


# ------------------------------------------------------------ OpenSearch Serverless sign-in


def test_opensearch_serverless_security_configs_show_their_second_factor():
    assert run(MFA, case("r44p-54")) == []  # Identity Center instance ssoins-1, recorded
    assert run(MFA, case("r44p-08")) == [
        ("aoss-idc", f"OpenSearch Serverless signs people in through IAM Identity Center instance {IC}9, "
         "whose MFA the stack's PIA record does not state (identity_center_mfa: [{instance, mfa, "
         "verified_on}])")
    ]
    assert run(MFA, case("r44p-09")) == [
        ("aoss-saml", "OpenSearch Serverless signs people in through the SAML identity provider "
         "'http://www.okta.com/exk1dbas', which is not declared in the stack's PIA record as enforcing MFA; "
         "record the IdP in the stack's PIA record (saml_providers_mfa: [{provider: <the IdP's entity ID>, "
         "idp: <which>, mfa: enforced, how: <the IdP policy that asks for it>, verified_on: YYYY-MM-DD}])")
    ]
    federated = patch(case("r44p-08"), "aoss-idc", type="iamfederation", iamIdentityCenterOptions=None,
                      iamFederationOptions={"groupAttribute": "groups", "userAttribute": "email"})
    assert run(MFA, federated) == [
        ("aoss-idc", "a security config of type 'iamfederation' signs people in through an identity provider "
         "the program does not name, so their second factor cannot be judged: use saml or iamidentitycenter")
    ]
