"""Places no input names as a host, id or region, though data goes there: another account granted a copy, a
phone number texted or called, a site outside any cloud region that keeps or serves the data (a self-hosted
gateway, an on-premises replica, a device shipped to an address). The reference scanner adds them as implied
references of the resource (policies/core/own_keys.py); policies/core/destinations.py judges them.

Kinds: `grantee` (an AWS account id, or `all`), `foreign` (an ARN of another account than the one the
resource's provider pins, named as a destination), `phone` (E.164 digits, `+` first), `site` (why it cannot be
placed), `directory` (an Identity Center instance ARN, placed only by the endpoints record), `unknown` (the
deciding input is unknown at preview).
"""

from __future__ import annotations

import re
from typing import Any

from policies.core.accounts import aws_account, is_account_id
from policies.core.acl_grants import acl_grantees
from policies.core.bare_parties import aws_parties, azure_parties
from policies.core.documents import json_doc
from policies.core.endpoint_approvals import approval_problem, approved_connections
from policies.core.endpoints import EEA_COUNTRIES
from policies.core.host_classes import numeric_public_host, private_host
from policies.core.read_grants import GRANT_TYPES, other_policy_grants, read_grants
from policies.core.shipped_drives import IMPORT_EXPORT_JOB, returned_drives
from policies.core.trust_parties import credential_subjects, trust_parties
from policies.core.typed_places import values
from policies.core.view import ResourceView, get_path, is_unknown

