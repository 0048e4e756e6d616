"""TLS between parties and HTTPS between components, never below TLS 1.2 (DPA annex 3 a.ii, b.v). Policies
are judged by allow-lists of names per service, not substrings (ELBSecurityPolicy-TLS13-1-0-2021-06 contains
`TLS13` and still accepts TLS 1.0)."""

from __future__ import annotations

from typing import Any

from policies.core import automation_assets as automation
from policies.core import aws_workspaces as desks
from policies.core import database_servers as servers
from policies.core import pia_analytics as analytics
from policies.core import pia_more_exposure as more
from policies.core import pia_platform_stores as platform
from policies.core import pia_tls_edge as edge
from policies.core import pia_tls_links as links
from policies.core import pia_tls_transit as transit
from policies.core import pia_workspace_stores as ws
from policies.core import vpc_lattice as lattice
from policies.core.pia_more_stores import AOSS_COLLECTION
from policies.core.pia_types import AWS_API_STORES, FSX_FILE_SYSTEMS
from policies.core.rule import Rule, RuleContext
from policies.core.tls_policies import (
    _TLS12,
    APIGW_POLICIES,
    APPGW_POLICIES,
    ELB_POLICIES,
    appgw_listeners,
    appgw_profiles,
    classic_elb,
    cloudfront,
    default_group,
    equals,
    rds_family,
    serves_no_data,
    setting_off,
)
from policies.core.view import ResourceView, is_unknown, unknown_message


def _listener(v: ResourceView) -> list[str]:
    proto = v.input("protocol")
    if is_unknown(proto):
        return [unknown_message("protocol", "the listener's transport security")]
    if proto in ("HTTPS", "TLS"):
        pol = v.input("sslPolicy")
        if is_unknown(pol):
            return [unknown_message("sslPolicy", "the TLS version")]
        if pol not in ELB_POLICIES:
            return [
                f"`sslPolicy` is {pol!r}, not a policy with minimum TLS 1.2 "
                "(e.g. ELBSecurityPolicy-TLS13-1-2-2021-06)"
            ]
        return []
    if serves_no_data(v.input("defaultActions")):
        return []
    return [
        f"listener protocol {proto!r} serves traffic without TLS; only an HTTP→HTTPS redirect or a fixed "
        "response is allowed"
    ]


def _target_group(v: ResourceView) -> list[str]:
    return equals(v, "protocol", ("HTTPS", "TLS", "GENEVE")) if v.input("targetType") != "lambda" else []


def _db_params(v: ResourceView) -> list[str]:
    """MySQL/MariaDB: require_secure_transport ON and tls_version within TLSv1.2/1.3; PostgreSQL:
    rds.force_ssl 1
    and, if set, ssl_min_protocol_version at least TLSv1.2. Cluster and instance parameter groups alike."""
    family = v.input("family")
    if is_unknown(family):
        return [unknown_message("family", "the engine's TLS parameters")]
    params = {p.get("name"): p.get("value") for p in v.input("parameters") or [] if isinstance(p, dict)}
    family = str(family or "")
    out = []
    if family.startswith(("mysql", "mariadb", "aurora-mysql", "aurora5.6")):
        if str(params.get("require_secure_transport", "")).upper() not in ("ON", "1"):
            out.append("parameter `require_secure_transport` must be ON")
        tls = params.get("tls_version")
        if tls is None or not set(str(tls).replace(" ", "").split(",")) <= set(_TLS12):
            out.append(f"parameter `tls_version` is {tls!r}; allow only TLSv1.2,TLSv1.3")
    elif family.startswith(("postgres", "aurora-postgresql")):
        if str(params.get("rds.force_ssl", "")) != "1":
            out.append(f"parameter `rds.force_ssl` is {params.get('rds.force_ssl')!r}; it must be 1")
        low = params.get("ssl_min_protocol_version")
        if low is not None and low not in _TLS12:
            out.append(f"parameter `ssl_min_protocol_version` is {low!r}; use TLSv1.2 or TLSv1.3")
    else:
        out = rds_family(family, params) or []
    return out


