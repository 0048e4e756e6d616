"""Top-level inputs the reference scanner does not read as references, per resource type: what names the
resource itself or its own place (judged by the location rules), a bucket's own names, and the issuer a
federation trusts."""

from __future__ import annotations

import json
import re
from typing import Any

from policies.core.grafana_access import GRAFANA
from policies.core.installed_code import POLICY_ASSIGNMENT, custom_definition
from policies.core.named_services import NAMED_SERVICE_TYPES, named_service_refs
from policies.core.outside_parties import PARTY_TYPES, party_refs
from policies.core.pipeline_parameters import DEFINITION, filled_definition
from policies.core.trust_parties import CI_ISSUERS, ENTRA_ISSUERS
from policies.core.typed_places import values
from policies.core.view import UNKNOWN_VALUES, ResourceView
from policies.core.workflow_settings import SETTINGS_TYPES, without_suffix_settings

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
# Where probes run from, not where data goes: Route 53 health checkers (at least three of its eight checker
# regions) and Application Insights availability-test locations (`emea-nl-ams-azr`, `us-va-ash-azr`) request
# the checked endpoint (judged: `fqdn`, `ipAddress`, `request.requestUrl`) and read its status. And the
# opt-in setting of an account region (`aws:account/region`): it enables or disables the region and stores
# nothing there (what is created there is judged by its own region).
PROBE_SITES: dict[str, str] = {
    "aws:route53/healthCheck:HealthCheck": "regions",
    "azure-native:applicationinsights:WebTest": "locations",
    "aws:account/region:Region": "regionName",
}
_BY_TYPE: dict[str, frozenset[str]] = {
    **{t: OWN_KEYS | {key} for t, key in PROBE_SITES.items()},
    **{t: OWN_KEYS | _BUCKET_OWN for t in BUCKET_TYPES},
    **{t: OWN_KEYS | keys for t, keys in ISSUER_KEYS.items()},
    **{t: OWN_KEYS | {"serviceBusNamespace", "serviceBusSuffix"} for t in (
        "azure-native:web:WebAppHybridConnection", "azure-native:web:WebAppHybridConnectionSlot")},
    # a bucket on the self-managed object store its `serverHostname` names (judged), not an S3 bucket
    "aws:datasync/locationObjectStorage:LocationObjectStorage": OWN_KEYS | {"bucketName"},
    # the initial bucket inside a Timestream for InfluxDB database (its own data, placed with it), not S3
    **{t: OWN_KEYS | {"bucket"} for t in ("aws:timestreaminfluxdb/dbInstance:DbInstance",
                                          "aws:timestreaminfluxdb/dbCluster:DbCluster")},
}


def own_keys(type_: str) -> frozenset[str]:
    """The top-level inputs of a resource of `type_` that are not references."""
    return _BY_TYPE.get(type_, OWN_KEYS)


# Issuers whose tokens come from a CI service, not from a place where the workload runs (round 33): GitHub
# Actions (also an enterprise's customised issuer `…/<enterprise>`), GitLab.com, Azure DevOps (one
# organisation's issuer), and Entra token issuers (the tenant is judged by policies/core/bare_parties.py). Any
# other issuer names where the workloads it signs for run (an EKS, AKS or GKE cluster's issuer carries its
# region; a self-hosted issuer its host): it is scanned.


def own_keys_of(view: ResourceView) -> frozenset[str]:
    """The top-level inputs of `view` that are not references: a federation's issuer only when it is a CI
    service's or an Entra tenant's (policies/data/oidc_issuers.py lists who may be federated at all); the
    subject of a CI service's token is judged as a subject (policies/core/trust_parties.py), not as a URL."""
    own = own_keys(view.type)
    for key in ISSUER_KEYS.get(view.type, ()):
        value = view.input(key)
        v = value.strip() if isinstance(value, str) else None
        if key == "samlMetadataDocument" or (v is not None and ENTRA_ISSUERS.match(v)):
            continue
        own = own | {"subject"} if v is not None and CI_ISSUERS.match(v) else own - {key}
    return own


