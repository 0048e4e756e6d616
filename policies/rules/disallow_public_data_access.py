"""No public network access to data stores: least privilege, access limited to those who handle the dossier
(R2016; D36 §77-§78; DPA annex 3 a.i). Covers public endpoints of stores, security groups open to 0.0.0.0/0
or ::/0 on data ports, public IPs on data hosts (EC2, Azure VMs), public Aurora instances, and snapshots,
AMIs, disks and gallery images shared with everyone."""

from __future__ import annotations

from typing import Any

from policies.core import aoss_access, avd_host_pools, exposure, ram_shares
from policies.core import apim_members as apim
from policies.core import automation_assets as automation
from policies.core import azure_machine_exposure as machines
from policies.core import database_servers as servers
from policies.core import network_rule_subnets as subnets
from policies.core import origin_hosts as origins
from policies.core import pia_analytics as analytics
from policies.core import pia_api_auth as api
from policies.core import pia_eventgrid as eventgrid
from policies.core import pia_more_exposure as more
from policies.core import pia_other_accounts as others
from policies.core import pia_placement as placement
from policies.core import pia_platform_stores as platform
from policies.core import pia_store_auth as auth
from policies.core import pia_workspace_stores as ws
from policies.core import private_link_targets as links
from policies.core import vpc_lattice as lattice
from policies.core.exposure import LOAD_BALANCER, _nsg_rule, _open, load_balancer, nat_rule
from policies.core.grafana_access import AWS_GRAFANA, GRAFANA, public_workspace
from policies.core.helpers import linked
from policies.core.pia_more_stores import AOSS_COLLECTION
from policies.core.pia_pinning import open_statements
from policies.core.pia_types import AWS_API_STORES, FSX_FILE_SYSTEMS
from policies.core.rule import Rule, RuleContext
from policies.core.trusted_bypass import bypassed_instances
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

_PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
_PAB_FIELDS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _bucket(r: ResourceView, graph: StackGraph) -> list[str]:
    blocks = linked(graph, r, (_PAB,), "bucket")
    if not blocks:
        return ["no BucketPublicAccessBlock for the bucket"]
    for b in blocks:
        off = [f for f in _PAB_FIELDS if b.inputs.get(f) is not True]
        if off:
            return [f"the bucket's public access block leaves {', '.join(off)} off"]
    return []


def _field(fld: str, good: tuple[Any, ...], absent_ok: bool = False):
    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        value = r.get(fld)
        if is_unknown(value):
            return [unknown_message(fld, "public network access")]
        if value is None and absent_ok:
            return []
        if value not in good:
            return [f"`{fld}` is {value!r}; expected {' or '.join(repr(g) for g in good)}"]
        return []

    return judge


def _both(*judges):
    return lambda r, g: [m for j in judges for m in j(r, g)]


def _security_group(r: ResourceView, graph: StackGraph) -> list[str]:
    ingress = r.input("ingress")
    if is_unknown(ingress):
        return [unknown_message("ingress", "who can reach the group's hosts")]
    out = []
    for i, rule in enumerate(ingress or []):
        if isinstance(rule, dict) and (
            hit := _open(rule, ("cidrBlocks", "ipv6CidrBlocks"), "protocol", "fromPort", "toPort")
        ):
            out.append(f"ingress {i} is open to {hit}")
    return out


def _sg_rule(r: ResourceView, graph: StackGraph) -> list[str]:
    if r.type.endswith("SecurityGroupRule") and r.input("type") != "ingress":
        return []
    hit = _open(r.inputs, ("cidrBlocks", "ipv6CidrBlocks", "cidrIpv4", "cidrIpv6"),
                "ipProtocol" if "ipProtocol" in r.inputs else "protocol", "fromPort", "toPort")
    return [f"the rule opens {hit}"] if hit else []


def _msk(r: ResourceView, graph: StackGraph) -> list[str]:
    kind = r.get("brokerNodeGroupInfo.connectivityInfo.publicAccess.type")
    if is_unknown(kind):
        return [unknown_message("brokerNodeGroupInfo.connectivityInfo.publicAccess.type", "public access")]
    return [] if kind in (None, "DISABLED") else [f"broker public access is {kind!r}; keep it DISABLED"]


