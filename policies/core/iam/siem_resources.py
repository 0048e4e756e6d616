"""Round 88: the resources of an Allow granting SIEM logging are read (round 86's and 87's lead); round 89
releases Firehose streams as topics (a stream named by ARN or name, or reading from a source, feeds); round
98 log groups the PIA record declares no part of the SIEM (`quiet_log_groups`).

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

from policies.core.accounts import aws_account, aws_region
from policies.core.documents import iter_strings
from policies.core.iam import quiet_log_groups
from policies.core.iam.catalogue import functions
from policies.core.iam.statements import as_list, effective, principals, statement_actions
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document

TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
SET_ALARM_STATE = "cloudwatch:setalarmstate"
_MAIL = frozenset({"email", "email-json", "sms"})  # deliver to a person; any other protocol carries it on
_DOCUMENTS = quiet_log_groups.DOCUMENTS
_ARN_IN_TEXT = re.compile(r"arn:aws[\w-]*:sns:[\w-]*:\d*:[\w.-]+")  # a topic's ARN inside a value
_TOPIC_ARN = re.compile(r"^arn:aws:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$")
# Round 89: Firehose streams are released as topics are (round 88's lead); a stream is named by its ARN or
# by its name alone (MSK broker logs, IoT rules, WAF's `aws-waf-logs-` streams name it so).
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
_STREAM_ARN = re.compile(r"^arn:aws:firehose:([a-z0-9-]+):(\d{12}):deliverystream/([A-Za-z0-9_.-]{1,64})$")
_STREAM_IN_TEXT = re.compile(r"arn:aws[\w-]*:firehose:[\w-]*:\d*:deliverystream/[\w.-]+")
# a stream reading from a Kinesis stream or an MSK topic carries what feeds them, which it does not name
_SOURCES = ("kinesisSourceConfiguration", "mskSourceConfiguration", "databaseSourceConfiguration")


def quiet_siem(graph: StackGraph, stmts: list[dict[str, Any]]) -> frozenset[str]:
    """SIEM-logging actions granted only by Allows whose every resource is a quiet topic of the stack."""
    quiet = lambda: bool(graph.by_type(TOPIC, FIREHOSE) or quiet_log_groups.declared(graph))  # noqa: E731
    if not graph.once("siem-topics", quiet):  # once per graph
        return frozenset()
    released = [s for s in stmts if _released(graph, s)]
    if not released:
        return frozenset()
    rest = [s for s in stmts if all(s is not r for r in released)]
    return (effective(released) - effective(rest)) & functions()["SIEM logging"]


def reread(held: list[str], acts: frozenset[str], quiet: frozenset[str], composite: bool) -> list[str]:
    """The functions a principal holds with its SIEM Allows' resources read (`quiet_siem`, composites)."""
    if not (quiet or composite):
        return held
    siem = (acts - quiet) & functions()["SIEM logging"] or composite
    return [fn for fn in held if fn != "SIEM logging"] + (["SIEM logging"] if siem else [])


def holds_composite_state(graph: StackGraph, stmts: list[dict[str, Any]]) -> bool:
    """Whether an effective Allow of SetAlarmState may name a composite alarm of the stack."""
    arns = graph.once("siem-composite-arns", lambda: [_alarm_arn(c) for c in graph.by_type(COMPOSITE)])
    if not arns or SET_ALARM_STATE not in effective(stmts):
        return False
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
    name, (account, _), region = alarm.input("alarmName"), aws_account(alarm.provider), aws_region(alarm)
    if not (_text(name) and account and region):
        return None
    return f"arn:aws:cloudwatch:{region}:{account}:alarm:{name}"


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v and not is_unknown(v) else None


def _released(graph: StackGraph, s: dict[str, Any]) -> bool:
    res = as_list(s.get("Resource"))
    return (
        s.get("Effect") == "Allow"
        and "NotResource" not in s
        and bool(res)
        and all(
            isinstance(r, str)
            and (((t := _own(graph, r)) is not None and not _feeds(graph, t))
                 or quiet_log_groups.own_quiet(graph, r) is not None)  # round 98: declared log groups
            for r in res
        )
    )


def _own(graph: StackGraph, arn: str) -> ResourceView | None:
    """The stack's topic or Firehose stream this exact ARN is (name, account and region), or None."""
    kind, m = TOPIC, _TOPIC_ARN.match(arn)
    if m is None:
        kind, m = FIREHOSE, _STREAM_ARN.match(arn)
    if m is None:
        return None
    region, account, name = m.groups()
    for t in graph.named(name):
        same = t.type == kind and t.input("name") == name and aws_region(t) == region
        if same and aws_account(t.provider)[0] == account:
            return t
    return None


def _feeds(graph: StackGraph, topic: ResourceView) -> bool:
    return graph.once(f"siem-topic-feeds:{topic.urn}", lambda: _compute_feeds(graph, topic))


