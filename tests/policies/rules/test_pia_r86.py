"""Round-86 class (docs/pia-conditions.md, round 86): SIEM logging in AWS reaches beyond CloudWatch,
CloudTrail, EventBridge and GuardDuty: the SOC topic that carries the alarms to people, AWS Config's
recorder, Security Hub's findings, the Firehose streams feeding a SIEM and Security Lake. The cases are
f3cbf382 (on c10ffbb4); each test that fails on the code before the fix says so."""

from __future__ import annotations

import pytest
from ruletest import case, doc, res, run, says, with_

SOD, SIEM = "require-separation-of-duties", "SIEM logging"


@pytest.mark.parametrize("stem", [f"r86p-0{i}" for i in range(1, 8)])
def test_a_function_holder_who_may_silence_the_soc_topic_config_or_findings_holds_two(stem):
    """Fails before (f3cbf382): SNS, Config, Security Hub, Firehose and Security Lake writes were none."""
    assert says(run(SOD, case(stem)), SIEM)


@pytest.mark.parametrize("stem", [f"r86p-5{i}" for i in range(3)])
def test_subscribers_readers_the_soc_and_workloads_pass(stem):
    assert run(SOD, case(stem)) == []


@pytest.mark.parametrize(
    "action, blocks",
    [
        ("sns:Unsubscribe", True),  # fails before
        ("sns:SetSubscriptionAttributes", True),  # a filter policy that drops every alarm; fails before
        ("sns:SetTopicAttributes", True),  # fails before
        ("config:StopConfigurationRecorder", True),  # fails before
        ("config:PutDeliveryChannel", True),  # fails before
        ("securityhub:BatchUpdateFindings", True),  # SUPPRESSED; fails before
        ("securityhub:CreateAutomationRule", True),  # fails before
        ("firehose:UpdateDestination", True),  # fails before
        ("securitylake:UpdateDataLake", True),  # the lake's expiration; fails before
        ("securitylake:Delete*", True),  # a wildcard over the listed actions; fails before
        ("sns:Subscribe", False),  # one more reader, silences none
        ("sns:Publish", False),
        ("config:StartConfigurationRecorder", False),
        ("config:StartConfigRulesEvaluation", False),
        ("securityhub:BatchImportFindings", False),  # adds findings
        ("firehose:PutRecord", False),
        ("securitylake:CreateAwsLogSource", False),
    ],
)
def test_which_soc_actions_are_siem_logging(action, blocks):
    grant = doc({"Effect": "Allow", "Action": [action], "Resource": "*"})
    extra = res("db-admin-more", "aws:iam/rolePolicy:RolePolicy", {"role": "db-admin", "policy": grant},
                refs={"role": "db-admin"})
    assert says(run(SOD, with_(case("r86p-01"), extra, drop=("db-admin-sns",))), SIEM) is blocks
