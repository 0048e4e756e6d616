"""Exposure and TLS judges of the stores and controls the round-7 probe found unjudged (Amazon MQ, DMS,
OpenSearch Serverless network policies, Transfer Family, Lambda function URLs and permissions, S3 access
points, Azure Data Explorer, Databricks, Cosmos DB for PostgreSQL, RDS Proxy). disallow-public-data-access and
require-tls-1-2 merge these tables into their own. Closed world: what cannot be read blocks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policies.core import aoss_network
from policies.core import browser_front_ends as front_ends
from policies.core import chaos_faults as chaos
from policies.core import datasync_locations as datasync
from policies.core import dsql_clusters as dsql
from policies.core import netapp_volumes as netapp
from policies.core import pia_az_aks as aks
from policies.core import pia_az_blocks as az
from policies.core import pia_az_copies as copies
from policies.core import security_lake as lake
from policies.core.exposure import (
    _open,
    aws_listener,
    bucket_acl,
    elasticache_user,
    prefix_list,
    principal_anyone,
    ssm_document,
)
from policies.core.openapi_auth import api_checks
from policies.core.pia_analytics import storage_firewall
from policies.core.pia_aws_paths import (
    apigw_integration,
    eks_endpoint,
    eks_remote_access,
    openapi_plain_http,
    plain_http,
    same_account,
)
from policies.core.pia_az_blocks import firewall_range
from policies.core.pia_more_stores import AOSS_POLICY, CPG_FIREWALL
from policies.core.pia_workspace_stores import FACTORY, ML, PIPE
from policies.core.siem_forwarding import filter_destination
from policies.core.tls_policies import TRANSFER_POLICIES
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

# ---------------------------------------------------------------- public exposure


def _is(fld: str, good: Any, default: Any, why: str) -> Callable[[ResourceView, StackGraph], list[str]]:
    """`fld` must be `good`; `default` is what the service does when it is absent."""

    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        value = r.get(fld)
        if is_unknown(value):
            return [unknown_message(fld, "public network access")]
        value = default if value is None else value
        if value != good:
            return [f"`{fld}` is {value!r}{' (the default)' if r.get(fld) is None else ''}: {why}"]
        return []

    return judge


def _disabled(fld: str, why: str) -> Callable[[ResourceView, StackGraph], list[str]]:
    """An Azure publicNetworkAccess-like field: only 'Disabled' (any case) keeps the internet out."""

    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        value = r.get(fld)
        if is_unknown(value):
            return [unknown_message(fld, "public network access")]
        shown = "not set (default Enabled)" if value is None else repr(value)
        return [] if str(value).lower() == "disabled" else [f"`{fld}` is {shown}: {why}"]

    return judge


def transfer_endpoint(r: ResourceView, graph: StackGraph) -> list[str]:
    kind = r.input("endpointType")
    if is_unknown(kind):
        return [unknown_message("endpointType", "public network access")]
    kind = kind or "PUBLIC"
    if kind not in ("VPC", "VPC_ENDPOINT"):
        return [f"`endpointType` is {kind!r}: the server is reachable from the internet (use VPC)"]
    eips = r.get("endpointDetails.addressAllocationIds")
    if is_unknown(eips) or eips:
        return [
            "`endpointDetails.addressAllocationIds` attaches Elastic IPs: the VPC endpoint faces the internet"
        ]
    return []


def function_url(r: ResourceView, graph: StackGraph) -> list[str]:
    auth = r.input("authorizationType")
    if is_unknown(auth):
        return [unknown_message("authorizationType", "who can call the function")]
    if auth != "AWS_IAM":
        return [
            f"`authorizationType` is {auth!r}: anyone on the internet can call the function URL (use AWS_IAM)"
        ]
    return []


def lambda_permission(r: ResourceView, graph: StackGraph) -> list[str]:
    """Invoke rights for anyone (`*`) without a source account/ARN/organisation: every AWS account (and, with
    functionUrlAuthType NONE, the internet) calls the function."""
    principal = r.input("principal")
    if is_unknown(principal):
        return [unknown_message("principal", "who can call the function")]
    if principal != "*" or any(r.input(f) for f in ("sourceAccount", "sourceArn", "principalOrgId")):
        return []
    return ["`principal` is '*' without sourceAccount, sourceArn or principalOrgId: anyone may invoke it"]


_AP_BLOCK = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def access_point(r: ResourceView, graph: StackGraph) -> list[str]:
    """Each field of the access point's own public access block defaults to true; none may be false."""
    block = r.input("publicAccessBlockConfiguration")
    if is_unknown(block):
        return [unknown_message("publicAccessBlockConfiguration", "public access")]
    block = block if isinstance(block, dict) else {}
    off = [f for f in _AP_BLOCK if block.get(f, True) is not True]
    return [f"the access point's public access block leaves {', '.join(off)} off"] if off else []