def _compute_feeds(graph: StackGraph, topic: ResourceView) -> bool:
    name, where = topic.input("name"), f"{aws_region(topic)}:{aws_account(topic.provider)[0]}"
    arn = f"arn:aws:sns:{where}:{name}"
    idx: _Index = graph.once("siem-topic-index", lambda: _Index(graph))
    if topic.type == FIREHOSE:
        arn = f"arn:aws:firehose:{where}:deliverystream/{name}"
        if any(topic.input(k) is not None for k in _SOURCES) or _delivers_on(graph, idx, topic):
            return True
    elif topic.input("policy") is not None and _publishers(topic.input("policy")):
        return True
    for r in {id(r): r for k in (topic.urn, name, arn) for r in idx.by_key.get(k, ())}.values():
        if r is topic or (r.type == TOPIC_POLICY and not _publishers(r.input("policy"))):
            continue
        if r.type == SUBSCRIPTION and _mail_only(idx, r, (topic.urn, arn)):
            continue
        return True
    return False


_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
# a bucket's own settings, which read nothing out of it (anything else naming it may: notifications, policies,
# replication, inventory, Security Lake sources)
_OWN_SETTINGS = tuple(
    f"aws:s3/bucket{k}"
    for k in ("ServerSideEncryptionConfiguration", "PublicAccessBlock", "Versioning", "OwnershipControls",
              "ObjectLockConfiguration", "LifecycleConfiguration")
)


def _bucket_arn(stream: ResourceView) -> str | None:
    cfg = stream.input("extendedS3Configuration") or stream.input("s3Configuration")
    arn = cfg.get("bucketArn") if isinstance(cfg, dict) else None
    return arn if isinstance(arn, str) and arn.startswith("arn:aws:s3:::") else None


def _delivers_on(graph: StackGraph, idx: _Index, stream: ResourceView) -> bool:
    """Round 89 (r89p-22, -23): a stream feeds the SIEM by where it delivers, too: anything but a bucket the
    stack creates (Splunk, an HTTP endpoint, OpenSearch, …), or a bucket something other than its own
    settings names (a notification to the SIEM's collector, a policy, replication)."""
    if stream.input("destination") not in ("extended_s3", "s3") or (arn := _bucket_arn(stream)) is None:
        return True
    name = arn.split(":::", 1)[1]
    buckets = [b for b in graph.named(name) if b.type in _BUCKETS and b.input("bucket") == name]
    keys = {name, arn, *(b.urn for b in buckets)}
    others = {id(r): r for k in keys for r in idx.by_key.get(k, ())}.values()
    return not buckets or any(
        r is not stream and r not in buckets and not r.type.startswith(_OWN_SETTINGS) for r in others
    )


class _Index:
    """Who names each topic (fed from it, its name as a value, its ARN inside a value) and the subscriptions
    by address; built once per graph, when a statement first names a topic of the stack (one pass over the
    inputs: a scan per topic was quadratic on a generated state)."""

    def __init__(self, graph: StackGraph):
        streams = graph.by_type(FIREHOSE)
        names = {n for t in graph.by_type(TOPIC, FIREHOSE) if isinstance(n := t.input("name"), str)}
        names |= {a.split(":::", 1)[1] for f in streams if (a := _bucket_arn(f))}  # where streams deliver
        self.by_key: dict[str, list[ResourceView]] = {}
        for r in graph.resources:
            if r.type.startswith(_DOCUMENTS):
                continue
            keys = {u for urns in r.property_dependencies.values() for u in urns}
            for v in iter_strings(r.unwrapped()):
                if v in names:
                    keys.add(v)
                if "arn:" in v:
                    keys.update(_ARN_IN_TEXT.findall(v), _STREAM_IN_TEXT.findall(v))
                    if v.startswith("arn:aws:s3:::") and (b := v[13:].split("/", 1)[0]) in names:
                        keys.add(b)
            for k in keys:
                self.by_key.setdefault(k, []).append(r)
        self.by_endpoint: dict[str, list[ResourceView]] = {}
        self.unaddressed: dict[str, set[int]] = {}  # topic key -> subscriptions without a literal address
        self.unaddressed_count = 0
        for sub in graph.by_type(SUBSCRIPTION):
            if (endpoint := _text(sub.input("endpoint"))) is not None:
                self.by_endpoint.setdefault(endpoint, []).append(sub)
                continue
            self.unaddressed_count += 1
            for k in _topic_keys(sub):
                self.unaddressed.setdefault(k, set()).add(id(sub))


def _topic_keys(sub: ResourceView) -> set[str]:
    """The topic a subscription is of: the URN it is fed from, or its literal ARN."""
    return set(sub.property_dependencies.get("topic", ())) | {v for v in [_text(sub.input("topic"))] if v}


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


def _mail_only(idx: _Index, sub: ResourceView, topic: tuple[str, str]) -> bool:
    """A mail or SMS subscription of this topic (its URN or ARN) to an address no subscription of another
    topic delivers to, while no subscription of another topic has an address the preview cannot read."""
    protocol, endpoint = _text(sub.input("protocol")), _text(sub.input("endpoint"))
    if protocol not in _MAIL or endpoint is None or not _topic_keys(sub) & set(topic):
        return False
    if any(not _topic_keys(s) & set(topic) for s in idx.by_endpoint[endpoint]):
        return False
    of_this = set().union(*(idx.unaddressed.get(k, set()) for k in topic))
    return idx.unaddressed_count == len(of_this)
