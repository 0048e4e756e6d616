"""The stack's resources indexed by what a reference names them by: their recorded ARN, Azure id, bucket name,
physical name and endpoint outputs (never their logical name); policies/core/resolution.py resolves
references over it.
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy.proxy import _DictProxy

from policies.core.account_hosts import OWN_PATHS, account_host, azure_regional_name, regional_account
from policies.core.account_urls import WORKFLOW, workflow_key
from policies.core.accounts import is_account_id
from policies.core.azure_hosts import azure_modules, own_service_host
from policies.core.caller_conditions import ORIGIN_TYPES
from policies.core.command_places import NAMED_BY_COMMANDS
from policies.core.cosmos_replicas import lists_region
from policies.core.documents import iter_strings
from policies.core.hashed_keys import HashedKeys
from policies.core.host_classes import AWS_RESOURCE_NAMES, account_label, aws_resource_host, resource_id
from policies.core.installed_code import POLICY_ASSIGNMENT, definition_key
from policies.core.kusto_exports import EXTERNAL_TABLE, KUSTO_SCRIPT, external_tables
from policies.core.located_children import located_child
from policies.core.named_refs import GUID_OUTPUTS, IDENTITY_PRINCIPAL, NAMED_REFS
from policies.core.own_keys import ACCEPTED_TARGETS, BUCKET_TYPES
from policies.core.private_zones import zone_records
from policies.core.proxy_attrs import proxy_target
from policies.core.reference_text import APIM_BACKEND
from policies.core.references import Ref, references
from policies.core.relays import FIREHOSE
from policies.core.restore_sources import restored_account
from policies.core.typed_places import NAMED_TYPES
from policies.core.types import is_child
from policies.core.view import ResourceView, StackGraph, is_unknown

STACK_REFERENCE = "pulumi:pulumi:StackReference"
_HOST_KEYS = (
    "endpoint",
    "dnsName",
    "fqdn",
    "hostName",
    "domainName",
    "primaryEndpoints",
    "ipAddress",
    "publicIp",
    "address",
    "primaryEndpointAddress",  # an ElastiCache replication group's, like its reader and configuration ones
    "readerEndpointAddress",
    "configurationEndpointAddress",
    "clusterEndpoints",  # a MemoryDB cluster's
    # round 23: an MSK cluster's broker lists (`b-1.…:9098,b-2.…:9098`), a DAX cluster's endpoints
    "bootstrapBrokers", "bootstrapBrokersTls", "bootstrapBrokersSaslIam", "bootstrapBrokersSaslScram",
    "bootstrapBrokersPublicTls", "bootstrapBrokersPublicSaslIam", "bootstrapBrokersPublicSaslScram",
    "bootstrapBrokersVpcConnectivityTls", "bootstrapBrokersVpcConnectivitySaslIam",
    "bootstrapBrokersVpcConnectivitySaslScram", "clusterAddress", "configurationEndpoint",
    "regionalDomainName", "domainNameConfiguration",  # an API Gateway custom domain's regional target
)
# Child types that a service host names all the same: a SQL failover group's listener
# (`<group>.database.windows.net`, `<group>.secondary.database.windows.net`).
HOST_NAMED_CHILDREN = frozenset({"azure-native:sql:FailoverGroup"})
_AZURE_SCOPE = re.compile(r"^(/subscriptions/[^/]+/resourcegroups/[^/]+(?:/providers/[^/]+/[^/]+/[^/]+)?)")


# The inputs (and outputs) by which a resource of a named type is named: a directory share by the consumer's
# `sharedDirectoryId` (round 42), an EC2 instance by its address, a Storage Gateway by its ARN (round 47).
_NAMED_BY = ("name", "id", "backendId", "sharedDirectoryId", "privateIp", "publicIp", "arn")
_NAMESPACED = re.compile(r"^(/subscriptions/[^/]+/resourcegroups/[^/]+)/providers/[^/]+/(.+)$")


def _namespace_free(rid: str) -> str | None:
    """An Azure id without its provider namespace: the same subscription, group, type and name are the same
    resource whatever the namespace is spelled (`Microsoft.Cache/redis/x`; the offline engine derives the
    namespace of a type whose `pulumi import` id it does not hold, `Microsoft.<Module>/…`)."""
    m = _NAMESPACED.match(rid)
    return f"{m.group(1)}|{m.group(2)}" if m else None


def _id_key(r: ResourceView) -> str | None:
    """The key `GraphIndex.azure_ids` holds `r` under: its lower-cased Azure id."""
    rid = r.input("id")
    return rid.lower() if isinstance(rid, str) else None


def _bare_key(r: ResourceView) -> str | None:
    """The key `GraphIndex.bare_ids` holds `r` under: its lower-cased id without the namespace."""
    rid = r.input("id")
    return _namespace_free(rid.lower()) if isinstance(rid, str) else None


def _source(r: ResourceView) -> Any:
    """The inputs a view's `input(key)` reads (to test for a key without unwrapping its value)."""
    src = r.memo.get("_inputs")
    if src is None:
        return proxy_target(r.raw) if isinstance(r.raw, _DictProxy) else r.inputs
    return src