# Grants that let another account take a copy of the data wherever it likes: it can copy a shared snapshot
# or AMI to any region (shared by hand, by a Data Lifecycle Manager schedule, by an Image Builder
# distribution), read a Redshift data share from a consumer cluster in any region, reach a cluster
# through a Redshift-managed VPC endpoint of its own, receive Clean Rooms query results in its own bucket.
# type -> inputs naming the grantee (`key[]`: each element of a list; `key[].sub`: a field of each element).
GRANT_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:redshift/dataShareAuthorization:DataShareAuthorization": ("consumerIdentifier",),
    "aws:redshift/endpointAuthorization:EndpointAuthorization": ("account",),
    "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission": ("accountId",),
    "aws:ec2/amiLaunchPermission:AmiLaunchPermission": (
        "accountId", "group", "organizationArn", "organizationalUnitArn"),
    "aws:rds/snapshot:Snapshot": ("sharedAccounts[]",),
    "aws:rds/clusterSnapshot:ClusterSnapshot": ("sharedAccounts[]",),
    "aws:cleanrooms/collaboration:Collaboration": ("members[].accountId",),
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": ("policyDetails.schedules[].shareRule.targetAccounts[]",),
    "aws:imagebuilder/distributionConfiguration:DistributionConfiguration": tuple(
        f"distributions[].amiDistributionConfiguration.launchPermission.{k}[]"
        for k in ("userIds", "userGroups", "organizationArns", "organizationalUnitArns")),
    # deliveries into another account (round 15), named by an ARN of that account: an observability link
    # shares logs, metrics and traces with a monitoring account's sink; flow logs delivered through a role of
    # the destination account go to its log group. That account reads them from wherever it runs.
    "aws:oam/link:Link": ("sinkIdentifier",),
    "aws:ec2/flowLog:FlowLog": ("deliverCrossAccountRole",),
    # Accounts named by a bare id that then hold the data (round 16): an administrator accepted or delegated
    # (Security Hub, GuardDuty, Macie, Inspector, Detective, Audit Manager, Firewall Manager findings and
    # evidence), an account authorized to aggregate Config data, another registry that ECR replicates to.
    "aws:securityhub/inviteAccepter:InviteAccepter": ("masterId",),
    "aws:guardduty/inviteAccepter:InviteAccepter": ("masterAccountId",),
    "aws:macie2/invitationAccepter:InvitationAccepter": ("administratorAccountId",),
    "aws:detective/invitationAccepter:InvitationAccepter": ("graphArn",),
    "aws:inspector2/delegatedAdminAccount:DelegatedAdminAccount": ("accountId",),
    "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount": ("adminAccountId",),
    "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount": ("adminAccountId",),
    "aws:macie2/organizationAdminAccount:OrganizationAdminAccount": ("adminAccountId",),
    "aws:detective/organizationAdminAccount:OrganizationAdminAccount": ("accountId",),
    "aws:auditmanager/organizationAdminAccountRegistration:OrganizationAdminAccountRegistration": (
        "adminAccountId",),
    "aws:fms/adminAccount:AdminAccount": ("accountId",),
    "aws:organizations/delegatedAdministrator:DelegatedAdministrator": ("accountId",),
    "aws:cfg/aggregateAuthorization:AggregateAuthorization": ("accountId",),
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": (
        "replicationConfiguration.rules[].destinations[].registryId",),
    # Lake Formation (round 18): a third-party query engine of an allow-listed account filters (so reads)
    # the lake's data; a trusted resource owner receives the caller's user ARNs.
    "aws:lakeformation/dataLakeSettings:DataLakeSettings": (
        "externalDataFilteringAllowLists[]", "trustedResourceOwners[]"),
    # Peerings with another account's network (round 19): the peer account's hosts reach the stack's VPC or
    # transit gateway, whatever region (judged by `peerRegion`) the peering is in. No owner: the same account.
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": ("peerOwnerId",),
    "aws:ec2transitgateway/peeringAttachment:PeeringAttachment": ("peerAccountId",),
}
# Phone numbers texted or called: the message goes to the carrier of the number's country.
_SNS_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
_CONTACT_CHANNEL = "aws:ssmcontacts/contactChannel:ContactChannel"
_ACTION_GROUP = "azure-native:monitor:ActionGroup"
# E.164 country calling codes of the EEA states (ITU-T E.164 assignment list).
EEA_CALLING_CODES = frozenset(
    {"30", "31", "32", "33", "34", "36", "39", "40", "43", "45", "46", "47", "48", "49", "351", "352", "353",
     "354", "356", "357", "358", "359", "370", "371", "372", "385", "386", "420", "421", "423"}
)
# Types whose data is kept or served at a site outside any cloud region, given by no input the pack can place.
SITES: dict[str, str] = {
    "azure-native:apimanagement:Gateway": "an API Management self-hosted gateway serves the APIs (and their "
    "data) from wherever its container runs; `locationData` is only a label",
    "azure-native:containerregistry:ConnectedRegistry": "a connected registry replicates the registry's "
    "repositories to an on-premises or edge device",
    "azure-native:storagesync:ServerEndpoint": "an Azure File Sync server endpoint syncs the share to a "
    "registered server outside Azure",
    "azure-native:storagesync:RegisteredServer": "an Azure File Sync registered server holds synced shares "
    "outside Azure",
}
# DataSync locations on a server reached through an agent: a private address there is on whatever network the
# agent runs in (a data centre anywhere; the agent only needs a route to the region's endpoint), so it cannot
# be placed. A public or DNS name is scanned as any host (a declared host of the controller passes).
AGENT_SITES: dict[str, str] = {
    "aws:datasync/nfsLocation:NfsLocation": "serverHostname",
    "aws:datasync/locationSmb:LocationSmb": "serverHostname",
    "aws:datasync/locationObjectStorage:LocationObjectStorage": "serverHostname",
    "aws:datasync/locationHdfs:LocationHdfs": "nameNodes[].hostname",
}
_DATA_BOX = "azure-native:databox:Job"
# Round 81: a SQL Data Sync member that is no Azure SQL database is a SQL Server a sync agent reaches, on
# premises or on a VM, wherever the agent was installed (Azure SQL docs, "Data Sync Agent for SQL Data Sync":
# the service "communicates with SQL Server databases via the client agent").
_SYNC_MEMBER = "azure-native:sql:SyncMember"
# Applications bound to an IAM Identity Center instance (round 21): the instance ARN names no region, yet the
# application is registered in the instance's (primary) region with who may use it, their subscriptions and
# the identities its data access propagates (Q Business, QuickSight, Redshift, S3 Access Grants, OpenSearch UI
# accept an instance of another region). The directory itself stays location-free (round 6: permission sets).
IDC_BINDINGS: dict[str, str] = {
    "aws:qbusiness/application:Application": "identityCenterInstanceArn",
    "aws:redshift/idcApplication:IdcApplication": "idcInstanceArn",
    "aws:quicksight/accountSubscription:AccountSubscription": "iamIdentityCenterInstanceArn",
    "aws:s3control/accessGrantsInstance:AccessGrantsInstance": "identityCenterArn",
    "aws:opensearch/application:Application": "iamIdentityCenterOptions.iamIdentityCenterInstanceArn",
}
# Load balancer targets registered by IP with `availabilityZone: all` (round 19): an address outside the
# target group's VPC, reached through a peering, transit gateway, VPN or Direct Connect: a network anywhere.
TARGET_ATTACHMENTS = frozenset(f"aws:{m}/targetGroupAttachment:TargetGroupAttachment" for m in ("lb", "alb"))
PARTY_TYPES = frozenset(GRANT_INPUTS) | GRANT_TYPES | frozenset(SITES) | frozenset(AGENT_SITES) | {
    _SNS_SUBSCRIPTION, _CONTACT_CHANNEL, _ACTION_GROUP, _DATA_BOX, IMPORT_EXPORT_JOB, _SYNC_MEMBER} | (
    TARGET_ATTACHMENTS) | frozenset(IDC_BINDINGS)