# Resource policies of stores reached through the AWS API (and of buckets and file systems): an Allow to
# anyone is a public endpoint, unless a condition pins the caller's account, organisation, source or network.
RESOURCE_POLICIES: dict[str, str] = {
    "aws:sqs/queue:Queue": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:secretsmanager/secret:Secret": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:backup/vaultPolicy:VaultPolicy": "policy",
    "aws:glacier/vault:Vault": "accessPolicy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:efs/fileSystemPolicy:FileSystemPolicy": "policy",
    "aws:dynamodb/resourcePolicy:ResourcePolicy": "policy",
    "aws:kinesis/resourcePolicy:ResourcePolicy": "policy",
    **more.RESOURCE_POLICIES,
    **lattice.RESOURCE_POLICIES,  # round 40: VPC Lattice auth policies
}


def _resource_policy(r: ResourceView, graph: StackGraph) -> list[str]:
    return open_statements(r, RESOURCE_POLICIES[r.type], graph)


def _in_vpc(r: ResourceView, graph: StackGraph) -> list[str]:
    """In a VPC, and no anonymous requests (fine-grained access control gives them the anonymous role)."""
    out = [] if r.input("vpcOptions") else ["the domain has no `vpcOptions`: it would get a public endpoint"]
    anonymous = r.get("advancedSecurityOptions.anonymousAuthEnabled")
    if is_unknown(anonymous):
        out.append(unknown_message("advancedSecurityOptions.anonymousAuthEnabled", "who may send requests"))
    elif anonymous is True:
        out.append(
            "`advancedSecurityOptions.anonymousAuthEnabled` is true: requests without sign-in are let in"
        )
    return out


def _shared_with_all(fld: str, what: str):
    return lambda r, g: (
        [f"the {what} is shared with everyone (`{fld}` contains 'all')"]
        if "all" in (r.input(fld) if isinstance(r.input(fld), list) else [r.input(fld)])
        else []
    )


def _public_subnet(r: ResourceView, graph: StackGraph) -> list[str]:
    """An instance that does not opt out of a public IP gets one in a subnet mapping public IPs on launch."""
    if r.input("associatePublicIpAddress") is False:
        return []
    return [
        f"the instance does not set associatePublicIpAddress false and its subnet {s.name} maps public IPs "
        "on launch"
        for s in graph.dependency_of(r, "subnetId")
        if s.input("mapPublicIpOnLaunch") is True
    ]


def _elastic_ip(*flds: str):
    """An Elastic IP on an instance, or on a network interface (an instance's), makes a data host public."""
    return lambda r, g: [
        f"`{fld}` associates a public Elastic IP with an instance or its interface (a data host)"
        for fld in flds
        if r.input(fld)
    ]


def _image_builder(r: ResourceView, graph: StackGraph) -> list[str]:
    return [
        f"distribution {d.get('region')!r} shares the image with everyone (launchPermission.userGroups all)"
        for d in r.input("distributions") or []
        if isinstance(d, dict)
        and "all" in (get_path(d, "amiDistributionConfiguration.launchPermission.userGroups") or [])
    ]


# Copies and snapshots reached through the AWS API whose only exposure is sharing them with every account.
SHARED: dict[str, str] = {
    "aws:rds/clusterSnapshot:ClusterSnapshot": "sharedAccounts",
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": "sharedAccounts",
    "aws:rds/snapshotCopy:SnapshotCopy": "sharedAccounts",
}

