"""Who reads a Security Lake lake and where its records come from (round 59; the lake itself is judged as a
store since round 57). The facts are the installed SDK's (`pulumi_aws.securitylake`): a subscriber's
`subscriberIdentity.principal` is "the AWS identity used to access your data", given S3 access to the lake's
objects or LAKEFORMATION query access (a RAM resource share of its tables); a subscriber notification tells a
subscriber of new objects, through an SQS queue Security Lake creates in the lake's account, or by posting to
`httpsNotificationConfiguration.endpoint` through an EventBridge API destination; an AWS log source collects a
service's records (`source.sourceName`) of `source.accounts` in each of `source.regions` into that region's
lake. So a subscriber must be an account the stack's PIA record names (`aws_accounts`, round 63; before, any
provider's pin: the stack's SIEM or log-archive account, where its people are judged) or, since round 60, the
SOC's account the endpoints record declares as the SIEM; an HTTPS notification may go only to a host the
endpoints record declares for the stack; and each region a source collects in must have a lake of the stack,
whose key is judged there. Which accounts' records flow in is no PIA condition of this stack's (it reads more,
it exposes nothing), so `source.accounts` is not read. Closed world: what cannot be read blocks."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from policies.core.accounts import account_of
from policies.core.endpoints import find, load_endpoints
from policies.core.pia_other_accounts import stack_accounts
from policies.core.records import current_stack
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

LAKE = "aws:securitylake/dataLake:DataLake"
SUBSCRIBER = "aws:securitylake/subscriber:Subscriber"
NOTIFICATION = "aws:securitylake/subscriberNotification:SubscriberNotification"
LOG_SOURCE = "aws:securitylake/awsLogSource:AwsLogSource"
CONTROLS = (SUBSCRIBER, NOTIFICATION, LOG_SOURCE)
_PRINCIPAL = "subscriberIdentity.principal"
_HTTPS = "configuration.httpsNotificationConfiguration"
_SOURCE_REGIONS = "source.regions"


def lake_regions(graph: StackGraph) -> set[str]:
    """The regions in which the stack declares a lake (`configuration.region`, lower-cased)."""
    return {str(lake.get("configuration.region")).lower() for lake in graph.by_type(LAKE)}


def without_lake(graph: StackGraph, regions: list[Any], own: str = "") -> list[Any]:
    """The regions (or unknown items) of `regions` with no lake of the stack, `own` excepted."""
    lakes = lake_regions(graph)
    return [g for g in regions if is_unknown(g) or (str(g).lower() != own and str(g).lower() not in lakes)]


def subscriber_identity(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: a subscriber reads the lake's records, so it must be the stack's."""
    principal = r.get(_PRINCIPAL)
    if is_unknown(principal):
        return [unknown_message(_PRINCIPAL, "who reads the lake")]
    account = account_of(principal) if principal is not None else None
    if account is not None and (account in stack_accounts(graph) or _declared_siem(account)):
        return []
    return [
        f"the Security Lake subscriber gives {r.get('accessType') or 'S3'} access to the lake's records to "
        f"{principal!r}, which is no account the stack's PIA record names (`aws_accounts`) nor one the "
        "endpoints record declares as the SIEM: another party's people read the stack's security logs "
        "unjudged (no MFA, duties or exposure checks); subscribe only the stack's own SIEM or log-archive "
        "account (name it in the record's `aws_accounts`), or declare the SOC's account in the endpoints "
        "record (class siem, arns: "
        f"['arn:aws:iam::{account or '<account>'}:root'])"
    ]


def _declared_siem(account: str) -> bool:
    """Round 60: the SIEM condition sends the stack's security logs to the SOC, so an account the endpoints
    record declares as the SIEM itself (its root ARN, class siem) may read the lake; an account that merely
    holds a declared SIEM destination is not declared as a reader."""
    endpoint = find(load_endpoints(current_stack()), "arn", f"arn:aws:iam::{account}:root")
    return endpoint is not None and endpoint.cls == "siem"


def notification_endpoint(r: ResourceView, graph: StackGraph) -> list[str]:
    """disallow-public-data-access: an HTTPS notification leaves for a host the endpoints record declares;
    the SQS form stays in the lake's account."""
    config = r.get("configuration")
    if is_unknown(config) or not isinstance(config, dict):
        return [unknown_message("configuration", "where the subscriber notification goes")]
    https = config.get("httpsNotificationConfiguration")
    if https is None:
        if config.get("sqsNotificationConfiguration") is not None:
            return []
        return [
            "the subscriber notification names neither an SQS nor an HTTPS configuration: where it goes "
            "cannot be read"
        ]
    endpoint = https.get("endpoint") if isinstance(https, dict) else None
    if is_unknown(endpoint) or not isinstance(endpoint, str):
        return [unknown_message(f"{_HTTPS}.endpoint", "where the subscriber notification goes")]
    parts = urlsplit(endpoint.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() == "https" and host and find(load_endpoints(current_stack()), "host", host):
        return []
    return [
        f"the subscriber notification posts each new object of the lake (its key, source and account) to "
        f"{endpoint!r}, which is no HTTPS host the endpoints record declares for the stack: the lake's "
        "records are announced to a party this pack cannot judge; use the SQS notification, or declare the "
        "SIEM's HTTPS endpoint in the endpoints record"
    ]


def log_source_regions(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """require-customer-managed-keys: a source's records land in the lake of each region it collects in."""
    regions = r.get(_SOURCE_REGIONS)
    if is_unknown(regions):
        return [unknown_message(_SOURCE_REGIONS, "the lakes receiving the source's records, and their keys,")]
    if not isinstance(regions, list) or not regions:
        return [
            f"`{_SOURCE_REGIONS}` names no list of regions: where the records land cannot be read; name "
            "the regions of the stack's lakes"
        ]
    return [
        f"`{_SOURCE_REGIONS}` collects records in {region!r}, where the stack declares no lake, so the key "
        "of the lake they land in cannot be judged; declare that region's lake in this stack under the "
        "stack's key"
        for region in without_lake(graph, regions)
    ]


PUBLIC_CHECKS = {SUBSCRIBER: subscriber_identity, NOTIFICATION: notification_endpoint}