_DIGITS = re.compile(r"[^\d+]")
# A phone number written anywhere (an SDK call's `PhoneNumber`, a setting the code texts): `+` and 8-15 digits
# (E.164), or `00` first under a key that says phone/SMS.
_E164 = re.compile(r"^\+\d[\d \-().]{6,20}$")
_PHONE_KEY = re.compile(r"(?i)(phone|sms|msisdn|mobile)")
_INTERNATIONAL = re.compile(r"^00\d[\d \-().]{6,20}$")
Found = tuple[str, str, str]  # (path, kind, value)
# A Firewall Manager policy's `includeMap`/`excludeMap` say which organisation accounts it protects: a
# scope of the policy's own protections, not access to data (that type only: elsewhere they are judged).
_FMS_POLICY, _FMS_SCOPES = "aws:fms/policy:Policy", ("includeMap", "excludeMap")
_ITSM = ("an ITSM receiver sends each alert to the IT service management tool (ServiceNow, …) behind a "
         "connection of a Log Analytics workspace, which no input names; alert through a webhook or Logic "
         "App to a host of the stack or a declared endpoint instead")


def _grants(view: ResourceView) -> list[Found]:
    own, _ = aws_account(view.provider)
    out: list[Found] = []
    for spec in GRANT_INPUTS[view.type]:
        for path, value in values(view, spec):
            if value is None or value == own:
                continue
            if is_unknown(value) or not isinstance(value, str):
                out.append((path, "unknown", ""))
            elif value.startswith("arn:"):  # the account an ARN names (a delivery into that account)
                if (account := value.split(":")[4] if value.count(":") >= 5 else "") != own:
                    out.append((path, "grantee", account or value))
            else:
                out.append((path, "grantee", value))
    return out


def phone_region(number: str) -> bool | None:
    """True: an EEA number; False: another country's; None: no country code (not `+` or `00` first)."""
    n = _DIGITS.sub("", number)
    if n.startswith("00"):
        n = "+" + n[2:]
    n = "+" + n.lstrip("+") if n.startswith("+") else n  # a country code written `+32` after our `+`
    if not n.startswith("+"):
        return None
    return n[1:4] in EEA_CALLING_CODES or n[1:3] in EEA_CALLING_CODES


def phone_value(s: str, key: str) -> bool:
    """A phone number in any input (judged by its country code like a subscription's)."""
    if not (_E164.match(s) or (_INTERNATIONAL.match(s) and _PHONE_KEY.search(key))):
        return False
    return 8 <= sum(c.isdigit() for c in s) - (2 if s[0] == "0" else 0) <= 15


def _phones(view: ResourceView) -> list[Found]:
    t = view.type
    if t == _SNS_SUBSCRIPTION:
        if str(view.input("protocol")).lower() != "sms":
            return []
        return [("endpoint", "phone", str(view.input("endpoint")))]
    if t == _CONTACT_CHANNEL:
        if str(view.input("type")).upper() not in ("SMS", "VOICE"):
            return []  # EMAIL: the address is scanned
        return [("deliveryAddress.simpleAddress", "phone", str(view.get("deliveryAddress.simpleAddress")))]
    out: list[Found] = []
    for key in ("smsReceivers", "voiceReceivers"):
        receivers = view.input(key)
        if is_unknown(receivers):
            out.append((key, "unknown", ""))
            continue
        for i, r in enumerate(receivers or ()):
            code, number = get_path(r, "countryCode"), get_path(r, "phoneNumber")
            out.append((f"{key}.{i}", "phone", f"+{str(code).lstrip('+')} {number}"))
    if view.input("itsmReceivers"):  # round 18
        out.append(("itsmReceivers", "site", _ITSM))
    return out


