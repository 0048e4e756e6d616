"""Hosts under a cloud's regional domains that name one account's or subscription's resource, not a service
(round 25). A region label places a service's API endpoint (`sqs.eu-west-1.amazonaws.com`: the caller's own
account answers); a host with labels of its own before the region (an IoT Core data endpoint
`<prefix>-ats.iot.…`, a Transfer Family server `s-<id>.server.transfer.…`, Timestream for InfluxDB
`<id>.timestream-influxdb.<region>.on.aws`, a bucket `<bucket>.s3.<region>.…`, a registry
`<account>.dkr.ecr.…`; a Kusto cluster `<name>.westeurope.kusto.windows.net`, a Container App
`<app>.<env>.westeurope.azurecontainerapps.io`) is somebody's resource in that region, which passes on what
it receives wherever its owner likes. Such a host must be a resource of the stack (by a recorded endpoint
output, or its name where the host carries it), carry the stack's own account, or be declared; closed
world: what is not a known API shape is such a host.
"""

from __future__ import annotations

import re

from policies.core.host_classes import AWS_HOST_SUFFIXES, AZURE_REGION_DOMAINS

AZURE_REGIONS = frozenset(
    [
        "eastus", "eastus2", "westus", "westus2", "westus3", "centralus", "northcentralus",
        "southcentralus", "westcentralus", "canadacentral", "canadaeast", "brazilsouth",
        "brazilsoutheast", "mexicocentral", "chilecentral", "eastasia", "southeastasia", "japaneast",
        "japanwest", "koreacentral", "koreasouth", "australiaeast", "australiasoutheast",
        "australiacentral", "australiacentral2", "centralindia", "southindia", "westindia",
        "jioindiawest", "jioindiacentral", "uaenorth", "uaecentral", "qatarcentral", "israelcentral",
        "southafricanorth", "southafricawest", "newzealandnorth", "indonesiacentral", "malaysiawest",
        "chinaeast", "chinanorth", "chinaeast2", "chinanorth2", "chinanorth3", "usgovvirginia",
        "usgovarizona", "usgovtexas", "uksouth", "ukwest", "switzerlandnorth", "switzerlandwest",
        "westeurope", "northeurope", "francecentral", "francesouth", "germanywestcentral",
        "germanynorth", "swedencentral", "swedensouth", "norwayeast", "norwaywest", "italynorth",
        "polandcentral", "spaincentral", "austriaeast", "belgiumcentral", "denmarkeast",
    ]
)
REGION_IN_HOST = re.compile(
    r"(?:^|[.-])((?:us|af|ap|ca|cn|eu|eusc|il|me|mx|sa)(?:-gov)?-[a-z]+(?:-[a-z]+)?-\d)\."
)

# Service API endpoints whose name has two labels before the region: shared front ends that act for the
# account the request is signed for (documented, tested). One label before the region is always an API.
TWO_LABEL_APIS = frozenset({
    "data-ats.iot", "data.iot", "runtime.sagemaker", "api.sagemaker", "a2i-runtime.sagemaker",
    "featurestore-runtime.sagemaker", "runtime.lex", "models.lex", "api.ecr", "ingest.timestream",
    "query.timestream", "oidc.eks", "portal.sso", "streams.dynamodb", "s3.dualstack", "api.iot",
})
_ACCOUNT_LABEL = re.compile(r"(?:^|-)(\d{12})$")
_BUCKET_API = re.compile(r"^s3(?:-website|-fips)?(?:\.dualstack)?$")
# Microsoft's shared regional front ends: the region (with a shard number) is the first label
# (`westeurope-5.in.applicationinsights.azure.com`, `westeurope.api.cognitive.microsoft.com`), or a
# shard label precedes it (`prod-12.westeurope.logic.azure.com`: a workflow's callback, its id in the path).
_AZURE_SHARD = re.compile(r"^(?:prod|[a-z]{2,4})-\d{1,3}$")
# Round 28, closed world: only under these service domains is that shape Microsoft's. Elsewhere the first
# label is the customer's choice (a public IP's DNS label `prod-12.westeurope.cloudapp.azure.com`, a cluster
# named `westeurope-1` under `….westeurope.redis.azure.net`, an HDInsight cluster
# `westeurope-x.azurehdinsight…`).
AZURE_FRONT_ENDS = frozenset({
    "in.applicationinsights.azure.com", "livediagnostics.monitor.azure.com", "monitoring.azure.com",
    "handler.control.monitor.azure.com", "api.cognitive.microsoft.com", "stt.speech.microsoft.com",
    "tts.speech.microsoft.com", "customvoice.api.speech.microsoft.com", "oic.prod-aks.azure.com",
    "api.azureml.ms",
})
AZURE_SHARD_FRONT_ENDS = frozenset({"logic.azure.com"})
# Regional Azure service domains whose first label is the resource's name: suffix -> azure-native modules.
AZURE_REGIONAL_NAMED: dict[str, tuple[str, ...]] = {
    ".kusto.windows.net": ("kusto",), ".eventgrid.azure.net": ("eventgrid",), ".batch.azure.com": ("batch",),
    ".redisenterprise.cache.azure.net": ("redisenterprise",), ".redis.azure.net": ("redisenterprise",),
}
# Under Microsoft's domains (host_classes.AZURE_REGION_DOMAINS) every host with a region label names one
# subscription's resource unless it is a shared front end (round 27, closing rounds 25-26's documented list:
# a data collection endpoint's `<dce>-<hash>.westeurope-1.ingest.monitor.azure.com`, an Azure Monitor
# workspace's `….westeurope.prometheus.monitor.azure.com`, an ML online endpoint's
# `<endpoint>.westeurope.inference.ml.azure.com`, an Azure Managed Redis `<name>.westeurope.redis.azure.net`).


