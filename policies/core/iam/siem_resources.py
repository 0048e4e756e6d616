"""Round 88: the resources of an Allow granting SIEM logging are read (round 86's and 87's lead).

Two things change, both for AWS principals (`AwsPrincipal.functions()`):
- An Allow whose every resource is the exact ARN of an SNS topic the stack creates and that feeds nothing of
  the SIEM grants no SIEM logging (a team administering its own notices topic). A topic feeds the SIEM when
  any resource of the stack other than IAM documents names it (an alarm, an EventBridge target, Config's
  channel, a trail, a non-mail subscription carrying it on), when its policy lets a service or anyone
  publish (a rule elsewhere may feed it), or when a mail subscription shares its address with another
  topic's (the SOC's mailbox). A pattern, a policy variable, another account's or region's ARN, a topic
  without a literal name, and any ARN the stack does not create still count (closed world).
- `cloudwatch:SetAlarmState` is SIEM logging when it may reach a composite alarm of the stack: a composite
  "is not guaranteed to return to its actual state" until a child changes (botocore's CloudWatch model),
  unlike a metric alarm (round 85). `*`, `NotResource`, a pattern or ARN matching a composite's, a policy
  variable, or a composite without a literal name count."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any

from policies.core.accounts import aws_account
from policies.core.documents import iter_strings
from policies.core.iam.catalogue import functions
from policies.core.iam.statements import as_list, effective, principals, statement_actions
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document

TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
SET_ALARM_STATE = "cloudwatch:setalarmstate"
_MAIL = frozenset({"email", "email-json", "sms"})  # deliver to a person; any other protocol carries it on
_DOCUMENTS = ("aws:iam/", "aws:ssoadmin/")  # grant rights on the topic; they feed nothing into it
_TOPIC_ARN = re.compile(r"^arn:aws:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$")


def quiet_siem(graph: StackGraph, stmts: list[dict[str, Any]]) -> frozenset[str]:
    """SIEM-logging actions granted only by Allows whose every resource is a quiet topic of the stack."""
    released = [s for s in stmts if _released(graph, s)]
    if not released:
        return frozenset()
    rest = [s for s in stmts if all(s is not r for r in released)]
    return (effective(released) - effective(rest)) & functions()["SIEM logging"]


def holds_composite_state(graph: StackGraph, stmts: list[dict[str, Any]]) -> bool:
    """Whether an effective Allow of SetAlarmState may name a composite alarm of the stack."""
    composites = graph.by_type(COMPOSITE)
    if not composites or SET_ALARM_STATE not in effective(stmts):
        return False
    arns = [_alarm_arn(c) for c in composites]
    for s in stmts:
        if s.get("Effect") != "Allow" or SET_ALARM_STATE not in statement_actions(s):
            continue
        if "NotResource" in s or None in arns:
            return True
        for r in as_list(s.get("Resource")) or ["*"]:
            if not isinstance(r, str) or "${" in r or any(_glob(a, r) for a in arns):
                return True
    return False


def _glob(arn: str, pattern: str) -> bool:
    return fnmatchcase(arn, pattern.replace("[", "[[]"))  # IAM's `*` and `?`; a bracket is itself


def _alarm_arn(alarm: ResourceView) -> str | None:
    name, (account, _), region = alarm.input("alarmName"), aws_account(alarm.provider), _region(alarm)
    if not (_text(name) and account and region):
        return None
    return f"arn:aws:cloudwatch:{region}:{account}:alarm:{name}"


def _region(r: ResourceView) -> str | None:
    own = r.input("region")
    if own is not None:
        return _text(own)
    return _text(r.provider.inputs.get("region")) if r.provider is not None else None


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v and not is_unknown(v) else None


def _released(graph: StackGraph, s: dict[str, Any]) -> bool:
    res = as_list(s.get("Resource"))
    return (
        s.get("Effect") == "Allow"
        and "NotResource" not in s
        and bool(res)
        and all(
            isinstance(r, str) and (t := _topic(graph, r)) is not None and not _feeds(graph, t) for r in res
        )
    )


def _topic(graph: StackGraph, arn: str) -> ResourceView | None:
    """The stack's topic this exact ARN is (name, account and region), or None."""
    m = _TOPIC_ARN.match(arn)
    if m is None:
        return None
    region, account, name = m.groups()
    for t in graph.named(name):
        same = t.type == TOPIC and t.input("name") == name and _region(t) == region
        if same and aws_account(t.provider)[0] == account:
            return t
    return None


def _feeds(graph: StackGraph, topic: ResourceView) -> bool:
    return graph.once(f"siem-topic-feeds:{topic.urn}", lambda: _compute_feeds(graph, topic))


def _compute_feeds(graph: StackGraph, topic: ResourceView) -> bool:
    name = topic.input("name")
    arn = f"arn:aws:sns:{_region(topic)}:{aws_account(topic.provider)[0]}:{name}"
    if topic.input("policy") is not None and _publishers(topic.input("policy")):
        return True
    for r in graph.resources:
        if r is topic or r.type.startswith(_DOCUMENTS) or not _names(r, topic.urn, name, arn):
            continue
        if r.type == TOPIC_POLICY and not _publishers(r.input("policy")):
            continue
        if r.type == SUBSCRIPTION and _mail_only(graph, r, topic):
            continue
        return True
    return False


def _names(r: ResourceView, urn: str, name: str, arn: str) -> bool:
    """Whether `r` is fed from the topic or holds its name or ARN in some input."""
    if any(urn in urns for urns in r.property_dependencies.values()):
        return True
    return any(s == name or arn in s for s in iter_strings(r.unwrapped()))


def _publishers(policy: Any) -> bool:
    """Whether a topic policy lets a service or anyone in (or cannot be read): what feeds it is unknown."""
    doc, err = json_document(policy)
    if err or not isinstance(doc, dict):
        return True
    stmts = as_list(doc.get("Statement"))
    return any(
        not isinstance(s, dict) or (s.get("Effect") != "Deny" and {"*", "Service"} & set(principals(s)))
        for s in stmts
    )


def _mail_only(graph: StackGraph, sub: ResourceView, topic: ResourceView) -> bool:
    """A mail or SMS subscription of this topic to an address no other topic of the stack delivers to."""
    protocol, endpoint = _text(sub.input("protocol")), _text(sub.input("endpoint"))
    if protocol not in _MAIL or endpoint is None or not _of(sub, topic):
        return False
    others = [s for s in graph.by_type(SUBSCRIPTION) if s is not sub and not _of(s, topic)]
    return all(_text(s.input("endpoint")) not in (endpoint, None) for s in others)


def _of(sub: ResourceView, topic: ResourceView) -> bool:
    if topic.urn in sub.property_dependencies.get("topic", ()):
        return True
    value = _text(sub.input("topic"))
    return value is not None and value.endswith(f":{topic.input('name')}")