def _outside_vpc_target(view: ResourceView) -> list[Found]:
    """A private or unknown target outside the target group's VPC (a public one is scanned as any host)."""
    zone, target = view.input("availabilityZone"), view.input("targetId")
    if is_unknown(zone):
        return [("availabilityZone", "unknown", "")]
    if str(zone).lower() != "all":
        return []
    if is_unknown(target):
        return [("targetId", "unknown", "")]
    if not private_host(target):
        address = numeric_public_host(target)
        return [("targetId", "host", address)] if address else []
    return [("availabilityZone", "site", f"`availabilityZone: all` registers {target!r}, a private address "
             "outside the target group's VPC (behind a peering, transit gateway, VPN or Direct Connect: a "
             "network in any region or data centre); register targets of the stack's own VPC (no "
             "availabilityZone) or instances of the stack (targetId: the instance's id)")]


def _agent_sites(view: ResourceView) -> list[Found]:
    """A private or unknown server a DataSync agent reaches; a public address written as a number is judged
    as that address (round 57), a public name as any scanned host."""
    found: list[Found] = []
    for p, v in values(view, AGENT_SITES[view.type]):
        if is_unknown(v):
            found.append((p, "unknown", ""))
        elif private_host(v):
            found.append((p, "site", f"a DataSync agent reaches {v!r}, a private address on a network "
                          "outside any region (wherever the agent runs); name the server by a host declared "
                          "with its jurisdiction in stacks/records/endpoints.yaml"))
        elif address := numeric_public_host(v):
            found.append((p, "host", address))
    return found


def party_refs(view: ResourceView) -> list[Found]:
    """The implied references of a resource of PARTY_TYPES."""
    t = view.type
    if t in GRANT_INPUTS:
        return _grants(view)
    if t in GRANT_TYPES:  # read grants (policies/core/read_grants.py)
        return read_grants(view, aws_account(view.provider)[0] if t.startswith("aws:") else None)
    if t in SITES:
        return [("(site)", "site", SITES[t])]
    if t in AGENT_SITES:
        return _agent_sites(view)
    if t in TARGET_ATTACHMENTS:
        return _outside_vpc_target(view)
    if t in IDC_BINDINGS:
        key = IDC_BINDINGS[t]
        arn = view.get(key)
        if arn is None:
            return []
        known = isinstance(arn, str) and not is_unknown(arn)
        return [(key, "directory", arn)] if known else [(key, "unknown", "")]
    if t == IMPORT_EXPORT_JOB:
        return returned_drives(view)
    if t == _SYNC_MEMBER:
        kind = view.input("databaseType")
        if isinstance(kind, str) and kind.lower() == "azuresqldatabase" and view.input("syncAgentId") is None:
            return []  # its database is an Azure id, scanned and resolved as any
        return [("databaseType", "site", f"a SQL Data Sync member of type {kind!r} is a SQL Server that a "
                 "sync agent reaches wherever it was installed (sync to the stack's Azure SQL databases "
                 "instead: databaseType AzureSqlDatabase)")]
    if t == _DATA_BOX:
        if str(view.input("transferType")) != "ExportFromAzure":
            return []  # an import brings data in; the device travels empty to the customer
        country = view.get("details.shippingAddress.country")
        if isinstance(country, str) and country.upper() in EEA_COUNTRIES:
            return []
        return [("details.shippingAddress.country", "site", f"a Data Box export ships a copy of the data to "
                 f"an address in {country!r}, outside the EEA")]
    return _phones(view)



def foreign_arns(view: ResourceView, refs: list[Any]) -> list[Found]:
    """ARNs (not principals, not Lambda layers: code pulled in) of an account other than the one the
    provider pins: the ARN's region says where that resource is, not where its account takes the data next
    (another account's event bus forwards anywhere, its vault or queue is read from anywhere, its role is
    acted as). Under a provider that pins no account, every ARN naming an account is judged at stack scope
    against the account of the stack's own recorded resources (round 17; policies/core/resolution.py)."""
    if not view.type.startswith("aws:"):
        return (azure_parties(view) + credential_subjects(view) + approved_connections(view)
                if view.type.startswith(("azure-native:", "azuread:")) else [])
    found = [r for r in refs if r.kind == "arn" and not r.principal and r.value.count(":") >= 5]
    found = [r for r in found if is_account_id((parts := r.value.split(":"))[4]) and parts[5] != "layer"]
    own, _ = aws_account(view.provider)
    scanned = ({k: v for k, v in view.inputs.items() if k not in _FMS_SCOPES} if view.type == _FMS_POLICY
               else view.inputs)
    granted = [] if view.type in PARTY_TYPES else (
        aws_parties(scanned, "", own) + other_policy_grants(view, own))
    foreign = [(r.path, "foreign", r.value) for r in found if r.value.split(":")[4] != own]
    return foreign + granted + _trusted(view) + trust_parties(view) + acl_grantees(view.inputs)