# Outputs (dotted paths) that are a resource's own address under a regional domain, whose shape names one
# subscription's or account's resource (policies/core/account_hosts.py): indexed as the resource's own, so its
# own recorded outputs never block it, and a reference to them is placed by it (round 25).
OWN_PATHS: dict[str, tuple[str, ...]] = {
    "aws:ec2/vpcEndpointService:VpcEndpointService": ("serviceName",),  # round 29: named by it
    "azure-native:network:PrivateLinkService": ("alias",),  # round 29: a private endpoint names it so
    "aws:efs/fileSystem:FileSystem": ("dnsName",),
    "aws:cloudwatch/eventEndpoint:EventEndpoint": ("endpointUrl",),  # round 61: a global endpoint's URL
    "aws:efs/mountTarget:MountTarget": ("dnsName", "mountTargetDnsName"),
    **dict.fromkeys(("aws:fsx/lustreFileSystem:LustreFileSystem", "aws:fsx/fileCache:FileCache",
                     "aws:fsx/openZfsFileSystem:OpenZfsFileSystem",
                     "aws:fsx/windowsFileSystem:WindowsFileSystem"), ("dnsName",)),
    "aws:fsx/ontapFileSystem:OntapFileSystem": ("endpoints",),
    **dict.fromkeys(("aws:grafana/workspace:Workspace", "aws:neptunegraph/graph:Graph",
                     "aws:mediastore/container:Container", "aws:opensearch/vpcEndpoint:VpcEndpoint",
                     "aws:elasticsearch/vpcEndpoint:VpcEndpoint", "aws:docdb/elasticCluster:ElasticCluster",
                     "azure-native:eventgrid:Topic", "azure-native:eventgrid:Domain"), ("endpoint",)),
    **dict.fromkeys(("aws:sagemaker/domain:Domain", "aws:sagemaker/notebookInstance:NotebookInstance",
                     "aws:sagemaker/space:Space", "aws:emr/studio:Studio"), ("url",)),
    "aws:mwaa/environment:Environment": ("webserverUrl",),
    "aws:vpclattice/service:Service": ("dnsEntries",),
    "aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation": ("dnsEntries",),
    "aws:ec2clientvpn/endpoint:Endpoint": ("dnsName",),
    "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint": ("dnsName", "fipsDnsName"),
    "azure-native:network:PublicIPAddress": ("dnsSettings.fqdn",),
    "azure-native:batch:BatchAccount": ("accountEndpoint",),
    "azure-native:databricks:Workspace": ("workspaceUrl",),  # round 44: `adb-<id>.<n>.azuredatabricks.net`
    "azure-native:eventgrid:Namespace": ("topicsConfiguration.hostname", "topicSpacesConfiguration.hostname"),
    "azure-native:redisenterprise:RedisEnterprise": ("hostName",),
    "aws:timestreaminfluxdb/dbInstance:DbInstance": ("endpoint",),
    "aws:timestreaminfluxdb/dbCluster:DbCluster": ("endpoint", "readerEndpoint"),
    "aws:transfer/server:Server": ("endpoint",),
    "azure-native:app:ContainerApp": ("latestRevisionFqdn", "configuration.ingress.fqdn"),
    "azure-native:app:ManagedEnvironment": ("defaultDomain",),
    "azure-native:containerinstance:ContainerGroup": ("ipAddress.fqdn",),
    "azure-native:containerservice:ManagedCluster": ("fqdn", "privateFQDN", "azurePortalFQDN"),
    "azure-native:kusto:Cluster": ("uri", "dataIngestionUri"),
    "azure-native:web:WebApp": ("defaultHostName", "hostNames", "enabledHostNames"),
    # round 27: a serverless cache's endpoints, a data collection endpoint's ingestion and handler hosts, an
    # Azure Monitor workspace's query host, an API Management instance's regional gateway
    "aws:elasticache/serverlessCache:ServerlessCache": ("endpoints", "readerEndpoints"),
    "azure-native:monitor:DataCollectionEndpoint": ("logsIngestion.endpoint", "metricsIngestion.endpoint",
                                                    "configurationAccess.endpoint"),
    "azure-native:monitor:AzureMonitorWorkspace": ("metrics.prometheusQueryEndpoint",),
    "azure-native:apimanagement:ApiManagementService": ("gatewayRegionalUrl",),
}