# Types whose destination no input spells out: the service they send to is implied by the type (AWS Chatbot
# posts to Slack / Microsoft Teams, named only by workspace and channel ids; a push channel relays every
# notification through the platform's push service). Judged as that host: blocked unless declared (and placed
# in the EEA) in the endpoints record.
_APPLE, _APPLE_SANDBOX, _FCM = "api.push.apple.com", "api.sandbox.push.apple.com", "fcm.googleapis.com"
_ADM, _BAIDU = "api.amazon.com", "channel.api.duapp.com"
# Azure Native ISV services: the ARM resource has an Azure location, the data it receives is kept by the
# vendor (a Datadog site, an Elastic Cloud deployment, a Confluent Cloud cluster): judged as its host.
IMPLIED_HOSTS: dict[str, str] = {
    "azure-native:datadog:Monitor": "datadoghq.com",
    "azure-native:elastic:Monitor": "elastic-cloud.com",
    "azure-native:confluent:Organization": "confluent.cloud",
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": "slack.com",
    "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration": "teams.microsoft.com",
    "aws:pinpoint/gcmChannel:GcmChannel": _FCM,
    "aws:pinpoint/apnsChannel:ApnsChannel": _APPLE,
    "aws:pinpoint/apnsVoipChannel:ApnsVoipChannel": _APPLE,
    "aws:pinpoint/apnsSandboxChannel:ApnsSandboxChannel": _APPLE_SANDBOX,
    "aws:pinpoint/apnsVoipSandboxChannel:ApnsVoipSandboxChannel": _APPLE_SANDBOX,
    "aws:pinpoint/admChannel:AdmChannel": _ADM,
    "aws:pinpoint/baiduChannel:BaiduChannel": _BAIDU,
}
# The push service an SNS platform application relays through, by its `platform`.
_SNS_PLATFORMS = {
    "APNS": _APPLE, "APNS_VOIP": _APPLE, "APNS_SANDBOX": _APPLE_SANDBOX, "APNS_VOIP_SANDBOX": _APPLE_SANDBOX,
    "GCM": _FCM, "ADM": _ADM, "BAIDU": _BAIDU, "MPNS": "notify.live.net", "WNS": "notify.windows.com",
}
# An Azure notification hub: the push services of the platforms it has credentials for.
_HUB_CREDENTIALS = {
    "apnsCredential": (_APPLE,), "gcmCredential": (_FCM,), "fcmV1Credential": (_FCM,),
    "admCredential": (_ADM,), "baiduCredential": (_BAIDU,), "mpnsCredential": ("notify.live.net",),
    "wnsCredential": ("notify.windows.com",),
    "xiaomiCredential": ("api.xmpush.global.xiaomi.com",),
    "browserCredential": (_FCM, "updates.push.services.mozilla.com", "web.push.apple.com"),
}
# An Azure Bot channel relays every conversation to the channel's service; Direct Line, Web Chat and Direct
# Line Speech are the bot service itself, an Email channel's mailbox is an input (scanned). Any other channel
# name (a new one included) is judged as that name: blocked unless declared.
_BOT_SERVICE_CHANNELS = frozenset(
    {"DirectLineChannel", "WebChatChannel", "DirectLineSpeechChannel", "EmailChannel"}
)
_BOT_CHANNELS = {
    "TelegramChannel": "api.telegram.org", "SlackChannel": "slack.com",
    "FacebookChannel": "graph.facebook.com", "LineChannel": "api.line.me", "KikChannel": "api.kik.com",
    "SkypeChannel": "skype.com", "MsTeamsChannel": "teams.microsoft.com",
    "M365Extensions": "teams.microsoft.com", "OutlookChannel": "outlook.office.com",
    "AlexaChannel": "alexa.amazon.com", "SmsChannel": "api.twilio.com",
    "AcsChatChannel": "communication.azure.com", "TelephonyChannel": "communication.azure.com",
    "Omnichannel": "dynamics.com", "SearchAssistant": "bing.com",
}
_SNS_PLATFORM_APP = "aws:sns/platformApplication:PlatformApplication"
_NOTIFICATION_HUB = "azure-native:notificationhubs:NotificationHub"
_BOT_CHANNEL = "azure-native:botservice:Channel"
# A Data Share invitation: the consumer tenant receives the shared data into its own storage.
_SHARE_INVITATION = "azure-native:datashare:Invitation"
# An App Service hybrid connection relays traffic through the Relay namespace its inputs give in two parts
# (`serviceBusNamespace` + `serviceBusSuffix`): judged as that one host (a Relay namespace of the stack).
HYBRID_CONNECTIONS = frozenset(
    {"azure-native:web:WebAppHybridConnection", "azure-native:web:WebAppHybridConnectionSlot"}
)
# Round 41: an Azure Managed Grafana lets its users publish dashboard snapshots (the data of every panel) to
# Grafana Labs' external snapshot server unless `externalEnabled` is false (enabled by default, also when the
# setting is left out): judged as that host (set it to false, or declare the host).
_SNAPSHOTS = "properties.grafanaConfigurations.snapshots.externalEnabled"
# (Stream Analytics outputs, Power BI included, Event Hub captures: policies/core/named_services.py.)
_BY_INPUTS = HYBRID_CONNECTIONS | {_SNS_PLATFORM_APP, _NOTIFICATION_HUB, _BOT_CHANNEL, _SHARE_INVITATION,
                                   GRAFANA}