# Types whose `arn` input is the ARN of what they point to, not their own (an event target's target, the
# bucket Lake Formation registers, the topic a policy is set on): every `…Args` of the installed aws SDK with
# a top-level `arn` input, but Firehose, Kinesis and SSM parameters (whose `arn` is their own).
_TARGET_ARN = frozenset({
    "aws:cloudwatch/eventTarget:EventTarget", "aws:lakeformation/resource:Resource",
    "aws:notifications/channelAssociation:ChannelAssociation",
    "aws:sns/dataProtectionPolicy:DataProtectionPolicy", "aws:sns/topicPolicy:TopicPolicy"})


class GraphIndex:
    """Stack resources by their recorded ARN, Azure id, bucket name, physical name and endpoint outputs."""

    def __init__(self, graph: StackGraph):
        self.graph = graph
        self.by_key: dict[str, ResourceView] = {}
        self.azure_ids = HashedKeys(_id_key)  # lower-cased Azure id -> the resource (as hashes: round 24)
        self.bare_ids = HashedKeys(_bare_key)  # the same without the provider namespace (`_namespace_free`)
        self.labels: dict[str, str] = {}  # `<family>:<region>` -> the stack's account label (recorded hosts)
        self.ids: dict[str, set[str]] = {}  # `<family>:<name>` -> the ids its recorded hosts carry (round 27)
        self.stack_refs = graph.by_type(STACK_REFERENCE)
        named = frozenset(NAMED_REFS.values()) | ACCEPTED_TARGETS | NAMED_TYPES | {APIM_BACKEND, FIREHOSE}
        named |= frozenset(ORIGIN_TYPES.values()) | NAMED_BY_COMMANDS  # round 87: vaults, Batch accounts
        for r in graph.resources:
            src = _source(r)
            if r.type in named:
                for v in (r.input(k) for k in _NAMED_BY):  # connections: by id
                    if isinstance(v, str):
                        self.by_key.setdefault(f"named:{r.type}|{v}", r)
                        if r.cloud == "azure":  # round 84: named in any case (Azure ignores it)
                            self.by_key.setdefault(f"named:{r.type}|{v.lower()}", r)
            if r.type == WORKFLOW and (k := workflow_key(str(r.input("accessEndpoint", "")))):
                self.by_key.setdefault(f"named:{k}", r)  # called by its callback URL (round 27)
            if r.type == KUSTO_SCRIPT:  # round 54: the external tables its scripts define
                for t in external_tables(r):
                    self.by_key.setdefault(f"named:{EXTERNAL_TABLE}|{t}", r)
            if r.type.startswith("azure-native:authorization:Policy") and (d := definition_key(r)):
                self.by_key.setdefault(f"named:{POLICY_ASSIGNMENT}|{d}", r)  # named by an assignment
            for k in GUID_OUTPUTS.get(r.type, ()) + ((IDENTITY_PRINCIPAL,) if r.cloud == "azure" else ()):
                if isinstance(v := r.get(k), str) and not is_unknown(v):
                    self.by_key.setdefault(f"guid:{v.lower()}", r)
            if r.cloud == "aws":
                arn = r.input("arn")
                if isinstance(arn, str) and r.type not in _TARGET_ARN:
                    self.by_key.setdefault(f"arn:{arn}", r)
                if isinstance(ex := r.input("executionArn"), str):  # an API, invoked as `<ex>/<stage>/…`
                    self.by_key.setdefault(f"arn:{ex}", r)
                family, key = AWS_RESOURCE_NAMES.get(r.type, ("", ""))
                if family and isinstance(n := r.input(key), str):  # named so by its hosts
                    self.by_key.setdefault(f"aws:{family}:{n.lower()}", r)
                    self.by_key.setdefault(f"named:{r.type}|{n}", r)  # and by bare id (round 46: QuickSight)
                if r.type in BUCKET_TYPES:  # a bucket's name is its id (auto-named: only the id holds it)
                    for v in (r.input("bucket"), r.input("id")):
                        if isinstance(v, str):
                            self.by_key.setdefault(f"bucket:{v}", r)
            elif r.cloud == "azure":
                rid, name = r.input("id"), r.input("name")
                if isinstance(rid, str) and rid.startswith("/subscriptions/"):
                    self.azure_ids.setdefault(rid.lower(), r)
                    if (bare := _namespace_free(rid.lower())) is not None:
                        self.bare_ids.setdefault(bare, r)
                    name = name if isinstance(name, str) else rid.rsplit("/", 1)[-1]
                # service hosts name top-level resources (accounts, vaults, servers), never a child that
                # shares the name (a blob container `partnerexports` is not partnerexports.blob.…)
                if isinstance(name, str) and (not is_child(r.type) or r.type in HOST_NAMED_CHILDREN):
                    self.by_key.setdefault(f"name:{r.type.split(':')[1]}:{name.lower()}", r)
                if own := own_service_host(r.type, r.input("workspaceName"), r.input("fhirServiceName")):
                    self._own_host(own, r)  # round 49: a FHIR service's endpoint
            for k in _HOST_KEYS:
                if k not in src:  # most resources have none of them: skip the unwrapping
                    continue
                for s in (part for v in iter_strings(r.input(k)) for part in v.split(",")):
                    host = s.strip().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
                    own = k in _OWN_ADDRESSES.get(r.type, ()) or _own_host(r.type, host)
                    if "." in host and (own or not _points_to(r, host)):
                        self._own_host(host, r)
            for path in OWN_PATHS.get(r.type, ()):  # round 25: its own address under a regional domain
                first, *rest = path.split(".")
                value: Any = r.input(first)  # unwrapped (a nested proxy is no dict)
                for part in rest:
                    value = value.get(part) if isinstance(value, dict) else None
                for s in iter_strings(value):
                    self._own_host(s.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower(), r)

        for name, record in zone_records(graph).items():  # round 48: a name in a private zone of the stack
            self.by_key.setdefault(f"host:{name}", record)

    def _own_host(self, host: str, r: ResourceView) -> None:
        """Index a recorded address of `r`, with the account label or per-resource id it carries."""
        self.by_key.setdefault(f"host:{host}", r)
        if r.cloud == "aws" and (label := account_label(host)):
            self.labels.setdefault(*label)
        if r.cloud == "aws" and (rid := resource_id(host)):
            self.ids.setdefault(rid[0], set()).add(rid[1])

    def find(self, ref: Ref) -> ResourceView | None:
        v = ref.value
        if ref.kind in ("named", "guid"):
            return self.by_key.get(f"{ref.kind}:{v}")
        if ref.kind in ("bucket", "region"):  # a bucket-shaped `location` (CodeBuild artifacts) too
            return self.by_key.get(f"bucket:{v}")
        if ref.kind == "arn":
            hit = self.by_key.get(f"arn:{v}")
            if hit is None and v.startswith("arn:aws:s3:::"):
                hit = self.by_key.get(f"bucket:{v[13:].split('/', 1)[0]}")
            if hit is None and v.startswith("arn:aws:execute-api:"):
                hit = self.by_key.get(f"arn:{v.split('/', 1)[0]}")
            if hit is None and v.startswith("arn:aws:lambda:") and v.count(":") == 7:
                hit = self.by_key.get(f"arn:{v.rsplit(':', 1)[0]}")  # a version or alias of the function
            return hit
        if ref.kind == "azure-id":
            rid = v.lower()
            restore, source = restored_account(rid, self.graph)  # round 43: a Cosmos DB restore source
            hit = source if restore else self.azure_ids.get(rid)
            if hit is None and (bare := _namespace_free(rid)) is not None:
                hit = self.bare_ids.get(bare)
            m = _AZURE_SCOPE.match(rid)
            if hit is None and m:  # a child or data-plane scope below a resource of the stack (round 34: also
                top = m.group(1)    # under the namespace its offline id spells otherwise)
                bare = _namespace_free(top)
                hit = self.azure_ids.get(top) or (self.bare_ids.get(bare) if bare else None)
                below, child = located_child(rid, self.graph)  # round 42: one with a place of its own is
                return child if hit is not None and below else hit  # the stack's child, not its parent
            return hit
        hit = self.by_key.get(f"host:{v}")
        if hit is None and ".s3." in v:
            hit = self.by_key.get(f"bucket:{v.split('.s3.', 1)[0]}")
        if hit is None and (owner := account_host(v) or "").startswith("bucket:"):  # `<b>.s3-website-<r>.…`
            hit = self.by_key.get(owner)
        if hit is None and owner == "resource":  # an app under a recorded default domain (its environment's)
            hit = self.by_key.get(f"host:{v.split('.', 1)[1]}")
        if hit is None and (named := self.by_name(v)) is not None and not self.unproven(v):
            hit = named  # a cluster, database or domain by the name its host carries
        if hit is None and (az := azure_modules(v) or azure_regional_name(v)):
            name, modules = az
            names = (name, base) if (base := regional_account(name, modules)) else (name,)
            hit = next((r for n in names for m in modules if (r := self.by_key.get(f"name:{m}:{n}"))
                        and (n == name or lists_region(r, name))), None)  # round 29: a listed region
        return hit

    def by_name(self, host: str) -> ResourceView | None:
        """The stack's resource an AWS resource host names by its name or generated id (not its account)."""
        aws = aws_resource_host(host)
        if aws is None:
            return None
        return self.by_key.get(f"host:{aws[1]}" if aws[0] == "ec2" else f"aws:{aws[0]}:{aws[1]}")

    def unproven(self, host: str) -> str | None:
        """The label or per-resource id that keeps a match by name from proving the host is the stack's."""
        return self.unproven_label(host) or self.unproven_id(host)

    def unproven_id(self, host: str) -> str | None:
        """The per-resource id of a host matched by name, when no recorded address of the stack's resource
        of that name carries it (a first deployment, or another account's twin: round 27)."""
        rid = resource_id(host)
        return rid[1] if rid and rid[1] not in self.ids.get(rid[0], ()) else None

    def unproven_label(self, host: str) -> str | None:
        """The account label of a host matched by name only, when it is not the label the stack records for
        the family in that region, or the stack records none (a first deployment: round 25)."""
        label = account_label(host)
        if label and is_account_id(label[1]):  # Redshift Serverless: the label is the account itself
            return None if label[1] in arn_accounts(self.graph) else label[1]
        return label[1] if label and self.labels.get(label[0]) != label[1] else None


