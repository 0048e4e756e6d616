"""Round-48 classes (docs/pia-conditions.md, round 48): Instance Connect endpoints on groups the stack does
not declare, delegated administrators of services the pack does not know, IAM Roles Anywhere roles that may
open shells, Azure Automation's assets judged through their account, Virtual Desktop host pools'
redirections. Each test fails on the code before the round."""

from __future__ import annotations

from ruletest import case, patch, run
from ruletest import messages_of as _of

MFA = "require-admin-mfa"
PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
SIEM = "require-siem-logging"
JUDGEABLE = "require-judgeable-data-types"
TAG = "require-classification-tag"


def test_instance_connect_endpoint_groups_are_the_stacks():
    assert _of(run(PUBLIC, case("r48p-01")), "eice") == [
        "`securityGroupIds` is computed from aws:ec2/defaultSecurityGroup:DefaultSecurityGroup default-sg, "
        "not a security group of this stack (a VPC's default group admits every host that keeps it): name a "
        "group of this stack allowing SSH/RDP to the admin hosts"
    ]
    assert _of(run(PUBLIC, case("r48p-02")), "eice") == [
        "`securityGroupIds` names a group by a literal id the stack does not declare (it may be the VPC's "
        "default group, which every host keeps): which hosts a tunnel reaches cannot be judged; pass the id "
        "of a security group of this stack"
    ]
    assert run(PUBLIC, case("r48p-50")) == [] and run(PUBLIC, case("r46p-53")) == []
    two = patch(case("r48p-50"), "eice", securityGroupIds=["sg-0e1ce0000000000aa", "sg-0d3fa01de7au1t000"])
    assert len(_of(run(PUBLIC, two), "eice")) == 1  # one fed, one literal


def test_delegated_administrator_of_a_service_the_pack_does_not_know():
    [msg] = _of(run(SIEM, case("r48p-03")), "stacksets-delegate")
    assert msg.startswith(
        "`servicePrincipal` 'member.org.stacksets.cloudformation.amazonaws.com' is not a service whose "
        "delegation the pack knows (security and audit services that watch and report): its administrator "
        "may act in every member account"
    )
    assert run(SIEM, case("r48p-51")) == [] and run(SIEM, case("r46p-52")) == []
    sso = patch(case("r48p-51"), "guardduty-delegate", servicePrincipal="sso.amazonaws.com")
    assert len(_of(run(SIEM, sso), "guardduty-delegate")) == 1


def test_roles_anywhere_role_that_may_open_shells_is_a_persons():
    assert _of(run(MFA, case("r48p-06")), "ops-anywhere") == [
        "trust statement 0 lets IAM Roles Anywhere hand the role to whoever holds a certificate of its "
        "trust anchor, and the role may open shells (ssm:startsession): a shell is a person at the hosts' "
        "data, and a certificate is a standing credential with no second factor IAM can see; give shells to "
        "a role people assume with MFA"
    ]
    assert len(_of(run(MFA, case("r48p-07")), "ops-anywhere")) == 1
    assert run(MFA, case("r37p-53")) == []  # a machine putting objects: a workload
    # key users given shells by NotAction or a prefix wildcard were already a person's (round 47)
    assert _of(run(MFA, case("r48p-04")), "ops-user") and _of(run(MFA, case("r48p-05")), "ops-user")


def test_automation_assets_are_judged_through_their_account():
    for ok in ("r48p-52", "r46p-50"):
        assert run(JUDGEABLE, case(ok)) == [] and run(CMK, case(ok)) == [] and run(TAG, case(ok)) == []
    assert _of(run(CMK, case("r48p-08")), "export-target") == [
        "`isEncrypted` is False (absent: false): the variable's value is kept in clear, outside the "
        "account's key, and returned to whoever may read the account's variables; set it true"
    ]
    assert len(_of(run(CMK, case("r48p-09")), "export-target")) == 1
    assert _of(run(CMK, case("r48p-10")), "sftp-credential") == [
        "the asset lives in Automation account 'aa-legacy-ops', which is not an Automation account of this "
        "stack: the key it is encrypted with cannot be judged; create it in an Automation account of this "
        "stack (and pass its name as that account's output)"
    ]


def test_virtual_desktop_host_pools_carry_no_data_out():
    assert run(JUDGEABLE, case("r48p-53")) == [] and run(PUBLIC, case("r48p-53")) == []
    assert _of(run(PUBLIC, case("r48p-11")), "dba-pool") == [
        "the pool's RDP properties leave the client's drives (drivestoredirect), the clipboard "
        "(redirectclipboard) redirected (a property left out is not off): a session copies the hosts' data "
        "to a workstation outside the stack; set drivestoredirect:s:;redirectclipboard:i:0;"
        "usbdevicestoredirect:s:;devicestoredirect:s:;redirectprinters:i:0 in `customRdpProperty`"
    ]
    assert len(_of(run(PUBLIC, case("r48p-12")), "dba-pool")) == 1  # nothing set: nothing shown off
    assert run(JUDGEABLE, case("r46p-08")) == [] and _of(run(PUBLIC, case("r46p-08")), "dba-pool")