# An action group's Event Hub receivers name the hub by namespace and subscription only: judged as the
# namespace's host (an Event Hubs namespace of the stack, found by its name).
_ACTION_GROUP = "azure-native:monitor:ActionGroup"


def _event_hub_receivers(view: ResourceView) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    receivers = view.input("eventHubReceivers")
    if receivers is not None and not isinstance(receivers, list):
        return [("eventHubReceivers", "unknown", "")]
    for i, r in enumerate(receivers or ()):
        ns = r.get("eventHubNameSpace") if isinstance(r, dict) else None
        if not isinstance(ns, str) or ns in UNKNOWN_VALUES:
            out.append((f"eventHubReceivers.{i}", "unknown", ""))
        else:
            out.append((f"eventHubReceivers.{i}.eventHubNameSpace", "host",
                        f"{ns.lower()}.servicebus.windows.net"))
    return out


def _by_inputs(view: ResourceView) -> list[tuple[str, str, str]]:
    """(path, kind, value) of the services a resource sends to, as its inputs select them."""
    t = view.type
    if t in HYBRID_CONNECTIONS:
        ns = view.input("serviceBusNamespace")
        suffix = view.input("serviceBusSuffix") or ".servicebus.windows.net"
        if ns is None:
            return []  # named by `relayArmUri` alone (scanned as an Azure id)
        if not isinstance(ns, str) or not isinstance(suffix, str) or UNKNOWN_VALUES & {ns, suffix}:
            return [("serviceBusNamespace", "unknown", "")]
        return [("serviceBusNamespace", "host", f"{ns}.{suffix.lstrip('.')}".lower())]
    if t == _SNS_PLATFORM_APP:
        platform = view.input("platform")
        host = _SNS_PLATFORMS.get(str(platform).upper(), str(platform))
        return [("platform", "host", host)]
    if t == GRAFANA:
        return [] if view.get(_SNAPSHOTS) is False else [(_SNAPSHOTS, "host", "snapshots.raintank.io")]
    if t == _NOTIFICATION_HUB:
        return [(k, "host", h) for k, hosts in _HUB_CREDENTIALS.items() if view.input(k) for h in hosts]
    if t == _BOT_CHANNEL:
        name = view.get("properties.channelName") or view.input("channelName")
        if name in _BOT_SERVICE_CHANNELS:
            return []
        return [("properties.channelName", "host", _BOT_CHANNELS.get(str(name), str(name)))]
    tenant = view.input("targetActiveDirectoryId")  # _SHARE_INVITATION; an email's domain is scanned
    if isinstance(tenant, str) and tenant not in UNKNOWN_VALUES:
        return [("targetActiveDirectoryId", "azure-id", f"/tenants/{tenant.lower()}")]
    return [] if view.input("targetEmail") else [("targetActiveDirectoryId", "unknown", "")]