# Outputs that are the resource's own public address (an allocated IP, an API server): indexed even though the
# scanner, which reads outputs at stack scope, also finds them as references.
_OWN_ADDRESSES: dict[str, tuple[str, ...]] = {
    "aws:ec2/eip:Eip": ("publicIp", "address"),
    "aws:ec2/instance:Instance": ("publicIp",),
    "aws:eks/cluster:Cluster": ("endpoint",),  # its API server (round 23: an EKS host names no cluster)
    "aws:apigateway/domainName:DomainName": ("regionalDomainName",),  # `d-<id>.execute-api.…`
    "aws:apigatewayv2/domainName:DomainName": ("domainNameConfiguration",),
    "aws:ec2/natGateway:NatGateway": ("publicIp",),
    "aws:lightsail/staticIp:StaticIp": ("ipAddress",),
    "azure-native:network:PublicIPAddress": ("ipAddress",),
}


def _own_host(typ: str, host: str) -> bool:
    """`host` is of the family the type's own endpoints are (a database's `address`), not one it points to."""
    family = AWS_RESOURCE_NAMES.get(typ)
    return family is not None and (found := aws_resource_host(host)) is not None and found[0] == family[0]


def _points_to(r: ResourceView, value: str) -> bool:
    """`value` is a place this resource's own inputs point to (a customer gateway's peer IP, an SNS
    subscription's endpoint, the bucket Lake Formation registers), not an output that names the resource."""
    low = value.lower()
    return any(ref.value.lower() == low for ref in references(r) if ref.kind in ("host", "arn", "bucket"))


def graph_index(graph: StackGraph) -> GraphIndex:
    return graph.once("dest_index", lambda: GraphIndex(graph))


def arn_accounts(graph: StackGraph) -> frozenset[str]:
    """The accounts of the stack's own recorded ARNs (never an ARN echoed from an input, such as an event
    target's): where its resources are (in an offline preview, the mocks' account; in a real one, the
    cloud's answer), whatever account id the provider pins."""
    def accounts() -> frozenset[str]:
        arns = (r.input("arn") for r in graph.resources if r.cloud == "aws" and r.type not in _TARGET_ARN)
        return frozenset(a.split(":")[4] for a in arns if isinstance(a, str) and a.count(":") >= 5
                         and is_account_id(a.split(":")[4]))
    return graph.once("arn_accounts", accounts)