def _appgw(v: ResourceView) -> list[str]:
    pol = v.input("sslPolicy")
    if is_unknown(pol):
        return [unknown_message("sslPolicy", "the TLS version")]
    if not isinstance(pol, dict):
        return ["no `sslPolicy`: the gateway's default policy is not pinned to TLS 1.2"]
    # Round 95: an SSL profile's policy replaces the gateway's for the listeners that take the profile
    return [*_appgw_policy("sslPolicy", pol), *appgw_profiles(v, _appgw_policy), *appgw_listeners(v)]


def _appgw_policy(where: str, pol: object) -> list[str]:
    kind = pol.get("policyType") if isinstance(pol, dict) else None
    if kind == "Predefined" and pol.get("policyName") in APPGW_POLICIES:
        return []
    if kind in ("Custom", "CustomV2") and pol.get("minProtocolVersion") in ("TLSv1_2", "TLSv1_3"):
        return []
    return [f"`{where}` {pol!r} does not pin minimum TLS 1.2 (AppGwSslPolicy20220101S or CustomV2 TLSv1_2)"]


def _web(v: ResourceView) -> list[str]:
    return (
        equals(v, "siteConfig.minTlsVersion", ("1.2", "1.3"))
        + equals(v, "httpsOnly", (True,))
        # FTP deployment in plain text carries the app's content and credentials without TLS; the SCM (Kudu)
        # endpoint serves the app's files
        + equals(v, "siteConfig.ftpsState", ("FtpsOnly", "Disabled"), default_ok=True)
        + equals(v, "siteConfig.scmMinTlsVersion", ("1.2", "1.3"), default_ok=True)
    )


def _db_group(fld: str) -> Any:
    """An RDS instance/cluster must use a parameter group of the stack (judged there): the engine's default
    group does not force TLS (MySQL require_secure_transport OFF, PostgreSQL < 15 rds.force_ssl 0)."""

    def judge(v: ResourceView) -> list[str]:
        name = v.input(fld)
        if is_unknown(name):
            return []  # another resource's output: the stack's own group, judged itself
        engine, major = v.input("engine"), str(v.input("engineVersion") or "").split(".", 1)[0]
        if engine == "postgres" and major.isdigit() and int(major) >= 15:
            return []  # RDS PostgreSQL 15+: the default group sets rds.force_ssl 1
        if not isinstance(name, str) or not name or name.startswith("default."):
            return [
                f"`{fld}` is {name!r}: the engine's default parameter group does not force TLS; use a "
                "parameter group of this stack that does"
            ]
        return []

    return judge


def _server_parameter(v: ResourceView) -> list[str]:
    """Azure Database for PostgreSQL/MySQL server parameters that turn TLS off or allow old versions."""
    name, value = v.input("configurationName"), v.input("value")
    if is_unknown(name) or is_unknown(value):
        return [unknown_message("configurationName/value", "the server's TLS parameters")]
    name, text = str(name or "").lower(), str(value or "").replace(" ", "")
    if name == "require_secure_transport" and text.lower() not in ("on", "1", "true"):
        return [f"server parameter `require_secure_transport` is {value!r}; it must be ON"]
    if name == "ssl_min_protocol_version" and text not in _TLS12:
        return [f"server parameter `ssl_min_protocol_version` is {value!r}; use TLSv1.2 or TLSv1.3"]
    if name == "tls_version" and not (set(text.split(",")) <= set(_TLS12)):
        return [f"server parameter `tls_version` is {value!r}; allow only TLSv1.2,TLSv1.3"]
    return []


def _replication_group(v: ResourceView) -> list[str]:
    out = equals(v, "transitEncryptionEnabled", (True,))
    if v.input("transitEncryptionMode") == "preferred":
        out.append("`transitEncryptionMode` is 'preferred': plaintext connections are still accepted")
    return out