# Inputs that accept a connection requested elsewhere, named by an id that says nothing about where the other
# side is: the connection must be a resource of this stack (whose peer region is judged there). Type ->
# (inputs, `key[].sub` for a field of each element of a list; the type each names).
_GLUE_CONNECTION = "aws:glue/connection:Connection"
_GLUE_TABLE = "aws:glue/catalogTable:CatalogTable"
ACCEPTED_IDS: dict[str, tuple[tuple[str, ...], str]] = {
    # an Automation job run on a hybrid worker group (`runOn`) runs on the group's machines, wherever they are
    # (on-premises, another cloud): the group must be the stack's, its workers (VMs of the stack) judged there
    "azure-native:automation:Webhook": (("runOn",), "azure-native:automation:HybridRunbookWorkerGroup"),
    "azure-native:automation:JobSchedule": (("runOn",), "azure-native:automation:HybridRunbookWorkerGroup"),
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": (
        ("vpcPeeringConnectionId",), "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"),
    "aws:ec2/vpcPeeringConnectionOptions:VpcPeeringConnectionOptions": (
        ("vpcPeeringConnectionId",), "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"),
    "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter": (
        ("transitGatewayAttachmentId",), "aws:ec2transitgateway/peeringAttachment:PeeringAttachment"),
    # Round 18: resources another account shares (RAM) or defines, used by bare id or name: a Resolver rule
    # forwards the domain's queries to its targets, a query log configuration delivers every query to its
    # destination, a mirror target receives every mirrored packet, a Glue connection's URL is where a
    # crawler or job reads and writes. Each must be the stack's, where its own inputs are judged.
    "aws:route53/resolverRuleAssociation:ResolverRuleAssociation": (
        ("resolverRuleId",), "aws:route53/resolverRule:ResolverRule"),
    "aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation": (
        ("resolverQueryLogConfigId",), "aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig"),
    "aws:ec2/trafficMirrorSession:TrafficMirrorSession": (
        ("trafficMirrorTargetId",), "aws:ec2/trafficMirrorTarget:TrafficMirrorTarget"),
    "aws:glue/crawler:Crawler": (tuple(f"{t}Targets[].connectionName" for t in (
        "jdbc", "mongodb", "delta", "hudi", "iceberg", "s3", "catalog")), _GLUE_CONNECTION),
    "aws:glue/job:Job": (("connections[]",), _GLUE_CONNECTION),
    # a VPC attached to a transit gateway another account shares routes its traffic wherever that account's
    # gateway peers (another region, another network)
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": (
        ("transitGatewayId",), "aws:ec2transitgateway/transitGateway:TransitGateway"),
    # round 19: a site-to-site VPN ending on such a gateway brings the site's traffic into it (and out again);
    # accepting another account's VPC attachment joins that account's VPC to the stack's gateway
    "aws:ec2/vpnConnection:VpnConnection": (
        ("transitGatewayId",), "aws:ec2transitgateway/transitGateway:TransitGateway"),
    "aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter": (
        ("transitGatewayAttachmentId",), "aws:ec2transitgateway/vpcAttachment:VpcAttachment"),
    # round 20: a Lighthouse assignment activates a definition (its managing tenant judged there); a Clean
    # Rooms membership joins a collaboration whose members (judged there) query the stack's tables
    "azure-native:managedservices:RegistrationAssignment": (
        ("properties.registrationDefinitionId",), "azure-native:managedservices:RegistrationDefinition"),
    "aws:cleanrooms/membership:Membership": (
        ("collaborationId",), "aws:cleanrooms/collaboration:Collaboration"),
    # round 41: accepting an OpenSearch cross-cluster connection lets the requesting domain (any account,
    # any region) search or replicate the stack's domain; accepting an interface endpoint lets its VPC reach
    # the stack's endpoint service; a firewall's transit gateway attachment sends the gateway's traffic
    # through that firewall; a hosted virtual interface carries the gateway's traffic over the partner's
    # Direct Connect connection, wherever its location is. The other side must be the stack's, judged there.
    "aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter": (
        ("connectionId",), "aws:opensearch/outboundConnection:OutboundConnection"),
    "aws:ec2/vpcEndpointConnectionAccepter:VpcEndpointConnectionAccepter": (
        ("vpcEndpointId",), "aws:ec2/vpcEndpoint:VpcEndpoint"),
    "aws:networkfirewall/firewallTransitGatewayAttachmentAccepter:FirewallTransitGatewayAttachmentAccepter": (
        ("transitGatewayAttachmentId",), "aws:networkfirewall/firewall:Firewall"),
    # round 42: accepting a Managed Microsoft AD another account shares joins the stack's workloads to a
    # directory that account administers, replicates to other regions and backs up where it likes
    "aws:directoryservice/sharedDirectoryAccepter:SharedDirectoryAccepter": (
        ("sharedDirectoryId",), "aws:directoryservice/sharedDirectory:SharedDirectory"),
    **{f"aws:directconnect/hosted{k}VirtualInterfaceAccept{e}:Hosted{k}VirtualInterfaceAccept{e}": (
        ("virtualInterfaceId",), f"aws:directconnect/hosted{k}VirtualInterface:Hosted{k}VirtualInterface")
       for k, e in (("Private", "er"), ("Public", "er"), ("Transit", "or"))},
    # round 51: a DataZone environment is provisioned from its environment profile, in the profile's account
    # and region unless it names its own: a profile made outside the stack (in the portal) cannot be judged
    "aws:datazone/environment:Environment": (
        ("profileIdentifier",), "aws:datazone/environmentProfile:EnvironmentProfile"),
    # and a Glue table over a connection (`parameters.connectionName`: a JDBC table) is read and written
    # through it, wherever the connection's URL points: the connection must be the stack's
    _GLUE_TABLE: (("parameters.connectionName",), _GLUE_CONNECTION),
}


