"""Resources that pass on what they receive, named by ARN: the ARN's region is where the relay is, not where
the data goes, so only the stack's own relay (whose inputs say where it sends) can be judged."""

from __future__ import annotations

# ARNs whose region is not where the data goes (service -> resource prefixes; "" every resource): an
# application inference profile routes where the profile it copies does, an EventBridge API destination posts
# to its invocation endpoint (any HTTPS host); since round 15 the relays of other stacks named by ARN: a
# Firehose stream posts to its destination (an HTTP endpoint, a vendor), an SNS topic to its subscriptions
# (HTTPS, e-mail, SMS), an API Gateway stage to its integrations (an HTTP proxy), a CloudWatch Logs
# destination to its target stream (another account's), a Lambda function or state machine wherever its code
# or its tasks send.
RELAYS: dict[str, tuple[str, ...]] = {
    "bedrock": ("application-inference-profile/",), "events": ("api-destination/",),
    "firehose": ("deliverystream/",), "sns": ("",), "execute-api": ("",), "logs": ("destination:",),
    "lambda": ("function:",), "states": ("stateMachine:",),
}


def relay(service: str, resource: str, path: str) -> bool:
    """A relay named where data is sent: not where it comes from (a subscription's `topic`, a `sourceArn`)."""
    last = path.rsplit(".", 1)[-1].lower()
    if path == "topic" or last.startswith(("source", "eventsource")):
        return False
    return resource.startswith(RELAYS.get(service, ("\0",)))


def relay_arn(arn: str, path: str) -> bool:
    """An ARN of a relay (any region), named where data is sent."""
    parts = arn.split(":", 5)
    return len(parts) == 6 and relay(parts[2], parts[5], path)


# Round 51: a Firehose stream named by its name (IVS Chat logging, IoT rules; `streamName`/`deliveryStream`
# under a `firehose…` block: AppFabric, MSK broker logs) is in the caller's account and region, but it is a
# relay all the same: only the stack's own stream, whose destination is judged there, can be placed. Round 54:
# keys of any case (a JSON document's `Firehose.DeliveryStream`: SNS and CloudWatch Logs data protection).
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"


def named_relay(key: str, path: str) -> str | None:
    """The relay type a key names by bare name (None: not one)."""
    key = key.lower()
    in_block = key in ("streamname", "deliverystream") and "firehose" in path.lower()
    return FIREHOSE if key == "deliverystreamname" or in_block else None
