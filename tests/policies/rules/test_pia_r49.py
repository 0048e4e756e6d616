"""Round-49 classes (docs/pia-conditions.md, round 49): Session Manager log groups forwarded to the declared
SIEM, Automation certificates that may be exported and connections holding credentials in clear, Virtual
Desktop pools' network access, application groups and workspaces. Each test fails on the code before the
round."""

from __future__ import annotations

from ruletest import case, patch, run
from ruletest import messages_of as _of

MFA = "require-admin-mfa"
PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
SIEM = "require-siem-logging"
JUDGEABLE = "require-judgeable-data-types"


def test_session_log_groups_stream_whole_to_the_declared_siem():
    assert _of(run(SIEM, case("r49p-01")), "sessions-logs") == [
        "the log group '/ssm/sessions-local' records administrators' shell sessions and does not reach the "
        "SIEM (no subscription filter of the stack forwards it); add an "
        'aws.cloudwatch.LogSubscriptionFilter with `filterPattern` "" to the SOC\'s destination, declared '
        "with class `siem` in the endpoints record"
    ]
    assert "keeps only the events matching 'ERROR'" in _of(run(SIEM, case("r49p-02")), "sessions-logs")[0]
    assert "not a destination the endpoints record" in _of(run(SIEM, case("r49p-03")), "sessions-logs")[0]
    found = run(SIEM, case("r49p-04"))  # forwarded, but a session arrives only when it ends
    assert _of(found, "session-prefs") and not _of(found, "sessions-logs")
    found = run(SIEM, case("r46p-06"))  # neither streamed nor forwarded
    assert _of(found, "session-prefs") and _of(found, "sessions-logs")
    for ok in ("r49p-50", "r25p-52"):  # the SOC's destination is another account: declared, not exposed
        assert run(SIEM, case(ok)) == [] and run(PUBLIC, case(ok)) == []
    foreign = "arn:aws:logs:eu-west-1:444455556666:destination:x"
    other = patch(case("r49p-50"), "sessions-to-siem", destinationArn=foreign)
    assert _of(run(PUBLIC, other), "sessions-to-siem") and _of(run(SIEM, other), "sessions-logs")


def test_automation_certificates_stay_and_connections_hold_no_credentials():
    assert _of(run(CMK, case("r49p-05")), "export-cert") == [
        "`isExportable` is true: any runbook of the account can export the certificate's private key, which "
        "then leaves the account's key; set it false"
    ]
    assert "`fieldDefinitionValues.ApiKey`" in _of(run(MFA, case("r49p-06")), "partner-connection")[0]
    assert "a value computed from sftp-pw" in _of(run(MFA, case("r49p-07")), "sftp-connection")[0]
    ok = case("r49p-51")
    assert run(CMK, ok) == [] and run(MFA, ok) == [] and run(JUDGEABLE, ok) == []


def test_virtual_desktop_pools_groups_and_workspaces():
    for evil in ("r49p-08", "r49p-09"):
        [msg] = _of(run(PUBLIC, case(evil)), "dba-pool")
        assert msg.startswith("the pool's `publicNetworkAccess` is 'Enabled' (absent: Enabled)")
    assert _of(run(PUBLIC, case("r49p-10")), "dba-desktops") == [
        "`hostPoolArmPath` names a host pool this stack does not declare (or more than it feeds in): what "
        "its sessions show and carry out cannot be judged; pass the ids of this stack's HostPool resources"
    ]
    assert len(_of(run(PUBLIC, case("r49p-11")), "dba-workspace")) == 1
    ok = case("r49p-52")
    assert run(PUBLIC, ok) == [] and run(JUDGEABLE, ok) == []


def test_mwaa_environments_are_judged_stores():
    assert run(JUDGEABLE, case("r49p-53")) == [] and run(PUBLIC, case("r49p-53")) == []
    assert run(CMK, case("r49p-53")) == []
    assert _of(run(PUBLIC, case("r49p-12")), "airflow") == [
        "`webserverAccessMode` is 'PUBLIC_ONLY'; expected 'PRIVATE_ONLY'"
    ]
    unkeyed = patch(case("r49p-53"), "airflow", kmsKey=None)
    assert _of(run(CMK, unkeyed), "airflow")


def test_kendra_indexes_are_judged_stores():
    assert run(JUDGEABLE, case("r49p-54")) == [] and run(CMK, case("r49p-54")) == []
    assert _of(run(CMK, case("r49p-13")), "case-index") == [
        "`serverSideEncryptionConfiguration.kmsKeyId` is not set: the data would be encrypted with a "
        "provider-managed key"
    ]
    assert run(JUDGEABLE, case("r49p-13")) == []
