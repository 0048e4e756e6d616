"""Round-88 class (docs/pia-conditions.md, round 88): the resources of an Allow granting SIEM logging are
read. A topic the stack creates that feeds nothing of the SIEM releases the Allow; patterns, variables,
ARNs the stack does not create and topics that feed the SOC still count; SetAlarmState counts when it may
reach a composite alarm of the stack. The cases are 5f558369 (on 2db3c00e); each test that fails on the
code before the fix says so. The compliant fixture is ok/r88p-50; each mutation below makes one way a topic
feeds the SIEM and must block with the one message separation of duties gives."""

from __future__ import annotations

import pytest
from ruletest import case, doc, patch, res, run, says, with_

SOD = "require-separation-of-duties"
DBA_SIEM = "the role holds 2 separated functions: SIEM logging, database structure"
KEYS_SIEM = "the role holds 2 separated functions: SIEM logging, key administration"
ACCT = "111122223333"
DB_TOPIC = f"arn:aws:sns:eu-west-1:{ACCT}:db-maintenance"
TOPIC = "aws:sns/topic:Topic"
SUB = "aws:sns/topicSubscription:TopicSubscription"


def fixture() -> list[dict]:
    return case("r88p-50")


def _own_policy(resource: object) -> dict:
    acts = ["sns:Unsubscribe", "sns:SetSubscriptionAttributes", "sns:DeleteTopic"]
    stmt = {"Effect": "Allow", "Action": acts, "Resource": resource}
    return res(
        "db-admin-own-topic",
        "aws:iam/rolePolicy:RolePolicy",
        {"role": "db-admin", "policy": doc(stmt)},
        refs={"role": "db-admin"},
    )


@pytest.mark.parametrize("stem", ["r88p-50", "r88p-51", "r88p-52", "r87p-dba-role-own-sns-topic-admin"])
def test_a_teams_own_quiet_topic_and_a_metric_alarm_release_the_allow(stem):
    """Fails before (5f558369) for r88p-50, -52 and round 87's limit: the DBA administering its own topic held
    SIEM logging beside database structure. r88p-51 guards (SetAlarmState on a metric alarm)."""
    assert run(SOD, case(stem)) == []


@pytest.mark.parametrize("stem", [f"r88p-{n:02d}" for n in range(1, 12)])
def test_topics_that_feed_the_siem_and_arns_that_cannot_be_placed_still_count(stem):
    """Guard: blocked before and after (the release must not let these through)."""
    assert says(run(SOD, case(stem)), DBA_SIEM)


@pytest.mark.parametrize(
    "stem, fragment", [("r88p-12", DBA_SIEM), ("r88p-13", KEYS_SIEM), ("r86p-composite", DBA_SIEM)]
)
def test_set_alarm_state_on_a_composite_alarm_is_siem_logging(stem, fragment):
    """Fails before (5f558369): SetAlarmState was never SIEM logging, so a composite alarm held OK passed."""
    assert says(run(SOD, case(stem)), fragment)


def _nameless_topic(rs: list[dict]) -> list[dict]:
    topic = next(r for r in rs if r["name"] == "db-maintenance")
    inputs = {k: v for k, v in topic["inputs"].items() if k != "name"}
    return with_(rs, {**topic, "inputs": inputs})


ALARM = res(
    "storage-alarm",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    {
        "alarmName": "storage",
        "metricName": "FreeStorageSpace",
        "namespace": "AWS/RDS",
        "alarmActions": [DB_TOPIC],
    },
)
MUTATIONS = {
    "an alarm pages it by its ARN": lambda rs: with_(rs, ALARM),
    "an alarm fed from it": lambda rs: with_(
        rs, {**ALARM, "inputs": {"alarmName": "s"}, "refs": {"alarmActions": "db-maintenance"}}
    ),
    "a trail names it": lambda rs: with_(
        rs,
        res(
            "t2",
            "aws:cloudtrail/trail:Trail",
            {"snsTopicName": "db-maintenance", "s3BucketName": "corpus-audit"},
        ),
    ),
    "a Lambda subscription": lambda rs: patch(rs, "db-maintenance-mail", protocol="lambda"),
    "its mailbox is the SOC's": lambda rs: with_(
        rs,
        res(
            "soc-mail",
            SUB,
            {
                "topic": f"arn:aws:sns:eu-west-1:{ACCT}:soc",
                "protocol": "email",
                "endpoint": "dba-team@vlaio.example",
            },
        ),
    ),
    "another subscription's address unknown": lambda rs: with_(
        rs, res("soc-mail", SUB, {"topic": f"arn:aws:sns:eu-west-1:{ACCT}:soc", "protocol": "email"})
    ),
    "its policy lets anyone publish": lambda rs: patch(
        rs,
        "db-maintenance",
        policy=doc({"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": DB_TOPIC}),
    ),
    "a topic policy lets CloudWatch publish": lambda rs: with_(
        rs,
        res(
            "tp",
            "aws:sns/topicPolicy:TopicPolicy",
            {
                "arn": DB_TOPIC,
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": DB_TOPIC,
                    }
                ),
            },
        ),
    ),
    "its policy unreadable": lambda rs: patch(rs, "db-maintenance", policy="{not json"),
    "the topic has no literal name": _nameless_topic,
    "the topic in another region": lambda rs: patch(rs, "db-maintenance", region="eu-central-1"),
    "a pattern": lambda rs: with_(rs, _own_policy(f"arn:aws:sns:eu-west-1:{ACCT}:db-*")),
    "a variable": lambda rs: with_(rs, _own_policy(f"arn:aws:sns:eu-west-1:{ACCT}:${{aws:username}}")),
    "beside the SOC topic": lambda rs: with_(
        rs, _own_policy([DB_TOPIC, f"arn:aws:sns:eu-west-1:{ACCT}:soc"])
    ),
    "NotResource": lambda rs: with_(
        rs,
        res(
            "db-admin-own-topic",
            "aws:iam/rolePolicy:RolePolicy",
            {
                "role": "db-admin",
                "policy": doc({"Effect": "Allow", "Action": "sns:DeleteTopic", "NotResource": DB_TOPIC}),
            },
            refs={"role": "db-admin"},
        ),
    ),
}