CHECKS: dict[str, Any] = {
    "aws:cloudfront/distribution:Distribution": cloudfront,
    "aws:elb/loadBalancer:LoadBalancer": classic_elb,
    "aws:docdb/cluster:Cluster": default_group("dbClusterParameterGroupName", "DocumentDB"),
    "aws:redshift/cluster:Cluster": default_group("clusterParameterGroupName", "Redshift"),
    "azure-native:apimanagement:ApiManagementService": setting_off(
        "customProperties", (".Tls10", ".Tls11", ".Ssl30"), "protocols below TLS 1.2"
    ),
    "azure-native:redisenterprise:RedisEnterprise": lambda v: equals(
        v, "minimumTlsVersion", ("1.2",), default_ok=True
    ),
    "azure-native:redisenterprise:Database": lambda v: equals(
        v, "clientProtocol", ("Encrypted",), default_ok=True
    ),
    "azure-native:dbformysql:SingleServer": lambda v: (
        equals(v, "properties.sslEnforcement", ("Enabled",))
        + equals(v, "properties.minimalTlsVersion", ("TLS1_2",))
    ),
    "aws:lb/listener:Listener": _listener,
    "aws:alb/listener:Listener": _listener,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:alb/targetGroup:TargetGroup": _target_group,  # the same resource under its legacy module
    "aws:elasticache/cluster:Cluster": lambda v: equals(v, "transitEncryptionEnabled", (True,)),
    "aws:elasticache/replicationGroup:ReplicationGroup": _replication_group,
    "aws:rds/instance:Instance": _db_group("parameterGroupName"),
    "aws:rds/cluster:Cluster": _db_group("dbClusterParameterGroupName"),
    "azure-native:dbforpostgresql:Configuration": _server_parameter,
    "azure-native:dbformysql:Configuration": _server_parameter,
    "aws:memorydb/cluster:Cluster": lambda v: equals(v, "tlsEnabled", (True,), default_ok=True),
    # a multi-Region cluster's setting is its member clusters' (round 14)
    "aws:memorydb/multiRegionCluster:MultiRegionCluster": lambda v: equals(
        v, "tlsEnabled", (True,), default_ok=True
    ),
    "aws:msk/cluster:Cluster": lambda v: (
        equals(v, "encryptionInfo.encryptionInTransit.clientBroker", ("TLS",), default_ok=True)
        + equals(v, "encryptionInfo.encryptionInTransit.inCluster", (True,), default_ok=True)
    ),
    "aws:rds/parameterGroup:ParameterGroup": _db_params,
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": _db_params,
    "aws:apigateway/domainName:DomainName": lambda v: equals(
        v, "securityPolicy", tuple(sorted(APIGW_POLICIES))
    ),
    "aws:apigatewayv2/domainName:DomainName": lambda v: equals(
        v, "domainNameConfiguration.securityPolicy", tuple(sorted(APIGW_POLICIES))
    ),
    "azure-native:storage:StorageAccount": lambda v: (
        equals(v, "minimumTlsVersion", ("TLS1_2", "TLS1_3"))
        + equals(v, "enableHttpsTrafficOnly", (True,), default_ok=True)
    ),
    "azure-native:sql:Server": lambda v: equals(v, "minimalTlsVersion", ("1.2", "1.3")),
    "azure-native:sql:ManagedInstance": lambda v: equals(v, "minimalTlsVersion", ("1.2", "1.3")),
    "azure-native:redis:Redis": lambda v: (
        equals(v, "minimumTlsVersion", ("1.2", "1.3"))
        + equals(v, "enableNonSslPort", (False,), default_ok=True)
    ),
    "azure-native:cosmosdb:DatabaseAccount": lambda v: equals(v, "minimalTlsVersion", ("Tls12", "Tls13")),
    "azure-native:servicebus:Namespace": lambda v: equals(v, "minimumTlsVersion", ("1.2", "1.3")),
    "azure-native:eventhub:Namespace": lambda v: equals(v, "minimumTlsVersion", ("1.2", "1.3")),
    "azure-native:web:WebApp": _web,
    "azure-native:web:WebAppSlot": _web,
    "azure-native:network:ApplicationGateway": _appgw,
    "aws:elasticsearch/domain:Domain": lambda v: (
        equals(v, "nodeToNodeEncryption.enabled", (True,))
        + equals(v, "domainEndpointOptions.enforceHttps", (True,))
        + equals(v, "domainEndpointOptions.tlsSecurityPolicy", ("Policy-Min-TLS-1-2-2019-07",))
    ),
    "aws:dax/cluster:Cluster": lambda v: equals(v, "clusterEndpointEncryptionType", ("TLS",)),
    "azure-native:eventgrid:Topic": lambda v: equals(v, "minimumTlsVersionAllowed", ("1.2",)),
    "azure-native:eventgrid:Domain": lambda v: equals(v, "minimumTlsVersionAllowed", ("1.2",)),
    "azure-native:eventgrid:Namespace": lambda v: equals(v, "minimumTlsVersionAllowed", ("1.2",)),
    "aws:apigateway/restApi:RestApi": lambda v: (
        []
        if v.input("disableExecuteApiEndpoint") is True
        else equals(v, "securityPolicy", tuple(sorted(APIGW_POLICIES)))
    ),
    "aws:redshiftserverless/workgroup:Workgroup": lambda v: [
        "config parameter `require_ssl` is false: clients may connect without TLS"
        for p in v.input("configParameters") or []
        if isinstance(p, dict)
        and p.get("parameterKey") == "require_ssl"
        and str(p.get("parameterValue")).lower() == "false"
    ],
    "aws:opensearch/domain:Domain": lambda v: (
        equals(v, "nodeToNodeEncryption.enabled", (True,))  # off unless set (round 14)
        + equals(v, "domainEndpointOptions.enforceHttps", (True,))
        + equals(
            v,
            "domainEndpointOptions.tlsSecurityPolicy",
            ("Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"),
        )
    ),
    "aws:docdb/clusterParameterGroup:ClusterParameterGroup": lambda v: (
        []
        if {p.get("name"): p.get("value") for p in v.input("parameters") or [] if isinstance(p, dict)}.get(
            "tls"
        )
        in ("tls1.2+", "tls1.3+", "fips-140-3")
        else ["parameter `tls` must be tls1.2+, tls1.3+ or fips-140-3"]
    ),
    "aws:redshift/parameterGroup:ParameterGroup": lambda v: (
        []
        if str(
            {p.get("name"): p.get("value") for p in v.input("parameters") or [] if isinstance(p, dict)}.get(
                "require_ssl", ""
            )
        ).lower()
        == "true"
        else ["parameter `require_ssl` must be true"]
    ),
    **more.TLS_CHECKS,
    **edge.TLS_CHECKS,  # Azure Front Door custom domains and routes
    **transit.TLS_CHECKS,  # EFS mounts and file system policies, the classic Front Door (round 16)
    **platform.TLS_CHECKS,  # EMR security configurations (round 18)
    **links.TLS_CHECKS,  # Data Factory linked services, Glue connections (round 27)
    **lattice.TLS_CHECKS,  # VPC Lattice listeners and target groups (round 39)
}
_AWS_API = "served by the AWS API endpoints, which enforce TLS 1.2 or newer for every client (since 2024-02)"
_AZURE_ARM = (
    "served through Azure Resource Manager / the data plane of its account, TLS 1.2 enforced by Azure"
)
# Data stores whose TLS is terminated elsewhere: the type that is judged instead, or why none is needed.
TLS_ELSEWHERE: dict[str, str] = {
    **{t: _AWS_API for t in AWS_API_STORES},
    "aws:rds/snapshot:Snapshot": _AWS_API,
    "aws:s3/bucket:Bucket": _AWS_API,
    "aws:s3/bucketV2:BucketV2": _AWS_API,
    "aws:rds/clusterInstance:ClusterInstance": "judged on its cluster parameter group",
    "aws:neptune/cluster:Cluster": "Neptune requires TLS 1.2 on every connection since engine 1.0.4.0",
    "aws:elasticache/serverlessCache:ServerlessCache": "serverless caches accept TLS connections only",
    "aws:efs/fileSystem:FileSystem": "NFS in the VPC; TLS in transit is the mount's option, judged on the "
    "task and job definitions that mount it and on its file system policy",
    "aws:ebs/volume:Volume": "block device attached to its instance; no network protocol",
    "aws:mwaa/environment:Environment": "the Airflow web server answers HTTPS only; its database is "
    "the service's",
    "aws:ec2/instance:Instance": "serves through its load balancer listeners, judged there",
    "azure-native:compute:VirtualMachine": "serves through its Application Gateway, judged there",
    "azure-native:compute:VirtualMachineScaleSet": "serves through its Application Gateway, judged there",
    "azure-native:compute:Disk": "block device attached to its VM; no network protocol",
    "azure-native:compute:Snapshot": "exported only through short-lived HTTPS SAS URLs issued by Azure",
    **{
        t: _AZURE_ARM
        for t in (
            "azure-native:dataprotection:BackupVault",
            "azure-native:recoveryservices:Vault",
            "azure-native:keyvault:Key",
            "azure-native:keyvault:Vault",
            "azure-native:operationalinsights:Workspace",
            "azure-native:applicationinsights:Component",
            "azure-native:search:Service",
            "azure-native:synapse:Workspace",
            "azure-native:storage:BlobContainer",
            "azure-native:automation:AutomationAccount",  # round 47: no TLS setting in the API
            *automation.STORES,  # round 48: served by their account's API
        )
    },
    "azure-native:sql:Database": "judged on its server (minimalTlsVersion), which must be the stack's",
    **platform.TLS_ELSEWHERE,
    **analytics.TLS_ELSEWHERE,
    **ws.TLS_ELSEWHERE,
    **desks.TLS_ELSEWHERE,  # round 55: WorkSpaces stream over PCoIP or WSP
    "aws:redshiftserverless/namespace:Namespace": "reached through its workgroup, judged there",
    "aws:docdb/elasticCluster:ElasticCluster": "elastic clusters accept TLS connections only",
    "aws:keyspaces/table:Table": _AWS_API,
    "aws:timestreamwrite/database:Database": _AWS_API,
    **{
        t: "SMB/NFS/Lustre in the VPC; encryption in transit per protocol (SMB 3 encryption, NFS over TLS)"
        for t in FSX_FILE_SYSTEMS
    },
    "azure-native:dbforpostgresql:Server": "TLS 1.2 is the service minimum (ssl_min_protocol_version)",
    "azure-native:dbformysql:Server": "TLS 1.2 minimum is the service default (tls_version server parameter)",
    AOSS_COLLECTION: "served over HTTPS only by the OpenSearch Serverless endpoints (TLS 1.2 or newer)",
    "aws:mq/broker:Broker": "Amazon MQ brokers accept TLS connections only (ssl, amqps, mqtt+ssl, wss)",
    "aws:dms/replicationInstance:ReplicationInstance": "replicates through its DMS endpoints, whose sslMode "
    "is judged",
    "azure-native:kusto:Cluster": "Azure Data Explorer accepts TLS 1.2 or newer only (no setting lowers it)",
    "azure-native:databricks:Workspace": "the workspace and its clusters' control traffic are HTTPS with TLS "
    "1.2 or newer, set by Azure Databricks (no setting to lower it)",
    "azure-native:appconfiguration:ConfigurationStore": "App Configuration accepts TLS 1.2 or newer only",
    "azure-native:cognitiveservices:Account": "Azure AI services endpoints accept TLS 1.2 or newer only",
    "azure-native:containerregistry:Registry": "the registry's endpoints accept TLS 1.2 or newer only",
    "azure-native:containerservice:ManagedCluster": "the API server accepts TLS 1.2 or newer only; workloads "
    "serve through load balancers and gateways judged as their own types",
    "azure-native:dbforpostgresql:ServerGroupCluster": "Cosmos DB for PostgreSQL enforces TLS with minimum "
    "TLS 1.2 (the SDK has no resource to lower ssl_min_protocol_version)",
}


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    fn = CHECKS.get(view.type)
    found = fn(view) if fn else []
    if view.type in servers.SERVERS:  # round 94: a database's TLS is its server's, which must be the stack's
        found += servers.foreign_server(view, None, "tls")
    return found


RULE = Rule(
    id="require-tls-1-2",
    title="Every endpoint and link between components uses TLS 1.2 or newer.",
    severity="high",
    remediation="Use a listed TLS 1.2+ policy (ELBSecurityPolicy-TLS13-1-2-2021-06, AppGwSslPolicy20220101S, "
    "TLS_1_2), TLS1_2/'1.2' minimums on stores, web apps and their slots (FTPS only), TLS-only parameter "
    "groups of the stack (never the engine's default group), in-transit encryption required for caches and "
    "Kafka, HTTP only as redirect to HTTPS.",
    controls=("ENC-05", "SYS-05"),
    check=check,
    module=__name__,
    resource_types=frozenset(CHECKS) | frozenset(servers.SERVERS),
)
