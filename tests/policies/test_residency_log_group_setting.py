"""Engine round 10 (docs/gate-red-team.md): judged in full, portal-prod's update graph names its privacy
log group (`PRIVACY_LOG_GROUP: /eloket/privacy`), which the setting scanner read as an SSM parameter path
of no resource of the stack. A `…LOG_GROUP` setting names a CloudWatch Logs group of the account and region
the workload runs in; the same path under another setting name is still a parameter read."""

from __future__ import annotations

from policies.core.stored_refs import SSM_PARAMETER, held_ref


def test_a_log_group_setting_names_a_log_group_not_a_parameter():
    assert held_ref("/eloket/privacy", "PRIVACY_LOG_GROUP") is None
    assert held_ref("/dosis/audit-1a2b3c", "AUDIT_LOG_GROUP_NAME") is None
    assert held_ref("/aws/lambda/worker", "LOGGROUP") is None


def test_the_same_path_under_another_setting_is_still_read_from_a_parameter():
    assert held_ref("/eloket/privacy", "PRIVACY_FEED") == ("held", f"{SSM_PARAMETER}|eloket/privacy", False)
    assert held_ref("/eloket/privacy", "LOG_GROUP_ENDPOINT") == (
        "held", f"{SSM_PARAMETER}|eloket/privacy", False)