def databricks_public(r: ResourceView, graph: StackGraph) -> list[str]:
    out = _disabled("publicNetworkAccess", "the workspace is reachable from the internet")(r, graph)
    if r.input("computeMode") != "Serverless":
        out += storage_firewall(r)  # round 29
        out += _is(
            "parameters.enableNoPublicIp.value", True, True, "the cluster nodes get public IP addresses"
        )(r, graph)
    return out


def lightsail_ports(r: ResourceView) -> list[str]:
    """A Lightsail instance's firewall (round 16): a port open to the internet beyond 80/443, judged like a
    security group; a port without `cidrs`, `ipv6Cidrs` or `cidrListAliases` is open to every address."""
    infos = r.input("portInfos")
    if is_unknown(infos):
        return [unknown_message("portInfos", "which ports face the internet")]
    out = []
    for p in infos or []:
        if not isinstance(p, dict):
            continue
        cidrs = [*(p.get("cidrs") or []), *(p.get("ipv6Cidrs") or [])]
        if not cidrs and not p.get("cidrListAliases"):
            cidrs = ["0.0.0.0/0"]
        if hit := _open({**p, "cidrs": cidrs}, ("cidrs",), "protocol", "fromPort", "toPort"):
            out.append(f"the instance's public ports let {hit} in")
    return out


# Round 22: a web application firewall that only detects lets every attack through to what it fronts; the
# mode must be stated (the gate does not rely on a default).
_WAF_FIELDS = {
    "azure-native:network:WebApplicationFirewallPolicy": (
        ("policySettings.mode", "Prevention"),
        ("policySettings.state", "Enabled"),
    ),
    # Round 23: the Front Door WAF policy (its state is `enabledState`).
    "azure-native:frontdoor:Policy": (
        ("policySettings.mode", "Prevention"),
        ("policySettings.enabledState", "Enabled"),
    ),
    "azure-native:network:ApplicationGateway": (
        ("webApplicationFirewallConfiguration.firewallMode", "Prevention"),
        ("webApplicationFirewallConfiguration.enabled", True),
    ),
}


def waf_blocks(r: ResourceView, graph: StackGraph) -> list[str]:
    """A WAF policy, or an Application Gateway's own WAF configuration when it has one, prevents."""
    if r.type.endswith(":ApplicationGateway") and r.input("webApplicationFirewallConfiguration") is None:
        return []  # no built-in WAF configuration (a firewall policy, judged on its own, or none)
    out = []
    for fld, good in _WAF_FIELDS[r.type]:
        value = r.get(fld)
        if is_unknown(value):
            out.append(unknown_message(fld, "whether the firewall blocks attacks"))
        elif value != good:
            out.append(
                f"`{fld}` is {value!r}, not {good!r}: the web application firewall lets attacks through to "
                "the application it fronts (Detection only logs them); set it to "
                f"{good!r}"
            )
    return out


