"""Round-50 classes (docs/pia-conditions.md, round 50): DataSync SMB locations' share passwords, NetApp Files
volumes' export policies, ECS Exec session logs forwarded to the SIEM and the coverage table's reason for
Kendra. Each test fails on the code before the round."""

from __future__ import annotations

from ruletest import case, run
from ruletest import messages_of as _of

MFA = "require-admin-mfa"
PUBLIC = "disallow-public-data-access"
SIEM = "require-siem-logging"
JUDGEABLE = "require-judgeable-data-types"


def test_datasync_smb_passwords_come_from_a_secret_store_of_the_stack():
    for name in ("r49p-14", "r50p-01"):  # written in the program; a random password of the program
        assert run(JUDGEABLE, case(name)) == []
        assert "`password` (the share user's password) is not fed from a secret store" in (
            _of(run(MFA, case(name)), "share-location")[0]
        )
    ok = case("r50p-50")
    assert run(MFA, ok) == [] and run(JUDGEABLE, ok) == []


def test_kendra_has_no_resource_policy_in_the_coverage_table():
    from policies.rules.disallow_public_data_access import NOT_APPLICABLE

    why = NOT_APPLICABLE["aws:kendra/index:Index"]
    assert "no resource policy" in why and "its resource policy is judged" not in why


def test_netapp_volumes_export_only_to_the_stacks_networks():
    assert "admits 0.0.0.0/0" in _of(run(PUBLIC, case("r49p-15")), "anf-volume")[0]
    assert "admits 192.168.0.0/16" in _of(run(PUBLIC, case("r50p-02")), "anf-volume")[0]
    assert "default export rule admits every client" in _of(run(PUBLIC, case("r50p-03")), "anf-volume")[0]
    assert run(PUBLIC, case("r50p-netapp-volume-export-stack-subnet")) == []


def test_ecs_exec_session_log_groups_reach_the_siem():
    assert "records ECS Exec sessions (commands run in containers) and does not reach the SIEM" in (
        _of(run(SIEM, case("r50p-04")), "exec-logs")[0]
    )
    default = _of(run(SIEM, case("r29p-04")), "app-logs")  # DEFAULT: the containers' awslogs group
    assert len(default) == 1 and "records ECS Exec sessions in container 'app'" in default[0]
    for name in ("r27p-63", "r29p-53", "r29p-60", "r30p-52"):  # each now with its filter to the SOC
        assert run(SIEM, case(name)) == []