# A Direct Connect gateway is global: an association joins it to a transit or virtual private gateway of any
# region and account, named only by id, so the gateway must be a resource of this stack (its region judged).
_DX_ASSOCIATION = "aws:directconnect/gatewayAssociation:GatewayAssociation"
_DX_TARGETS = {"tgw-": "aws:ec2transitgateway/transitGateway:TransitGateway",
               "vgw-": "aws:ec2/vpnGateway:VpnGateway"}
ACCEPTED_TARGETS = frozenset(t for _, t in ACCEPTED_IDS.values()) | frozenset(_DX_TARGETS.values())

IMPLIED_TYPES = (
    frozenset(IMPLIED_HOSTS) | frozenset(ACCEPTED_IDS) | _BY_INPUTS | PARTY_TYPES | {_DX_ASSOCIATION}
    | {POLICY_ASSIGNMENT} | NAMED_SERVICE_TYPES
)


def implied_refs(view: ResourceView) -> list[tuple[str, str, str]]:
    """(path, kind, value) of the references a type implies beyond what its inputs spell out."""
    host = IMPLIED_HOSTS.get(view.type)
    if host is not None:
        return [("(service)", "host", host)]
    if view.type in _BY_INPUTS:
        return _by_inputs(view)
    if view.type in NAMED_SERVICE_TYPES:
        return named_service_refs(view)
    if view.type == POLICY_ASSIGNMENT:  # a custom deployIfNotExists definition must be the stack's
        return custom_definition(view)
    if view.type in PARTY_TYPES:
        extra = _event_hub_receivers(view) if view.type == _ACTION_GROUP else []
        return party_refs(view) + extra
    if view.type == _DX_ASSOCIATION:
        key, value = "associatedGatewayId", view.input("associatedGatewayId")
        if value is None:  # accepting another account's proposal: its gateway is never this stack's
            return [("proposalId", "named", f"{_DX_ASSOCIATION}|{view.input('proposalId')}")]
        target = _DX_TARGETS.get(str(value)[:4], _DX_TARGETS["tgw-"])
        found: list[tuple[str, object]] = [(key, value)]
    else:
        specs, target = ACCEPTED_IDS[view.type]
        found = [pv for spec in specs for pv in values(view, spec)]
    return [(p, "named", f"{target}|{v}") for p, v in found if isinstance(v, str) and v not in UNKNOWN_VALUES]


# DNS record data that authorises or delegates rather than directs traffic: CAA (which CA may issue), TXT/SPF
# (verification tokens, authorised senders), NS/SOA/DS (delegation: DNS itself is location-free). Only a
# mailbox in it is a destination (DMARC aggregate reports, `rua=mailto:…`); A/CNAME/MX/SRV values are scanned.
_AUTHORISING = frozenset({"TXT", "SPF", "CAA", "NS", "SOA", "DS", "SSHFP", "TLSA"})
_AZURE_AUTHORISING = ("caaRecords", "nsRecords", "soaRecord", "dsRecords", "tlsaRecords", "txtRecords")
DNS_RECORD_TYPES = frozenset(
    {"aws:route53/record:Record", "azure-native:dns:RecordSet", "azure-native:privatedns:PrivateRecordSet"}
)
REDUCED_TYPES = DNS_RECORD_TYPES | SETTINGS_TYPES | {_GLUE_TABLE, DEFINITION}
_MAILTO = re.compile(r"mailto:[^\s;,\"']+", re.I)


def reduced_inputs(view: ResourceView) -> dict[str, Any]:
    """The inputs scanned for references: a DNS record's (dns_record_data); a Glue table's over a connection
    without its `storageDescriptor.location`, `database.schema.table` in the connection (round 51: not a
    place; the connection is judged, ACCEPTED_IDS). A URL there (`s3://…`) is still scanned. A workflow app's
    without its service-suffix settings (round 53: judged joined, workflow_settings.py). A Data Pipeline
    definition's with its parameters filled in (round 54, pipeline_parameters.py)."""
    if view.type in DNS_RECORD_TYPES:
        return dns_record_data(view)
    if view.type in SETTINGS_TYPES:
        return without_suffix_settings(view, dict(view.inputs))
    if view.type == DEFINITION:
        return filled_definition(view, dict(view.inputs))
    inputs = dict(view.inputs)
    storage = inputs.get("storageDescriptor")
    location = storage.get("location") if isinstance(storage, dict) else None
    connection = view.get("parameters.connectionName")
    if isinstance(location, str) and "://" not in location and isinstance(connection, str):
        inputs["storageDescriptor"] = {k: v for k, v in storage.items() if k != "location"}
    return inputs


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