_ROLE = "aws:iam/role:Role"
_IAM_ARN = re.compile(r"^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):")


def _trusted(view: ResourceView) -> list[Found]:
    """Accounts whose principals a role's trust policy lets act as the role (`Principal: {AWS: <ARN>}`, round
    32): that account uses the role's access to the data from wherever it runs, a grantee as a bare id is
    (policies/core/bare_parties.py). A principal ARN elsewhere is access control (round 17)."""
    doc = view.input("assumeRolePolicy") if view.type == _ROLE else None
    doc = json_doc(doc) if isinstance(doc, str) and not is_unknown(doc) else doc
    statements = get_path(doc, "Statement") if isinstance(doc, dict) else None
    own, _ = aws_account(view.provider)
    out: list[Found] = []
    for st in statements if isinstance(statements, list) else [statements]:
        if not isinstance(st, dict) or str(st.get("Effect", "")).lower() != "allow":
            continue
        aws = get_path(st.get("Principal"), "AWS") if isinstance(st.get("Principal"), dict) else None
        for arn in aws if isinstance(aws, list) else [aws]:
            m = _IAM_ARN.match(arn) if isinstance(arn, str) else None
            if m and m.group(1) != own:
                out.append(("assumeRolePolicy", "grantee", m.group(1)))
    return out


def party_arns(kind: str, value: str) -> tuple[str, ...]:
    """The ARN prefixes under which a party may be declared in the endpoints record."""
    if kind == "grantee":
        return (f"arn:aws:iam::{value}:",)
    if kind == "directory":
        return (value,)
    return (value, f"arn:aws:iam::{value.split(':')[4]}:") if kind == "foreign" else ()


def party_problem(kind: str, path: str, value: str) -> str | None:
    """Why an implied place blocks (None: an EEA phone number); a grantee declared in the endpoints record is
    judged there (policies/core/destinations.py)."""
    if kind == "foreign":
        return (f"`{path}` = {value!r} is a resource of account {value.split(':')[4]}, not the stack's own "
                "(the one its provider pins in allowedAccountIds or, under a provider that pins none, the "
                "one the stack's recorded resources are in): that account reads what is sent there and "
                "passes it on from wherever it likes, whatever region the ARN names; use a resource of the "
                "stack's own "
                "account (pin it: allowedAccountIds), or declare the account (arns: [arn:aws:iam::<id>:]) or "
                "the ARN with its region or jurisdiction in stacks/records/endpoints.yaml")
    if kind == "directory":
        return (f"`{path}` binds the IAM Identity Center instance {value!r}, whose ARN names no region: the "
                "application is registered in the instance's region with its users' assignments and "
                "subscriptions, which may be outside the EEA; declare the instance (arns: [<instance ARN>]) "
                "with its region in stacks/records/endpoints.yaml")
    if kind == "approval":
        return f"`{path}`: {approval_problem('Approved', value)}"
    if kind == "site":
        return (f"`{path}`: {value}; the pack cannot place that site in an allowed region, so keep the data "
                "in resources of the stack's own regions")
    if kind == "phone":
        eea = phone_region(value)
        if eea:
            return None
        country = "a country outside the EEA" if eea is False else "no country it says (+<code> first)"
        return (f"`{path}` texts or calls {value!r}, a phone number of {country}: the message goes to that "
                "country's carrier; use EEA numbers with the country code, or e-mail")
    return (
        f"`{path}` grants {value!r} a copy it can take to any region or read access from any region (a "
        "shared snapshot, image or data share is copied or read wherever the grantee likes, a Lake "
        "Formation, RAM or resource-policy grant read from there, telemetry delivered into its account by an "
        "observability link or cross-account flow logs read there); share only with the stack's own account, "
        "which the pack knows only when the resource's provider pins it (allowedAccountIds: ['<12 digits>']; "
        "under a provider that pins none, even the stack's own account blocks), or declare the account "
        "(arns: [arn:aws:iam::<id>:]) with its region or jurisdiction in stacks/records/endpoints.yaml"
    )