PUBLIC_CHECKS: dict[str, Callable[[ResourceView, StackGraph], list[str]]] = {
    **{t: waf_blocks for t in _WAF_FIELDS},
    "aws:mq/broker:Broker": _is("publiclyAccessible", False, False, "the broker has a public endpoint"),
    # DMS makes an instance public when publiclyAccessible is not given (API default true)
    "aws:dms/replicationInstance:ReplicationInstance": _is(
        "publiclyAccessible", False, True, "the replication instance has a public IP address"
    ),
    AOSS_POLICY: aoss_network.network_policy,  # round 77: and the endpoints it names
    "aws:transfer/server:Server": transfer_endpoint,
    "aws:lambda/functionUrl:FunctionUrl": function_url,
    "aws:lb/listener:Listener": aws_listener,
    "aws:alb/listener:Listener": aws_listener,
    "aws:lambda/permission:Permission": lambda_permission,
    "aws:s3/accessPoint:AccessPoint": access_point,
    "azure-native:kusto:Cluster": _disabled(
        "publicNetworkAccess", "the cluster is reachable from the internet"
    ),
    "azure-native:databricks:Workspace": databricks_public,
    # round 20: Machine Learning workspaces and Data Factories are public unless told otherwise
    ML: lambda r, g: (
        _disabled("publicNetworkAccess", "the workspace is reachable from the internet")(r, g)
        + _is("allowPublicAccessWhenBehindVnet", False, False, "the workspace answers the internet")(r, g)
    ),
    FACTORY: _disabled("publicNetworkAccess", "the factory and the credentials it keeps face the internet"),
    "azure-native:synapse:IpFirewallRule": firewall_range("startIpAddress", "endIpAddress"),
    # round 21: a pipe reads its source and hands every event to its enrichment and target
    PIPE: same_account("source", "enrichment", "target"),
    "aws:secretsmanager/secretRotation:SecretRotation": same_account(
        "rotationLambdaArn", "externalSecretRotationRoleArn"
    ),
    # the coordinator is public unless told otherwise; worker nodes are private by default
    "azure-native:automation:AutomationAccount": _is(  # round 47: a bool, absent is Azure's true
        "publicNetworkAccess", False, True, "the account's webhook and hybrid-worker endpoints answer the "
        "internet"
    ),
    "azure-native:appconfiguration:ConfigurationStore": _disabled(
        "publicNetworkAccess", "the store is reachable from the internet"
    ),
    "azure-native:cognitiveservices:Account": _disabled(
        "properties.publicNetworkAccess", "the account is reachable from the internet"
    ),
    "azure-native:dbforpostgresql:ServerGroupCluster": lambda r, g: (
        _is("coordinatorEnablePublicIpAccess", False, True, "the coordinator has a public IP address")(r, g)
        + _is("nodeEnablePublicIpAccess", False, False, "the worker nodes have public IP addresses")(r, g)
    ),
    # round 9: common AWS building blocks
    "aws:cloudwatch/eventPermission:EventPermission": principal_anyone(
        "principal", ("condition",), "may put events on the bus"
    ),
    "aws:lambda/layerVersionPermission:LayerVersionPermission": principal_anyone(
        "principal", ("organizationId",), "may read the layer's code"
    ),
    "aws:ec2/managedPrefixList:ManagedPrefixList": prefix_list,
    "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry": prefix_list,
    "aws:s3/bucketAcl:BucketAcl": bucket_acl,
    "aws:s3/bucketAclV2:BucketAclV2": bucket_acl,
    "aws:ssm/document:Document": ssm_document,
    "aws:elasticache/user:User": elasticache_user,
    # an Aurora Limitless shard group gets its own endpoint; key, TLS and deletion are its cluster's
    "aws:apigateway/integration:Integration": apigw_integration,
    "aws:apigatewayv2/integration:Integration": apigw_integration,
    "aws:apigateway/restApi:RestApi": api_checks(unknown_ok=True),  # bodies built from outputs: preview
    "aws:apigateway/restApiPut:RestApiPut": api_checks(),
    "aws:apigatewayv2/api:Api": api_checks(),  # round 96: who may call the body's operations, quick create
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": filter_destination,  # round 49: or the SIEM
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": same_account(
        "destinationConfig.onSuccess.destination", "destinationConfig.onFailure.destination"
    ),
    "aws:eks/cluster:Cluster": eks_endpoint,
    "aws:eks/nodeGroup:NodeGroup": eks_remote_access,
    "aws:rds/shardGroup:ShardGroup": _is("publiclyAccessible", False, False, "the shard group is public"),
    CPG_FIREWALL: firewall_range("startIpAddress", "endIpAddress"),
    # round 12: Lightsail (outside the closed world's judged stores, which still block it) is public by design
    "aws:lightsail/database:Database": _is("publiclyAccessible", False, False, "the database is public"),
    "aws:lightsail/instance:Instance": lambda r, g: ["a Lightsail instance always has a public IP address"],
    "aws:lightsail/instancePublicPorts:InstancePublicPorts": lambda r, g: lightsail_ports(r),
    **az.PUBLIC_CHECKS,
    **copies.PUBLIC_CHECKS,
    **aks.PUBLIC_CHECKS,
    **netapp.PUBLIC_CHECKS,  # round 50: NetApp Files volumes' export policies
    **front_ends.PUBLIC_CHECKS,  # round 53: Transfer Family web apps, AppStream fleets
    **chaos.PUBLIC_CHECKS,  # round 56: Chaos Studio network security group faults
    **lake.PUBLIC_CHECKS,  # round 59: Security Lake subscribers and their notifications
}
RESOURCE_POLICIES: dict[str, str] = {
    **dsql.RESOURCE_POLICIES,  # round 59: Aurora DSQL cluster policies
    "aws:s3/accessPoint:AccessPoint": "policy",
    "aws:s3control/accessPointPolicy:AccessPointPolicy": "policy",
    # the same door under other types: Object Lambda access points, Outposts buckets
    "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy": "policy",
    "aws:s3control/bucketPolicy:BucketPolicy": "policy",
    "aws:glue/resourcePolicy:ResourcePolicy": "policy",
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": "policy",  # cross-account rules route events out
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
    "aws:ecr/registryPolicy:RegistryPolicy": "policy",
    "aws:lambda/resourcePolicy:ResourcePolicy": "policy",
    "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy": "details.policy",
    # round 77: with IAM authorisation, the policy decides which accounts' principals may call (another
    # account's need the policy to allow them: AWS knowledge center, "api-gateway-cross-account-403")
    "aws:apigateway/restApi:RestApi": "policy",
    "aws:apigateway/restApiPolicy:RestApiPolicy": "policy",
}


