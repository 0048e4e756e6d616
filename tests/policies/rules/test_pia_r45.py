"""Round-45 classes (docs/pia-conditions.md, round 45): machines signed in to by SSH key whose identity
administers; long sessions of permission sets that hold functions; just-in-time VM access opened to the
internet; SQL Entra administrators of another tenant; Data Explorer applications named by client id;
OpenSearch Serverless data access policies. Each test fails on the code before the round."""

from __future__ import annotations

from ruletest import case, patch, run
from ruletest import messages_of as _of

MFA = "require-admin-mfa"
SOD = "require-separation-of-duties"
PUBLIC = "disallow-public-data-access"
AOSS_SOD = (
    "principal {!r} holds key administration and the data access policy lets it {}: give data access to "
    "principals that hold no other function (separate readers, DBAs, key admins)"
)


def test_machines_signed_in_to_by_ssh_key_hand_their_identitys_functions_over():
    assert run(MFA, case("r44p-57")) == []  # the identity reads blobs only
    assert _of(run(MFA, case("r45p-01")), "ra-jump-keys") == [
        "the role it assigns is held by the identity of virtual machine jump, and its Linux administrator "
        "'dbaops' signs in with an SSH key, a single factor: whoever signs in to the machine acts as its "
        "identity without a second factor; keep R2016's functions off machine identities (give them to "
        "people, who sign in with MFA, or to a workload identity no one signs in to)"
    ]
    assert len(_of(run(MFA, case("r45p-02")), "ra-ops-keys")) == 1  # a user-assigned identity it carries


def test_permission_sets_holding_functions_keep_sessions_of_an_hour():
    assert run(MFA, case("r45p-51")) == []  # eight hours for viewers, the default hour for DBAs
    assert _of(run(MFA, case("r45p-03")), "dba-set") == [
        "the permission set holds database structure and keeps its sessions for PT12H: one MFA prompt covers "
        "hours of administration from wherever the session is copied; keep sets that hold functions at PT1H "
        "or less"
    ]
    assert run(MFA, patch(case("r45p-03"), "dba-set", sessionDuration="PT60M")) == []
    assert run(MFA, patch(case("r45p-03"), "dba-set", sessionDuration=None)) == []  # AWS's PT1H
    assert _of(run(MFA, patch(case("r45p-03"), "dba-set", sessionDuration="1 hour")), "dba-set") == [
        "sessionDuration '1 hour' is not a duration the gate reads: write it as PTnH or PTnM"
    ]


def test_just_in_time_access_opens_ports_to_named_networks_only():
    assert run(PUBLIC, case("r45p-50")) == []  # SSH from the Bastion subnet only
    assert _of(run(PUBLIC, case("r45p-04")), "jit") == [
        "virtualMachines[0].ports[0] may be opened to * on data port 5432 on request: allow only the admins' "
        "network",
        "virtualMachines[0].ports[1] may be opened to * on data port 22 on request: allow only the admins' "
        "network",
    ]
    vms = [{"id": "/subscriptions/s/vm", "ports": [{"number": 22, "protocol": "TCP"}]}]
    assert _of(run(PUBLIC, patch(case("r45p-04"), "jit", virtualMachines=vms)), "jit") == [
        "virtualMachines[0].ports[0] names no allowed source: name the admins' network "
        "(allowedSourceAddressPrefix)"
    ]


def test_sql_entra_administrators_name_the_tenant_they_sign_in_through():
    assert run(MFA, case("r45p-61")) == []  # the recorded tenant
    found = _of(run(MFA, case("r45p-11")), "sql")
    other = "record the inbound MFA trust of tenant 00000000-0000-0000-0000-000000000002"
    assert len(found) == 1 and other in found[0]


def test_data_explorer_applications_are_matched_to_their_service_principal_by_client_id():
    assert run(SOD, case("r45p-62")) == []
    msg = (
        "principal urn:pulumi:corpus::corpus::azuread:index/servicePrincipal:ServicePrincipal::etl-sp "
        "holds 2 separated functions: database structure, key administration"
    )
    assert msg in _of(run(SOD, case("r45p-12")), "ra-etl-keys")  # the application's clientId output
    assert msg in _of(run(SOD, case("r45p-13")), "ra-etl-keys")  # a literal client id, any case


def test_opensearch_serverless_data_access_policies_are_read():
    assert run(PUBLIC, case("r44p-54")) == [] and run(SOD, case("r44p-54")) == []  # analysts read
    assert run(SOD, case("r45p-63")) == []  # the DBAs manage indices: one function
    assert _of(run(PUBLIC, case("r45p-14")), "aoss-access") == [
        "principal '*' lets any principal of any account read the collections: name the roles and groups"
    ]
    assert _of(run(PUBLIC, case("r8-unjudged-control-aoss-access-policy")), "aoss-access") == [
        "the policy grants account 999999999999, which the stack's PIA record does not name "
        "(`aws_accounts`): another party's people read the collections unjudged; grant only the stack's "
        "accounts"
    ]
    group = "iamidentitycenter/ssoins-1/group/90676d2e-0000-0000-0000-0000000000f2"
    assert _of(run(SOD, case("r45p-15")), "aoss-access") == [
        AOSS_SOD.format(group, "manage the collections' indices and read the documents")
    ]
    assert _of(run(SOD, case("r45p-16")), "aoss-access") == [
        AOSS_SOD.format("arn:aws:iam::111122223333:role/key-admin", "read the documents")
    ]
    assert _of(run(PUBLIC, patch(case("r45p-16"), "aoss-access", policy="{not json")), "aoss-access") == [
        "`policy` is not JSON: who may read the collections cannot be judged"
    ]


def test_azure_managed_grafana_signs_in_through_entra_only():
    assert run(MFA, case("r45p-53")) == [] and run(SOD, case("r45p-53")) == []  # Grafana Admin is known
    assert _of(run(MFA, case("r45p-07")), "grafana") == [
        "`properties.apiKey` is 'Enabled': Grafana Admins may mint API keys and service-account tokens that "
        "sign in without Entra ID or MFA; set it to Disabled"
    ]
    public = patch(case("r45p-53"), "grafana", properties={"apiKey": "Disabled",
                                                           "publicNetworkAccess": "Enabled"})
    assert _of(run(PUBLIC, public), "grafana") == [
        "`properties.publicNetworkAccess` is 'Enabled'; expected 'Disabled'"
    ]