CHECKS = {
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:rds/instance:Instance": _field("publiclyAccessible", (False,), absent_ok=True),
    "aws:rds/clusterInstance:ClusterInstance": _field("publiclyAccessible", (False,), absent_ok=True),
    "aws:rds/cluster:Cluster": lambda r, g: [],  # reachable only through its instances, judged above
    "aws:rds/snapshot:Snapshot": _shared_with_all("sharedAccounts", "snapshot"),
    "aws:ec2/amiLaunchPermission:AmiLaunchPermission": _shared_with_all("group", "machine image"),
    "aws:ec2/instance:Instance": _both(_field("associatePublicIpAddress", (False,), True), _public_subnet),
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": _both(
        _field("associatePublicIpAddress", (False,), absent_ok=True), _public_subnet
    ),
    "aws:ecs/service:Service": _field("networkConfiguration.assignPublicIp", (False,), absent_ok=True),
    "aws:ec2/launchConfiguration:LaunchConfiguration": _field(
        "associatePublicIpAddress", (False,), absent_ok=True
    ),
    "aws:ec2/eip:Eip": _elastic_ip("instance", "networkInterface"),
    LOAD_BALANCER: load_balancer,
    "azure-native:network:InboundNatRule": nat_rule,
    "aws:ec2/eipAssociation:EipAssociation": _elastic_ip("instanceId", "networkInterfaceId"),
    "aws:imagebuilder/distributionConfiguration:DistributionConfiguration": _image_builder,
    "aws:neptune/clusterInstance:ClusterInstance": _field("publiclyAccessible", (False,), absent_ok=True),
    "azure-native:dbformysql:SingleServer": _field("properties.publicNetworkAccess", ("Disabled",)),
    "aws:ec2/securityGroup:SecurityGroup": _security_group,
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _security_group,  # the VPC's own group
    "aws:ec2/securityGroupRule:SecurityGroupRule": _sg_rule,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _sg_rule,
    "azure-native:network:NetworkSecurityGroup": machines.nsg,
    exposure.JIT_POLICY: exposure.jit_policy,  # round 45: just-in-time VM access
    exposure.INSTANCE_CONNECT: exposure.instance_connect,  # round 47: EC2 Instance Connect endpoints
    avd_host_pools.HOST_POOL: avd_host_pools.carried_out,  # round 48: Virtual Desktop redirections
    avd_host_pools.APP_GROUP: avd_host_pools.app_group_pool,  # round 49: the pool a group hands out
    avd_host_pools.WORKSPACE: avd_host_pools.workspace_groups,  # round 49: the groups it publishes
    aoss_access.AOSS_ACCESS: aoss_access.public_access,  # round 45: OpenSearch Serverless data access
    GRAFANA: _field("properties.publicNetworkAccess", ("Disabled",)),  # round 45: Managed Grafana
    AWS_GRAFANA: public_workspace,  # round 46: Amazon Managed Grafana
    "aws:mwaa/environment:Environment": _field("webserverAccessMode", ("PRIVATE_ONLY",), True),  # round 49
    "azure-native:network:SecurityRule": lambda r, g: (
        [f"the rule lets {hit} in"] if (hit := _nsg_rule(dict(r.inputs))) else []
    ),
    "aws:opensearch/domain:Domain": _in_vpc,
    "aws:elasticsearch/domain:Domain": _in_vpc,
    "aws:redshiftserverless/workgroup:Workgroup": _field("publiclyAccessible", (False,), absent_ok=True),
    "azure-native:storage:StorageAccount": _both(
        _field("publicNetworkAccess", ("Disabled",)),
        _field("allowBlobPublicAccess", (False,)),
        bypassed_instances,
    ),
    "azure-native:sql:Server": _field("publicNetworkAccess", ("Disabled",)),
    "azure-native:sql:ManagedInstance": _both(
        _field("publicDataEndpointEnabled", (False,), absent_ok=True),
        _field("publicNetworkAccess", ("Disabled",), absent_ok=True),
    ),
    "azure-native:keyvault:Vault": _field("properties.publicNetworkAccess", ("Disabled", "disabled")),
    "azure-native:cosmosdb:DatabaseAccount": _both(
        _field("publicNetworkAccess", ("Disabled",)), bypassed_instances
    ),
    "azure-native:redis:Redis": _field("publicNetworkAccess", ("Disabled",)),
    "azure-native:servicebus:Namespace": _field("publicNetworkAccess", ("Disabled",)),
    "azure-native:eventhub:Namespace": _field("publicNetworkAccess", ("Disabled",)),
    "azure-native:compute:Disk": _both(
        _field("networkAccessPolicy", ("DenyAll", "AllowPrivate")),
        _field("publicNetworkAccess", ("Disabled",)),
    ),
    "azure-native:compute:Snapshot": _both(
        _field("networkAccessPolicy", ("DenyAll", "AllowPrivate")),
        _field("publicNetworkAccess", ("Disabled",)),
    ),
    "azure-native:compute:Gallery": lambda r, g: (
        ["the gallery is shared with the community (public images)"]
        if r.get("sharingProfile.permissions") == "Community"
        else []
    ),
    "azure-native:compute:VirtualMachine": machines.azure_vm,
    "azure-native:compute:VirtualMachineScaleSet": machines.vmss,
    "aws:msk/cluster:Cluster": _msk,
    "aws:redshift/cluster:Cluster": _field("publiclyAccessible", (False,), absent_ok=True),
    "azure-native:dbforpostgresql:Server": _field("network.publicNetworkAccess", ("Disabled",)),
    "azure-native:dbformysql:Server": _field("network.publicNetworkAccess", ("Disabled",)),
    "azure-native:search:Service": _field("publicNetworkAccess", ("disabled", "Disabled")),
    "azure-native:synapse:Workspace": _field("publicNetworkAccess", ("Disabled",)),
    "azure-native:recoveryservices:Vault": _field("properties.publicNetworkAccess", ("Disabled",)),
    "azure-native:applicationinsights:Component": _both(
        _field("publicNetworkAccessForIngestion", ("Disabled",)),
        _field("publicNetworkAccessForQuery", ("Disabled",)),
    ),
    **more.PUBLIC_CHECKS,
    **eventgrid.PUBLIC_CHECKS,
    **api.PUBLIC_CHECKS,
    **platform.PUBLIC_CHECKS,
    **servers.judges("public"),  # round 94: a database's server must be the stack's
}
_IAM_ONLY = (
    "reached only through the AWS API with IAM (no network endpoint of its own); its resource policy is "
    "judged (no Allow to anyone without a pinning condition)"
)
_VPC_ONLY = (
    "lives only inside a VPC (no public endpoint exists); reachability is judged on its security groups"
)
_AUTH_JUDGED = frozenset(t for t, _ in auth.AUTH_CHECKS)
# Data stores without a public-exposure setting of their own, and why (the coverage table shows these).
NOT_APPLICABLE: dict[str, str] = {
    **{t: _IAM_ONLY for t in AWS_API_STORES},
    "aws:kendra/index:Index": "queried only through the Kendra API with IAM (no network endpoint of its "
    "own); Kendra has no resource policy: its readers are IAM principals, judged by the IAM rules",
    "aws:ebs/volume:Volume": _IAM_ONLY,
    **{
        t: _VPC_ONLY + (", and its clients must authenticate (checked)" if t in _AUTH_JUDGED else "")
        for t in (
            "aws:docdb/cluster:Cluster",
            "aws:neptune/cluster:Cluster",
            "aws:efs/fileSystem:FileSystem",
            "aws:elasticache/cluster:Cluster",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "aws:elasticache/serverlessCache:ServerlessCache",
            "aws:memorydb/cluster:Cluster",
            "aws:docdb/elasticCluster:ElasticCluster",
            "aws:dax/cluster:Cluster",
            *(t for t in FSX_FILE_SYSTEMS if t not in platform.PUBLIC_CHECKS),  # OpenZFS: round 60
        )
    },
    **platform.NOT_APPLICABLE,
    **analytics.NOT_PUBLIC,
    **automation.NOT_PUBLIC,  # round 48: Automation assets
    **ws.NOT_PUBLIC,
    "aws:redshiftserverless/namespace:Namespace": "reachable only through its workgroup, judged there",
    "azure-native:storage:BlobContainer": "reachable only through its storage account, judged there",
    "azure-native:keyvault:Key": "reachable only through its vault, judged there",
    "azure-native:dataprotection:BackupVault": "has no data-plane endpoint; restores go through ARM",
    AOSS_COLLECTION: "reachable only as its network security policies allow; each is judged "
    "(AllowFromPublic must be false)",
    "azure-native:operationalinsights:Workspace": "queried through Entra-authenticated APIs; "
    "network isolation needs "
    "an Azure Monitor Private Link Scope, which this rule does not yet judge",
}


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for t, judge in CHECKS.items():
        for r in graph.by_type(t):
            out.extend((r.urn, m) for m in judge(r, graph))
    for t, fld in SHARED.items():
        for r in graph.by_type(t):
            out.extend((r.urn, m) for m in _shared_with_all(fld, "snapshot")(r, graph))
    for t, judge in (
        *placement.EXTRA_CHECKS,
        *others.EXTRA_CHECKS,
        *auth.AUTH_CHECKS,
        *ram_shares.EXTRA_CHECKS,
        *lattice.EXTRA_CHECKS,  # round 39: VPC Lattice services without IAM auth
        *apim.EXTRA_CHECKS,  # round 43: API Management APIs and products anyone may call
        *origins.EXTRA_CHECKS,  # round 63: where a front door's or CDN's origins forward
    ):  # second judges
        for r in graph.by_type(t):
            out.extend((r.urn, m) for m in judge(r, graph))
    subs = subnets.recorded_subscriptions(ctx.stack)  # rounds 60-62: networks and private links of others
    for r in graph.resources:
        out.extend((r.urn, m) for m in links.foreign_parties(r, graph, subs))
    for r in graph.by_type(*RESOURCE_POLICIES):
        out.extend((r.urn, m) for m in _resource_policy(r, graph))
        out.extend((r.urn, m) for m in others.policy_grants(r, graph, RESOURCE_POLICIES[r.type]))
    return out


RULE = Rule(
    id="disallow-public-data-access",
    title="No data store is reachable from the public internet.",
    severity="critical",
    remediation="Block public access (S3 public access block, publiclyAccessible false, publicNetworkAccess "
    "Disabled), no world-open data ports or public IPs on data hosts, never share snapshots/images with "
    "everyone; reach data stores through private endpoints.",
    controls=("IAM-02", "IAM-06"),
    check=check,
    module=__name__,
    scope="stack",
)
