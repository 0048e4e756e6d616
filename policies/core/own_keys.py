"""Top-level inputs the reference scanner does not read as references, per resource type: what names the
resource itself or its own place (judged by the location rules), a bucket's own names, and the issuer a
federation trusts."""

from __future__ import annotations

import json
import re
from typing import Any

from policies.core.view import UNKNOWN_VALUES, ResourceView

# Top-level keys that name the resource itself (its own outputs), or its own place (judged by the location
# rules, not as a reference).
# (Resource scope sees inputs only, so a top-level `arn`/`id` there is an input, e.g. an event target.)
OWN_KEYS = frozenset({"urn", "name", "region", "location", "__provider"})
BUCKET_TYPES = frozenset(
    {"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/directoryBucket:DirectoryBucket"}
)
_BUCKET_OWN = frozenset(
    {"bucket", "bucketPrefix", "bucketDomainName", "bucketRegionalDomainName", "arn", "id"}
)
# Where a federation trusts tokens from (an identity issuer, a SAML IdP's metadata): the cloud fetches keys
# from it, no data of the stack goes there. Who may then assume what is pia-conditions' to judge
# (require-pinned-pipeline-trust); only these keys of these types, every other field is scanned.
ISSUER_KEYS: dict[str, frozenset[str]] = {
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": frozenset({"url"}),
    "aws:iam/samlProvider:SamlProvider": frozenset({"samlMetadataDocument"}),
    "azure-native:managedidentity:FederatedIdentityCredential": frozenset({"issuer"}),
    "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential":
        frozenset({"issuer"}),
}
_BY_TYPE: dict[str, frozenset[str]] = {
    **{t: OWN_KEYS | _BUCKET_OWN for t in BUCKET_TYPES},
    **{t: OWN_KEYS | keys for t, keys in ISSUER_KEYS.items()},
}


def own_keys(type_: str) -> frozenset[str]:
    """The top-level inputs of a resource of `type_` that are not references."""
    return _BY_TYPE.get(type_, OWN_KEYS)


# Types whose destination no input spells out: the service they send to is implied by the type (AWS Chatbot
# posts to Slack / Microsoft Teams, named only by workspace and channel ids). Judged as that host: blocked
# unless declared (and placed in the EEA) in the endpoints record.
IMPLIED_HOSTS: dict[str, str] = {
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": "slack.com",
    "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration": "teams.microsoft.com",
}
# Inputs that accept a connection requested elsewhere, named by an id that says nothing about where the other
# side is: the connection must be a resource of this stack (whose peer region is judged there).
ACCEPTED_IDS: dict[str, tuple[str, str]] = {
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": (
        "vpcPeeringConnectionId", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"),
    "aws:ec2/vpcPeeringConnectionOptions:VpcPeeringConnectionOptions": (
        "vpcPeeringConnectionId", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"),
    "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter": (
        "transitGatewayAttachmentId", "aws:ec2transitgateway/peeringAttachment:PeeringAttachment"),
}


IMPLIED_TYPES = frozenset(IMPLIED_HOSTS) | frozenset(ACCEPTED_IDS)


def implied_refs(view: ResourceView) -> list[tuple[str, str, str]]:
    """(path, kind, value) of the references a type implies beyond what its inputs spell out."""
    host = IMPLIED_HOSTS.get(view.type)
    if host is not None:
        return [("(service)", "host", host)]
    key, target = ACCEPTED_IDS[view.type]
    value = view.input(key)
    if isinstance(value, str) and value not in UNKNOWN_VALUES:
        return [(key, "named", f"{target}|{value}")]
    return []


# DNS record data that authorises or delegates rather than directs traffic: CAA (which CA may issue), TXT/SPF
# (verification tokens, authorised senders), NS/SOA/DS (delegation: DNS itself is location-free). Only a
# mailbox in it is a destination (DMARC aggregate reports, `rua=mailto:…`); A/CNAME/MX/SRV values are scanned.
_AUTHORISING = frozenset({"TXT", "SPF", "CAA", "NS", "SOA", "DS", "SSHFP", "TLSA"})
_AZURE_AUTHORISING = ("caaRecords", "nsRecords", "soaRecord", "dsRecords", "tlsaRecords", "txtRecords")
DNS_RECORD_TYPES = frozenset(
    {"aws:route53/record:Record", "azure-native:dns:RecordSet", "azure-native:privatedns:PrivateRecordSet"}
)
_MAILTO = re.compile(r"mailto:[^\s;,\"']+", re.I)


def dns_record_data(view: ResourceView) -> dict[str, Any]:
    """The inputs of a DNS record with authorising/delegating record data reduced to its mailboxes."""
    inputs = dict(view.inputs)
    if view.type == "aws:route53/record:Record":
        if str(inputs.get("type", "")).upper() in _AUTHORISING:
            inputs["records"] = _mailboxes(inputs.get("records"))
        return inputs
    for key in _AZURE_AUTHORISING:
        if key in inputs:
            inputs[key] = _mailboxes(inputs[key])
    return inputs


def _mailboxes(value: Any) -> list[str]:
    text = json.dumps(value) if not isinstance(value, str) else value
    return _MAILTO.findall(text)