# ---------------------------------------------------------------- TLS

_TRANSFER_TLS = frozenset({"SFTP", "FTPS"})


def transfer_protocols(v: ResourceView) -> list[str]:
    """SFTP (SSH) and FTPS (TLS 1.2 in every Transfer security policy); FTP is plain text, AS2 arrives over
    plain HTTP unless something in front terminates TLS, which this rule cannot see."""
    protocols = v.input("protocols")
    if is_unknown(protocols):
        return [unknown_message("protocols", "the transport security")]
    other = [p for p in protocols or ["SFTP"] if p not in _TRANSFER_TLS]
    return (
        [f"`protocols` includes {', '.join(map(repr, other))}: only SFTP and FTPS encrypt the transfer"]
        if (other)
        else []
    ) + transfer_policy(v)


def transfer_policy(v: ResourceView) -> list[str]:
    """SSH/TLS algorithms: unset is the provider default TransferSecurityPolicy-2018-11 (SHA-1, ssh-rsa)."""
    name = v.input("securityPolicyName")
    if is_unknown(name):
        return [unknown_message("securityPolicyName", "the SSH/TLS algorithms")]
    if name in TRANSFER_POLICIES:
        return []
    return [
        f"`securityPolicyName` is {name or 'unset (TransferSecurityPolicy-2018-11)'}: it still offers "
        f"SHA-1/ssh-rsa algorithms; use one of {', '.join(sorted(TRANSFER_POLICIES))}"
    ]


_DMS_API_ENGINES = frozenset({"s3", "dynamodb", "kinesis", "neptune", "opensearch", "elasticsearch"})
_KAFKA_TLS = frozenset({"ssl-authentication", "ssl-encryption", "sasl-ssl"})


def dms_endpoint(v: ResourceView) -> list[str]:
    """A DMS endpoint to a database server encrypts with sslMode require or verify-*; AWS API targets use
    the API's TLS."""
    engine = v.input("engineName")
    if is_unknown(engine):
        return [unknown_message("engineName", "the transport security")]
    if str(engine).lower() in _DMS_API_ENGINES:
        return []
    if engine == "kafka":
        proto = v.get("kafkaSettings.securityProtocol")
        return (
            [] if proto in _KAFKA_TLS else [f"`kafkaSettings.securityProtocol` is {proto!r}; use TLS (ssl-*)"]
        )
    mode = v.input("sslMode")
    if is_unknown(mode):
        return [unknown_message("sslMode", "the transport security")]
    if mode not in ("require", "verify-ca", "verify-full"):
        return [
            f"`sslMode` is {mode!r} (default none): the replication reads and writes the database "
            "in plain text"
        ]
    return []


TLS_CHECKS: dict[str, Callable[[ResourceView], list[str]]] = {
    "aws:rds/proxy:Proxy": lambda v: (
        []
        if v.input("requireTls") is True
        else [unknown_message("requireTls", "the TLS setting")]
        if is_unknown(v.input("requireTls"))
        else [f"`requireTls` is {v.input('requireTls')!r} (default false): clients may connect without TLS"]
    ),
    "aws:transfer/server:Server": transfer_protocols,
    "aws:dms/endpoint:Endpoint": dms_endpoint,
    "aws:apigateway/integration:Integration": plain_http("uri"),
    "aws:apigatewayv2/integration:Integration": plain_http("integrationUri"),
    "aws:apigateway/restApiPut:RestApiPut": openapi_plain_http,
    "aws:apigatewayv2/api:Api": openapi_plain_http,
    # SNS delivers to an http endpoint in plain text; https, SQS, Lambda, Firehose use TLS
    "aws:sns/topicSubscription:TopicSubscription": lambda v: (
        [unknown_message("protocol", "the transport security")]
        if is_unknown(v.input("protocol"))
        else ["`protocol` is 'http': messages are delivered in plain text (use https)"]
        if v.input("protocol") == "http"
        else []
    ),
    **az.TLS_CHECKS,
    **copies.TLS_CHECKS,
    **netapp.TLS_CHECKS,  # round 51: NFSv4.1 krb5p, SMB encryption
    **datasync.TLS_CHECKS,  # rounds 52, 53: DataSync object storage, HDFS, SMB versions, Azure Blob URLs
}
