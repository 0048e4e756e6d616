"""Round-42 classes (docs/pia-conditions.md, round 42): the PIA record's `entra_pim_mfa` statements validated
when the pack loads; permission-set permissions boundaries read. One failing mutation per message, exact
text."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate.errors import UsageError
from gate.packs import load_pack
from ruletest import case, patch, res, run, with_
from ruletest import messages_of as _of

from policies.core import pia_attestations as att

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
    assert _problem({"entra_pim_mfaa": [GOOD]}) == (
        f"{PATH}: entra_pim_mfaa: unknown key (known: {', '.join(sorted(att.KEYS))})"
    )
    for bad in ({"role": SECADMIN}, ["all"]):
        assert _problem({"entra_pim_mfa": bad}) == f"{PATH}: entra_pim_mfa: must be a list of mappings"
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
    record = "entra_pim_mfa:\n  - {role: all, mfa: yes, verified_on: 2026-11-02}\n"
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
    "the permission set holds 3 separated functions: access rights, database structure, key administration"
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