# round 44: an Azure Databricks workspace URL carries the workspace's id, not its region: one subscription's
# workspace, placed only as the stack's own (its recorded `workspaceUrl`) or a declared host.
_DATABRICKS_WORKSPACE = re.compile(r"^adb-\d+\.\d+\.azuredatabricks\.net$")
# round 49: a FHIR service's own endpoint, `<workspace>-<service>.fhir.azurehealthcareapis.com` (its
# `authenticationConfiguration.audience`): one subscription's service, the stack's FhirService or nothing.
_FHIR_SERVICE = re.compile(r"^[a-z0-9]+-[a-z0-9-]+\.fhir\.azurehealthcareapis\.com$")


def account_host(host: str) -> str | None:
    """None for a service's API endpoint or shared front end (placed by its region), a private interface-
    endpoint name, or a host with no region label; else whose resource it is: `account:<id>` (a host that
    carries its account: `<account>.dkr.ecr.…`, `<name>-<account>.s3-accesspoint.…`), `bucket:<name>` (a
    virtual-hosted bucket), `resource` (any other host of one account's or subscription's resource, and a
    Databricks workspace URL, a FHIR service's endpoint)."""
    if _DATABRICKS_WORKSPACE.match(host) or _FHIR_SERVICE.match(host):
        return "resource"
    if host.endswith(AWS_HOST_SUFFIXES) and (m := REGION_IN_HOST.search(host + ".")):
        return _aws_owner(host, m.start(1), m.group(1))
    # round 27: closed world over Microsoft's domains; round 29: a private link service alias too (round 9
    # placed it by its region; like an AWS endpoint service it hands the traffic to the service's owner)
    if host.endswith(AZURE_REGION_DOMAINS):
        labels = host.split(".")
        region = next((p for part in labels for p in part.split("-") if p in AZURE_REGIONS), None)
        if region and not _azure_front_end(labels, region):
            return "resource"
    return None


def _aws_owner(host: str, region_start: int, region: str) -> str | None:
    prefix = host[: max(region_start - 1, 0)]
    after = host[region_start + len(region):].lstrip(".")
    if after.startswith("vpce."):
        return None  # an interface endpoint's DNS name: private addresses of the VPC that owns it
    labels = prefix.split(".") if prefix else []
    if after in ("amazonaws.com", "api.aws") and (len(labels) <= 1 or prefix in TWO_LABEL_APIS):
        return None
    if labels[-1] == "s3-accesspoint":
        return None  # judged as the access point's ARN, whose account the scanner reads (round 17)
    for label in labels:
        if m := _ACCOUNT_LABEL.search(label):
            return f"account:{m.group(1)}"
    if len(labels) >= 2 and _BUCKET_API.match(labels[-1]) and after == "amazonaws.com":
        return "bucket:" + ".".join(labels[:-1])
    return "resource"


