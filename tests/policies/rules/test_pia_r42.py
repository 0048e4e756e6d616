"""Round-42 classes (docs/pia-conditions.md, round 42): the PIA record's `entra_pim_mfa` statements validated
when the pack loads; permission-set permissions boundaries read. One failing mutation per message, exact
text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gate.errors import UsageError
from gate.packs import load_pack
from ruletest import case, patch, res, run, with_
from ruletest import messages_of as _of

from policies.core import pia_attestations as att
from policies.core import record_shapes as shapes

MFA = "require-admin-mfa"
SOD = "require-separation-of-duties"
CLOSED = "require-judgeable-data-types"
PATH = "stacks/records/pia/s.yaml"
SECADMIN = "194ae4cb-b126-40b2-bd5b-6091b380977d"
GOOD = {"role": SECADMIN, "mfa": "on-activation", "verified_on": "2026-11-02", "how": "PIM role settings"}
ON = att.evaluation_date()


def _problem(data) -> str:
    with pytest.raises(att.PiaRecordError) as e:
        att.validate(data, PATH, ON)
    return str(e.value)


def test_recorded_activation_mfa_admits_the_eligibility():
    assert run(MFA, case("r42p-50")) == []  # Security Administrator, stated in the corpus record
    assert att.validate({"entra_pim_mfa": [GOOD, {**GOOD, "role": "all"}]}, PATH, ON) is None


def test_entra_pim_mfa_statements_are_validated():
    record = {"reference": "PIA-1", "classification": "vertrouwelijk", "platform": "azure",
              "action_points": {}, "residual_risk": {"accepted_by": "x", "accepted_on": "2026-01-01",
                                                     "expires": "2027-01-01"}}
    for extra, message in (
        ({"entra_pim_mfaa": [GOOD]}, "entra_pim_mfaa: unknown key"),
        ({"entra_pim_mfa": {"role": SECADMIN}}, "entra_pim_mfa: expected a list, got a mapping"),
        ({"entra_pim_mfa": ["all"]}, "entra_pim_mfa[0]: expected a mapping, got a string"),
    ):
        with pytest.raises(shapes.RecordShapeError, match=re.escape(f"{PATH}: {message}")):
            shapes.PIA({**record, **extra}, PATH)
    assert _problem({"entra_pim_mfa": [{**GOOD, "verified": "2026-11-02"}]}) == (
        f"{PATH}: entra_pim_mfa[0].verified: unknown key (known: how, mfa, role, verified_on)"
    )
    assert _problem({"entra_pim_mfa": [{**GOOD, "role": SECADMIN.upper()}]}) == (
        f"{PATH}: entra_pim_mfa[0].role: {SECADMIN.upper()!r} is not the lower-case template id of a "
        "privileged directory role (policies/core/iam/standing_roles.py PRIVILEGED) nor `all`"
    )
    assert _problem({"entra_pim_mfa": [{**GOOD, "mfa": True}]}) == (
        f"{PATH}: entra_pim_mfa[0].mfa: True must be on-activation"
    )
    assert _problem({"entra_pim_mfa": [{**GOOD, "verified_on": "02/11/2026"}]}) == (
        f"{PATH}: entra_pim_mfa[0].verified_on: not a date (YYYY-MM-DD)"
    )
    assert _problem({"entra_pim_mfa": [{**GOOD, "verified_on": "2099-01-01"}]}) == (
        f"{PATH}: entra_pim_mfa[0].verified_on: 2099-01-01 lies in the future"
    )
    assert _problem({"entra_pim_mfa": [{**GOOD, "how": ""}]}) == (
        f"{PATH}: entra_pim_mfa[0].how: must be text (who verified it where)"
    )


def test_a_bad_record_stops_the_pack_naming_file_and_key(tmp_path, monkeypatch):
    (tmp_path / "pia").mkdir()
    record = ("reference: PIA-1\nclassification: vertrouwelijk\nplatform: azure\naction_points: {}\n"
              "residual_risk: {accepted_by: x, accepted_on: 2026-01-01, expires: 2027-01-01}\n"
              "entra_pim_mfa:\n  - {role: all, mfa: yes, verified_on: 2026-11-02}\n")
    (tmp_path / "pia" / "s.yaml").write_text(record)
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    monkeypatch.setenv("PULUMI_STACK", "s")
    pack = Path(__file__).resolve().parents[3] / "policies" / "pia_conditions"
    with pytest.raises(UsageError) as e:
        load_pack(pack)
    assert str(e.value).endswith(
        f"pack failed to load: PiaRecordError: {tmp_path}/pia/s.yaml: entra_pim_mfa[0].mfa: True must be "
        "on-activation"
    )


SET_HOLDS_ALL = (
    "the permission set holds 4 separated functions: SIEM logging, access rights, database structure, "
    "key administration"
)
BOUNDED = "r40p-55"
ATTACH = "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment"


def _boundary(**spec):
    return patch(case(BOUNDED), "dba-set-boundary", permissionsBoundary=spec)


def test_a_permission_set_boundary_caps_its_permissions():
    assert run(SOD, case(BOUNDED)) == [] and run(CLOSED, case(BOUNDED)) == []
    assert SET_HOLDS_ALL in _of(run(SOD, with_(case(BOUNDED), drop=("dba-set-boundary",))), "dba-set")
    read_only = _boundary(managedPolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")  # AWS-managed, known
    assert _of(run(SOD, read_only), "dba-set") == []


def test_a_boundary_that_cannot_be_read_caps_nothing():
    for evil in ("r42p-01", "r42p-02"):  # a policy the stack does not declare; one allowing everything
        assert SET_HOLDS_ALL in _of(run(SOD, case(evil)), "dba-set"), evil
    unknown_managed = _boundary(managedPolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy")
    both = _boundary(customerManagedPolicyReference={"name": "dba-boundary", "path": "/"},
                     managedPolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    second = res("dba-set-boundary-2", ATTACH, {"instanceArn": "arn:aws:sso:::instance/ssoins-1",
                 "permissionSetArn": "x", "permissionsBoundary": {"managedPolicyArn":
                 "arn:aws:iam::aws:policy/AdministratorAccess"}}, refs={"permissionSetArn": "dba-set"})
    for resources in (unknown_managed, both, with_(case(BOUNDED), second), _boundary()):
        assert SET_HOLDS_ALL in _of(run(SOD, resources), "dba-set")


CMK = "require-customer-managed-keys"
PUBLIC = "disallow-public-data-access"
SIEM = "require-siem-logging"
BACKUPS = "require-eea-backups"
RULES = (CMK, PUBLIC, MFA, SOD, SIEM, CLOSED, "require-deletion-protection", "require-tls-1-2")


def test_compliant_programs_pass():
    for stem in ("r42p-50", "r42p-52", "r42p-53", "r42p-54", "r42p-55", "r7-mq-cmk-private", "r12p-48"):
        for rule in RULES:
            assert run(rule, case(stem)) == [], (stem, rule)


def test_activemq_web_console_sign_in_needs_a_second_factor():
    assert _of(run(MFA, case("r42p-04")), "mq") == [
        "`users[1]` ('ops') has consoleAccess: the ActiveMQ Web Console (browse, move and purge messages) "
        "signs them in with a password and no second factor; give people no broker user (manage the broker "
        "through the Amazon MQ API with an MFA role)"
    ]
    assert _of(run(MFA, case("r42p-06")), "mq") == [
        "the broker signs people in through LDAP (authenticationStrategy ldap): every directory user in "
        "amazonmq-console-admins, a membership outside the program, uses the ActiveMQ Web Console (browse, "
        "move and purge messages) with the directory password and no second factor; use simple "
        "authentication with application users only (consoleAccess false)"
    ]
    rabbit = patch(case("r42p-06"), "mq", engineType="RabbitMQ")
    assert _of(run(MFA, rabbit), "mq") == []  # RabbitMQ: no LDAP, no ActiveMQ console (not judged here)


def test_activemq_audit_log_is_on():
    assert _of(run(SIEM, case("r42p-05")), "mq") == [
        "`logs.audit` is not true (default false): management actions on the broker (destinations created, "
        "deleted or purged, users changed, through the console or JMX) are recorded nowhere; set logs.audit "
        "true and adopt its log group (/aws/amazonmq/broker/<broker id>/audit)"
    ]


def test_global_table_replicas_need_their_own_point_in_time_recovery():
    eea = {"allowedRegions": ["eu-west-1", "eu-central-1"]}  # the generic profile: Frankfurt allowed
    tail = (
        "is not true (default false): this replica of the global table has no point-in-time recovery of its "
        "own, so the copy cannot be restored; set it true"
    )
    assert _of(run(BACKUPS, case("r42p-07"), eea), "dossiers-fra") == [f"`pointInTimeRecovery` {tail}"]
    on = patch(case("r42p-07"), "dossiers-fra", pointInTimeRecovery=True)
    assert _of(run(BACKUPS, on, eea), "dossiers-fra") == []
    inline = patch(case("r42p-07"), "dossiers", replicas=[{"regionName": "eu-central-1"}])
    assert _of(run(BACKUPS, inline, eea), "dossiers") == [f"`replicas[0].pointInTimeRecovery` {tail}"]
    replica = {"regionName": "eu-central-1", "pointInTimeRecovery": True}
    inline_on = patch(case("r42p-07"), "dossiers", replicas=[replica])
    assert _of(run(BACKUPS, inline_on, eea), "dossiers") == []


def test_lambda_permission_for_a_whole_organization():
    assert _of(run(PUBLIC, case("r42p-10")), "fn-invoke") == [
        "`principal` is '*' narrowed only by `principalOrgId` 'o-a1b2c3d4e5': every account of the "
        "organization invokes the function, unjudged; name a role or account of the stack as the principal"
    ]
    own = patch(case("r42p-10"), "fn-invoke", sourceAccount="111122223333")
    assert _of(run(PUBLIC, own), "fn-invoke") == []


def test_external_requestors_of_an_administering_group():
    group = "00000000-0000-0000-0000-0000000000aa"
    tail = (
        ": they join as guests, whose second factor may be accepted from their home tenant and whose "
        "accounts leave with another organisation; limit requestors to this tenant's users "
        "(AllExistingDirectoryMemberUsers or SpecificDirectorySubjects)"
    )
    head = "the access package's assignment policy lets people of other tenants (requestorSettings.scopeType "
    assert _of(run(MFA, case("r42p-11")), "package-policy") == [
        f"{head}'AllExternalSubjects') request membership of group {group}, which holds an Azure role{tail}"
    ]
    settings = {"scopeType": "AllExistingDirectoryMemberUsers", "requestsAccepted": True}
    members = patch(case("r42p-11"), "package-policy", requestorSettings=settings)
    assert _of(run(MFA, members), "package-policy") == []
    other = patch(case("r42p-11"), "catalog-dba", resourceOriginId="00000000-0000-0000-0000-0000000000cc")
    assert _of(run(MFA, other), "package-policy") == []  # a group that administers nothing
    unlinked = patch(case("r42p-11"), "package-dba", catalogResourceAssociationId="x")
    refs = {"accessPackageId": "package"}  # linked to the package, to no catalogue resource
    unlinked = [dict(r, refs=refs) if r["name"] == "package-dba" else r for r in unlinked]
    assert _of(run(MFA, unlinked), "package-policy") == [
        f"{head}'AllExternalSubjects') request membership of a group unjudged{tail}"
    ]


def test_tde_protector_follows_the_vault_key_rotation():
    assert _of(run(CMK, case("r42p-12")), "sql-protector") == [
        "`autoRotationEnabled` is not true: the server keeps the key version it was given (serverKeyName), "
        "so the vault key's rotation never reaches the data; set autoRotationEnabled true"
    ]
    auto = patch(case("r42p-12"), "sql-protector", autoRotationEnabled=True)
    assert _of(run(CMK, auto), "sql-protector") == []