@pytest.mark.parametrize("what", sorted(MUTATIONS))
def test_each_way_the_topic_feeds_the_siem_blocks(what):
    """Guard: each mutation of the compliant fixture blocks with the one message (before: every program with
    the Allow blocked, the fixture too)."""
    found = run(SOD, MUTATIONS[what](fixture()))
    assert len(found) == 1 and found[0][0] == "db-admin" and DBA_SIEM in found[0][1], found


def test_a_composite_alarm_turns_set_alarm_state_on_star_into_siem_logging():
    """Fails before (5f558369): ok/r85p-51's DBA (SetAlarmState on `*`) beside a composite alarm."""
    composite = [r for r in case("r88p-12") if r["name"] == "soc-composite"]
    assert run(SOD, case("r85p-51")) == []
    assert says(run(SOD, with_(case("r85p-51"), *composite)), DBA_SIEM)
    nameless = [{**composite[0], "inputs": {**composite[0]["inputs"], "alarmName": None}}]
    assert says(run(SOD, with_(case("r88p-51"), *nameless)), DBA_SIEM)


# Wave 2 (cases ca41b0a6): Identity Center session tags that name one person.
USERS = "disallow-direct-user-grants"
SESSION = "a session tag Identity Center sets from"


@pytest.mark.parametrize("stem", ["r88p-20", "r88p-21", "r88p-22", "r88p-23"])
def test_a_grant_narrowed_by_a_persons_session_tag_is_that_persons(stem):
    """Fails before (ca41b0a6): the attributes were an unjudged control (require-judgeable-data-types) and
    the grant was not read as one person's."""
    assert says(run(USERS, case(stem)), SESSION)


@pytest.mark.parametrize("stem", ["r88p-55", "r88p-56"])
def test_a_teams_session_tag_and_a_person_excluded_pass(stem):
    """Guard for this rule (passes before); the judge fails both before (the attributes' type was refused)."""
    assert run(USERS, case(stem)) == []


def _attributes(rs: list[dict], attributes: object) -> list[dict]:
    abac = next(r for r in rs if r["name"] == "abac")
    return with_(rs, {**abac, "inputs": {**abac["inputs"], "attributes": attributes}})


@pytest.mark.parametrize(
    "attributes, fragment",
    [
        (
            [{"key": "Team", "values": [{"sources": ["${path:userName}"]}]}],
            "`${path:userName}`, one person's",
        ),
        ([{"key": "team", "values": [{"sources": []}]}], "from no source the preview can read"),
        ([{"key": "team"}], "from no source the preview can read"),
        ([{"values": [{"sources": ["${path:title}"]}]}], "from an attribute the preview cannot read"),
        ("not a list", "from attributes the preview cannot read"),
        (
            [
                {
                    "key": "team",
                    "values": [{"sources": ["${path:enterprise.department}", "${path:displayName}"]}],
                }
            ],
            "`${path:displayName}`",
        ),
    ],
)
def test_each_way_a_team_tag_may_name_one_person_blocks(attributes, fragment):
    """Fails before (ca41b0a6): ok/r88p-55's `team` tag sourced from one person's attribute, or unreadable."""
    found = run(USERS, _attributes(case("r88p-55"), attributes))
    assert len(found) == 1 and found[0][0] == "ps-readers-policy" and fragment in found[0][1], found


def test_a_variable_value_and_an_unconfigured_key_pass():
    """Guard: `${aws:ResourceTag/owner}` compares with the resource and `*` matches everyone tagged, not one
    person; a key Identity Center does not set here is compared with the users' tags only (an external IdP's
    keys: a lead)."""
    rs = case("r88p-20")
    pol = next(r for r in rs if r["name"] == "ps-readers-policy")
    conds = (
        {"aws:PrincipalTag/person": "${aws:ResourceTag/owner}"},
        {"aws:PrincipalTag/other": "erik"},
        {"aws:PrincipalTag/person": "*"},
    )
    for cond in conds:
        stmt = {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEquals": cond},
        }
        changed = {**pol, "inputs": {**pol["inputs"], "inlinePolicy": doc(stmt)}}
        assert run(USERS, with_(rs, changed)) == []