def _azure_front_end(labels: list[str], region: str) -> bool:
    """A Microsoft service's shared regional front end, not one subscription's resource (round 25)."""
    if labels[0].split("-")[0] == region:
        return ".".join(labels[1:]) in AZURE_FRONT_ENDS
    return (len(labels) > 2 and labels[1] == region and bool(_AZURE_SHARD.match(labels[0]))
            and ".".join(labels[2:]) in AZURE_SHARD_FRONT_ENDS)


def _front_end_shaped(host: str) -> bool:
    """A Microsoft host shaped like a shared front end (region first, or a shard label then the region)."""
    labels = host.split(".")
    return bool(labels[0].split("-")[0] in AZURE_REGIONS
                or (len(labels) > 2 and labels[1] in AZURE_REGIONS and _AZURE_SHARD.match(labels[0])))


def azure_regional_name(host: str) -> tuple[str, tuple[str, ...]] | None:
    """(name, modules) of a regional Azure host whose first label names the resource (a Kusto cluster,
    also its ingestion host `ingest-<name>.…`)."""
    for suffix, modules in AZURE_REGIONAL_NAMED.items():
        if host.endswith(suffix):
            return host.split(".", 1)[0].removeprefix("ingest-"), modules
    return None


def regional_account(name: str, modules: tuple[str, ...]) -> str | None:
    """The Cosmos DB account a regional endpoint's first label names (`<account>-<region>`, what the SDKs
    call with preferred regions), else None (round 26)."""
    base, _, region = name.rpartition("-")
    return base if "cosmosdb" in modules and base and region in AZURE_REGIONS else None


def owner_problem(path: str, host: str, own_accounts: frozenset[str]) -> str | None:
    """Why a host of one account's or subscription's resource that nothing in the stack records cannot be
    placed; None when it carries one of the stack's own accounts."""
    owner = account_host(host) or "resource"
    if host.endswith(AZURE_REGION_DOMAINS) and _front_end_shaped(host):
        return (
            f"`{path}` sends to {host}, shaped like a Microsoft shared regional front end but under a "
            "service domain the pack does not know as one, where the first label is the customer's choice "
            "(a DNS label, a cluster or namespace name), so whose resource it is cannot be judged; create "
            "the resource in this stack and refer to its endpoint output, or declare the host in "
            "stacks/records/endpoints.yaml (for a Microsoft front end: with its region and why)"
        )
    if owner.startswith("account:"):
        if owner[8:] in own_accounts:
            return None
        whose = f"account {owner[8:]}, not the stack's own"
    else:
        said = "its workspace id" if _DATABRICKS_WORKSPACE.match(host) else "the region it names"
        whose = f"one account's or subscription's resource, and {said} does not say whose"
    return (
        f"`{path}` sends to {host}, a host of {whose}; it is no resource of this stack (matched by its "
        "recorded endpoint output, or the name the host carries) nor a declared external endpoint, so where "
        "the data goes from there cannot be judged; create the resource in this stack and refer to its "
        "endpoint output, or declare the host (for the account's own IoT Core data endpoint: the value of "
        "iot.get_endpoint) in stacks/records/endpoints.yaml"
    )


def label_problem(path: str, host: str, label: str) -> str:
    """A resource host that names a resource of the stack by its name, under an account label the stack does
    not record as its own (another account's twin, or a first deployment that records no endpoint yet)."""
    return (
        f"`{path}` sends to {host}, which carries the name of a resource of this stack but account label "
        f"{label!r}, and the stack records no endpoint of that family in that region under this label (a "
        "first deployment, or another account's resource of the same name), so whose it is cannot be "
        "judged; refer to the resource's endpoint output (its `address`/`endpoint`), or declare the "
        f"account's hosts (`*.{host.split('.', 1)[1]}`) in stacks/records/endpoints.yaml"
    )


def id_problem(path: str, host: str, rid: str) -> str:
    """A resource host that names a resource of the stack by its name, with an id generated for one resource
    that no recorded address of the stack's resource carries (round 27)."""
    return (
        f"`{path}` sends to {host}, which carries the name of a resource of this stack but id {rid!r}, which "
        "no recorded endpoint of that resource carries (a first deployment, or another account's resource of "
        "the same name), so whose it is cannot be judged; refer to the resource's endpoint output (its "
        "`dnsName`/`endpoint`/`bootstrapBrokers…`), or declare the host in stacks/records/endpoints.yaml"
    )

