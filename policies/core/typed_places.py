"""Places a typed field names in a shape the scanner cannot read as a reference (red-team round 17).

A Transfer Family user's home directory or an AS2 agreement's landing directory is `/<bucket>/<prefix>` (or
`/<file system id>/…` on an EFS server): the first segment is a bucket no URL or ARN spells out; a workflow's
copy or decrypt step names its EFS file system by bare id (round 44). A DMS
endpoint may take its server, port and credentials from a Secrets Manager secret: the secret says where the
replica is. A managed Cassandra cluster joined to unmanaged data centres (`externalSeedNodes`) replicates
every row to nodes wherever those data centres are, private addresses included; an Azure NetApp Files
cache volume reads from and writes to an external ONTAP cluster the same way (round 42), and a volume migrated
from one (`dataProtection.replication.remotePath`) is its replica until the migration is broken off (round
43). A storage object replication policy allowed across tenants names its destination account by bare name,
as do a Batch pool's blob mount, a Time Series Insights store, an Azure Spring Apps storage (round 45) and an
App Compliance Automation report's own storage (round 46); a QuickSight data source names its RDS instance,
Redshift cluster or Athena workgroup by bare id or name (round 46), reaches a private host through its
VPC connection and reads an S3 source's file list from a manifest object (round 47). A Salesforce linked
service or AppFlow connector profile without an instance URL signs in at `login.salesforce.com` and writes
to whatever org that login belongs to; a Snowflake profile names its account by locator (round 21). Each is
judged as the place it makes: a bucket, file system, secret or account of the stack, a declared host, or a
site the pack cannot place.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from policies.core.athena_catalogs import DATA_CATALOG, LAMBDA_FUNCTION, QUERY_INPUTS, catalog_refs
from policies.core.connector_paths import WORKFLOW, connector_path_refs
from policies.core.dapr_places import DAPR_TYPES, dapr_refs
from policies.core.dapr_places import NAMED_TYPES as DAPR_NAMED
from policies.core.host_classes import numeric_public_host, private_host
from policies.core.kusto_exports import KUSTO_SCRIPT, export_refs
from policies.core.private_zones import zone_name
from policies.core.stack_networks import ADDRESS_TYPES, address_refs
from policies.core.stored_refs import S3_OBJECT, stored_ref
from policies.core.table_names import TABLE, TABLE_FLOW_TYPES, table_refs
from policies.core.view import ResourceView, get_path, is_unknown
from policies.core.workflow_settings import SETTINGS_TYPES, split_endpoint_refs

Found = list[tuple[str, str, str]]  # (path, kind, value)
_TRANSFER_USER = "aws:transfer/user:User"
_TRANSFER_ACCESS = "aws:transfer/access:Access"
_TRANSFER_AGREEMENT = "aws:transfer/agreement:Agreement"
EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
# type -> inputs holding a `/<bucket or file system>/…` path (`[]`: each element of a list, `.sub`: its field)
_HOME_PATHS: dict[str, tuple[str, ...]] = {
    _TRANSFER_USER: ("homeDirectory", "homeDirectoryMappings[].target"),
    _TRANSFER_ACCESS: ("homeDirectory", "homeDirectoryMappings[].target"),
    _TRANSFER_AGREEMENT: ("baseDirectory",),
}
# round 44: a Transfer Family workflow's copy and decrypt steps land files in an EFS file system named by id
_TRANSFER_WORKFLOW = "aws:transfer/workflow:Workflow"
_EFS_IDS = tuple(f"{steps}[].{step}.destinationFileLocation.efsFileLocation.fileSystemId"
                 for steps in ("steps", "onExceptionSteps")
                 for step in ("copyStepDetails", "decryptStepDetails"))
_EFS_ID = re.compile(r"^fs-[0-9a-f]{8,17}$")
_DMS_ENDPOINT = "aws:dms/endpoint:Endpoint"
_CASSANDRA = "azure-native:cosmosdb:CassandraCluster"
_ANF_CACHE = "azure-native:netapp:CapacityPoolCache"
_ANF_VOLUME = "azure-native:netapp:CapacityPoolVolume"
_ANF_REMOTE = "dataProtection.replication.remotePath"
_OBJECT_REPLICATION = "azure-native:storage:ObjectReplicationPolicy"
_BARE_ACCOUNT = re.compile(r"^[a-z0-9]{3,24}$")
# round 45: typed fields that name a storage account by bare name (SDK: "the Azure Storage Account name"): a
# Batch pool's blobfuse mount, a Time Series Insights Gen2 environment's store, an Azure Spring Apps storage
_ACCOUNT_NAMES: dict[str, tuple[str, ...]] = {
    "azure-native:batch:Pool": ("mountConfiguration[].azureBlobFileSystemConfiguration.accountName",),
    "azure-native:timeseriesinsights:Gen2Environment": ("storageConfiguration.accountName",),
    "azure-native:appplatform:Storage": ("properties.accountName",),
    "azure-native:appcomplianceautomation:Report": ("storageInfo.accountName",),  # round 46: its evidence
    # round 48: a FHIR service's import source (SDK: "the name of the default integration storage account")
    "azure-native:healthcareapis:FhirService": ("importConfiguration.integrationDataStore",),
}
# round 46: a QuickSight data source's resource named by bare id or name, in the data source's own account and
# region (SDK: "Instance ID", "ID of the cluster", "Work-group to which to connect"; a workgroup keeps query
# results wherever its output location says): the stack's resource of that name, else unresolved
_QUICKSIGHT = "aws:quicksight/dataSource:DataSource"
_QS_WORKGROUP = "parameters.athena.workGroup"
_QS_NAMES = {
    "parameters.rds.instanceId": "aws:rds/instance:Instance",
    "parameters.redshift.clusterId": "aws:redshift/cluster:Cluster",
    _QS_WORKGROUP: "aws:athena/workgroup:Workgroup",
}
# round 47: the SDK's parameter blocks that name a host (or a site's base URL) the source connects to, through
# its VPC connection when the host is private; and an S3 source's manifest, which lists the files it reads
_QS_HOSTS = (*(f"parameters.{b}.host" for b in (
    "aurora", "auroraPostgresql", "databricks", "mariaDb", "mysql", "oracle", "postgresql", "presto",
    "redshift", "snowflake", "spark", "sqlServer", "teradata")),
    "parameters.jira.siteBaseUrl", "parameters.serviceNow.siteBaseUrl")
_QS_MANIFEST = "parameters.s3.manifestFileLocation"
# round 48: the VPC connection a source reaches its hosts through, and the subnets that connection is in (SDK:
# "A list of subnet IDs for the VPC connection"): the stack's, so the network the hosts are on is the stack's
QS_VPC_CONNECTION = "aws:quicksight/vpcConnection:VpcConnection"
_QS_CONNECTION = "vpcConnectionProperties.vpcConnectionArn"
SUBNET = "aws:ec2/subnet:Subnet"
# round 47: a Storage Gateway is an appliance (a VM or hardware) that keeps the data of its shares and volumes
# on its own disks (a cache; a STORED volume's primary copy), wherever it runs: placed only as the EC2
# instance of the stack it is activated at (`gatewayIpAddress`: the instance's recorded address, or computed
# from it)
_GATEWAY = "aws:storagegateway/gateway:Gateway"
EC2_INSTANCE = "aws:ec2/instance:Instance"
# its file shares, volumes and disks (SDK: `gateway_arn`, "ARN of the … gateway"): on a gateway of the stack
_GATEWAY_PARTS = frozenset(f"aws:storagegateway/{t}" for t in (
    "cache:Cache", "cachesIscsiVolume:CachesIscsiVolume", "fileSystemAssociation:FileSystemAssociation",
    "nfsFileShare:NfsFileShare", "smbFileShare:SmbFileShare", "storedIscsiVolume:StoredIscsiVolume",
    "uploadBuffer:UploadBuffer", "workingStorage:WorkingStorage"))
_LINKED_SERVICE = "azure-native:datafactory:LinkedService"
_CONNECTOR_PROFILE = "aws:appflow/connectorProfile:ConnectorProfile"
SALESFORCE_LOGIN = "login.salesforce.com"
# Data Factory Salesforce linked services: `environmentUrl` defaults to the production login host.
_SALESFORCE_TYPES = frozenset(
    {"Salesforce", "SalesforceServiceCloud", "SalesforceV2", "SalesforceServiceCloudV2"})
_PROFILE_PROPS = "connectorProfileConfig.connectorProfileProperties"
_PROFILE_URL = f"{_PROFILE_PROPS}.salesforce.instanceUrl"
# AppFlow connector types whose vendor no profile property names: the vendor's own API host, to be declared
# with the vendor's location (round 21).
_PROFILE_VENDOR_HOSTS = {
    "Amplitude": "amplitude.com", "Googleanalytics": "analyticsreporting.googleapis.com",
    "Singular": "api.singular.net", "Trendmicro": "trendmicro.com", "Honeycode": "honeycode.aws",
}
# Types whose properties spell the place out (an instance URL, a host, a cluster: scanned as any input), and
# AWS services of the flow's own region and account.
_PROFILE_SCANNED = frozenset({
    "Datadog", "Dynatrace", "Infornexus", "Marketo", "Servicenow", "Slack", "Veeva", "Zendesk", "SAPOData",
    "Redshift", "S3", "EventBridge", "LookoutMetrics", "CustomerProfiles", "Upsolver"})
# A PrivateLink endpoint service named by its service name (round 29): an interface or Gateway Load Balancer
# endpoint sends the VPC's traffic to the account that runs the service, and the name carries only the region
# (`com.amazonaws.vpce.<region>.vpce-svc-<id>`); an AWS service's own name (`com.amazonaws.<region>.s3`) is
# placed by its region as before.
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
_ENDPOINT_SERVICE = re.compile(r"^com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[0-9a-f]+$")
TYPED_PLACE_TYPES = frozenset(_HOME_PATHS) | frozenset(_ACCOUNT_NAMES) | {
    _TRANSFER_WORKFLOW, _DMS_ENDPOINT, _CASSANDRA, _ANF_CACHE, _ANF_VOLUME, _OBJECT_REPLICATION,
    _LINKED_SERVICE, _CONNECTOR_PROFILE, VPC_ENDPOINT, WORKFLOW, _QUICKSIGHT, _GATEWAY, *DAPR_TYPES,
    QS_VPC_CONNECTION, *ADDRESS_TYPES, *QUERY_INPUTS, *SETTINGS_TYPES,
    *TABLE_FLOW_TYPES, *_GATEWAY_PARTS, KUSTO_SCRIPT}
# Resources named by a bare name or id in these inputs (indexed by policies/core/graph_index.py).
# The parameter by which a Logic Apps managed connector (`parameterValues`) names its resource (round 37)
CONNECTOR_NAMES = {
    "accountName": STORAGE_ACCOUNT, "storageaccount": STORAGE_ACCOUNT,  # azureblob/-file; azuretables/-queues
    "vaultName": "azure-native:keyvault:Vault", "databaseAccount": "azure-native:cosmosdb:DatabaseAccount",
}
NAMED_TYPES = frozenset({EFS_FILE_SYSTEM, STORAGE_ACCOUNT, TABLE, *CONNECTOR_NAMES.values(), *DAPR_NAMED,
                         *_QS_NAMES.values(), EC2_INSTANCE, _GATEWAY, QS_VPC_CONNECTION, SUBNET,
                         DATA_CATALOG, LAMBDA_FUNCTION})


def values(view: ResourceView, spec: str) -> list[tuple[str, object]]:
    """(path, value) of each value a spec names; `[]` may nest (each mapping's target)."""
    return _walk(view.get, spec, "")


def _walk(get: object, spec: str, at: str) -> list[tuple[str, object]]:
    key, brackets, rest = spec.partition("[]")
    value = get(key)  # type: ignore[operator]
    path = f"{at}{key}"
    if not brackets or value is None or is_unknown(value) or not isinstance(value, list):
        return [(path, value)]
    sub = rest.lstrip(".")
    if not sub:
        return [(f"{path}.{i}", v) for i, v in enumerate(value)]
    return [found for i, v in enumerate(value)
            for found in _walk(lambda k, v=v: get_path(v, k), sub, f"{path}.{i}.")]


def _home(path: str, value: object) -> Found:
    """The bucket (or EFS file system) a `/<bucket>/<prefix>` path lands in."""
    if value is None:
        return []
    if not isinstance(value, str) or is_unknown(value):
        return [(path, "unknown", "")]
    first = value.strip().lstrip("/").split("/", 1)[0]
    if not first:
        return [(path, "site", f"the path {value!r} names no bucket or file system (its first segment), so "
                 "where the files land cannot be judged; start it with a bucket or file system of the stack")]
    if _EFS_ID.match(first):
        return [(path, "named", f"{EFS_FILE_SYSTEM}|{first}")]
    return [(path, "bucket", first)]


def _efs_id(path: str, value: object) -> Found:
    """The EFS file system a workflow step writes to: the stack's, by its id (round 44)."""
    if value is None:
        return []
    if not isinstance(value, str) or is_unknown(value):
        return [(path, "unknown", "")]
    if _EFS_ID.match(value.strip()):
        return [(path, "named", f"{EFS_FILE_SYSTEM}|{value.strip()}")]
    return [(path, "site", f"{value!r} is no EFS file system id (`fs-<hex>`), so where the step writes "
             "cannot be judged; name a file system of the stack by its id")]


def _account(path: str, value: object) -> Found:
    """A storage account named by bare name: the stack's (round 45); an id or host there is scanned as one."""
    if value is None:
        return []
    if not isinstance(value, str) or is_unknown(value):
        return [(path, "unknown", "")]
    return [(path, "named", f"{STORAGE_ACCOUNT}|{value}")] if _BARE_ACCOUNT.match(value) else []


def _bare_name(path: str, value: object, target: str) -> Found:
    """A resource named by bare id or name: the stack's resource of `target` type with it (round 46)."""
    if value is None:
        return []
    if not isinstance(value, str) or is_unknown(value):
        return [(path, "unknown", "")]
    return [(path, "named", f"{target}|{value}")]


def _quicksight(view: ResourceView) -> Found:
    """A QuickSight data source's resources named by bare id; an Athena source without a workgroup queries
    through the account's `primary` one, made outside the program (round 46)."""
    found = [f for at, target in _QS_NAMES.items() for f in _bare_name(at, view.get(at), target)]
    athena = view.input("type") == "ATHENA" or view.get("parameters.athena") is not None
    if athena and view.get(_QS_WORKGROUP) is None:
        found.append((_QS_WORKGROUP, "site", "a QuickSight Athena data source without `workGroup` queries "
                      "through the account's `primary` workgroup, whose query-result location is set outside "
                      "the program, so where the results land cannot be judged; name a workgroup of the "
                      "stack (`aws.athena.Workgroup` with its `resultConfiguration.outputLocation`)"))
    connection = _bare_name(_QS_CONNECTION, view.get(_QS_CONNECTION), QS_VPC_CONNECTION)  # by its ARN
    return found + connection + _qs_private_hosts(view) + _qs_manifest(view)


def _qs_private_hosts(view: ResourceView) -> Found:
    """A private address or name a QuickSight source reaches is on whatever network its VPC connection routes
    to (peered VPCs, VPN, Direct Connect), so it cannot be placed (round 47); a public one, and a name in a
    private DNS zone (the stack's record, whose values are judged, or nothing: round 50), is scanned, and a
    public address written as a number is judged as that address (round 57)."""
    found: Found = []
    for at in _QS_HOSTS:
        value = view.get(at)
        if not isinstance(value, str) or is_unknown(value):
            continue  # an unknown input is judged as any (by what it comes from)
        host = urlsplit(value).hostname if "://" in value else value
        if host is not None and private_host(host) and not zone_name(host):
            found.append((at, "site", f"a QuickSight data source reaches {value!r}, a private address or "
                          "name on whatever network its VPC connection routes to (a peered VPC, a VPN or "
                          "Direct Connect to a data centre anywhere), so where the data is cannot be judged; "
                          "name the host by a resource of the stack (an RDS instance's `address` output) "
                          "or by a host declared with its region in stacks/records/endpoints.yaml"))
        elif host == value and (address := numeric_public_host(host)):  # a URL's host the scan reads
            found.append((at, "host", address))
    return found


def _qs_manifest(view: ResourceView) -> Found:
    """An S3 source reads the files its manifest lists (`fileLocations[].URIs`/`URIPrefixes`), whatever
    the manifest's owner writes: it must be an object of the stack whose literal `content` the pack reads
    (its URIs are judged as that object's input, round 47)."""
    if view.get(_QS_MANIFEST) is None:
        return []
    bucket, key = view.get(f"{_QS_MANIFEST}.bucket"), view.get(f"{_QS_MANIFEST}.key")
    if not all(isinstance(v, str) and not is_unknown(v) for v in (bucket, key)):
        return [(_QS_MANIFEST, "unknown", "")]
    return [(_QS_MANIFEST, "held", f"{S3_OBJECT}|{bucket}/{str(key).strip('/')}")]


def _gateway(view: ResourceView) -> Found:
    """A Storage Gateway appliance: the EC2 instance of the stack at its activation address (round 47)."""
    ip = view.input("gatewayIpAddress")
    if is_unknown(ip):
        return [("gatewayIpAddress", "unknown", "")]  # judged by the resources it is computed from
    if isinstance(ip, str) and ip.strip():
        return [("gatewayIpAddress", "named", f"{EC2_INSTANCE}|{ip.strip()}")]
    return [("activationKey", "site", "a Storage Gateway keeps the data of its file shares and volumes on "
             "the appliance's own disks (its cache; a STORED volume's primary copy), and one activated by "
             "key (or imported) runs on a VM or hardware anywhere; run it on an EC2 instance of the stack "
             "and activate it at the instance's address (`gatewayIpAddress`), judged by the instance's "
             "region")]


def typed_place_refs(view: ResourceView) -> Found:
    """(path, kind, value) of the places a resource of TYPED_PLACE_TYPES names in its typed fields."""
    t = view.type
    if t == WORKFLOW:  # round 39: managed-connector actions naming their target by path
        return connector_path_refs(view)
    if t in DAPR_TYPES:
        return dapr_refs(view)
    if t in QUERY_INPUTS:  # round 52: the data catalogs an Athena query names
        return catalog_refs(view)
    if t == KUSTO_SCRIPT:  # round 54: the external tables a Kusto script exports to
        return export_refs(view)
    if t in SETTINGS_TYPES:  # round 52: endpoints a workflow app joins from two settings
        return split_endpoint_refs(view)
    if t in TABLE_FLOW_TYPES:  # round 42: DynamoDB tables written or read by name
        return table_refs(view)
    if t == _TRANSFER_WORKFLOW:
        return [f for spec in _EFS_IDS for p, v in values(view, spec) for f in _efs_id(p, v)]
    if t in _HOME_PATHS:
        return [f for spec in _HOME_PATHS[t] for p, v in values(view, spec) for f in _home(p, v)]
    if t in _ACCOUNT_NAMES:
        return [f for spec in _ACCOUNT_NAMES[t] for p, v in values(view, spec) for f in _account(p, v)]
    if t == _QUICKSIGHT:
        return _quicksight(view)
    if t == _GATEWAY:
        return _gateway(view)
    if t == QS_VPC_CONNECTION:  # round 48: its subnets, the stack's by their recorded ids; round 49: its
        subnets = [f for p, v in values(view, "subnetIds[]") for f in _bare_name(p, v, SUBNET)]
        return subnets + address_refs(view)  # DNS resolvers, in the stack's networks
    if t in ADDRESS_TYPES:  # round 49: a private zone's record's private address
        return address_refs(view)
    if t in _GATEWAY_PARTS:
        return _bare_name("gatewayArn", view.input("gatewayArn"), _GATEWAY)
    if t == _DMS_ENDPOINT:
        arn = view.input("secretsManagerArn")  # its secret holds the server: a secret of the stack, read
        if arn is None:
            return []
        found = stored_ref(arn, "CONNECTION") if isinstance(arn, str) else None  # as a setting naming it
        return [("secretsManagerArn", *found[:2])] if found else [("secretsManagerArn", "unknown", "")]
    if t == _CASSANDRA:
        seeds = view.get("properties.externalSeedNodes")
        if not seeds:
            return []
        return [("properties.externalSeedNodes", "site", "a managed Cassandra cluster joined to unmanaged "
                 "data centres by their seed nodes replicates every row to nodes wherever those data centres "
                 "are (a private address is on a network outside any region)")]
    if t == _ANF_CACHE:  # round 42: an Azure NetApp Files cache of an external ONTAP volume
        return [("properties.originClusterInformation", "site", "an Azure NetApp Files cache volume reads "
                 "from, and passes every write on to (write-around or write-back), its origin: a volume of "
                 "an external ONTAP cluster named by cluster and SVM name at intercluster addresses that say "
                 "nothing of where it is (a private address is on a network outside any region); keep the "
                 "data on a volume of the stack (replicated by `dataProtection.replication` to another "
                 "volume of the stack)")]
    if t == _ANF_VOLUME:  # round 43: a migration volume, replicated from an external ONTAP volume
        return [] if view.get(_ANF_REMOTE) is None else [(_ANF_REMOTE, "site", "an Azure NetApp Files "
                "migration volume is a SnapMirror peer of a volume on an external ONTAP cluster (named by "
                "host, server and volume name; the peering addresses say nothing of where it is): the data "
                "comes from, and until the relationship is broken off stays in step with, a place the pack "
                "cannot place; copy the data in from a resource of the stack instead")]
    if t == VPC_ENDPOINT:  # the stack's endpoint service (its recorded `serviceName`) or a declared host
        name = str(view.input("serviceName") or "").lower()
        return [("serviceName", "endpoint-service", name)] if _ENDPOINT_SERVICE.match(name) else []
    if t == _OBJECT_REPLICATION:
        dest = view.input("destinationAccount")
        if isinstance(dest, str) and _BARE_ACCOUNT.match(dest):  # an id is scanned as one
            return [("destinationAccount", "named", f"{STORAGE_ACCOUNT}|{dest}")]
        return []
    return _salesforce(view)


def _salesforce(view: ResourceView) -> Found:
    """A Salesforce connection without an instance URL: the default login host (the org is whatever the
    login belongs to), to be declared with the org's location; a URL that is set is scanned as any."""
    if view.type == _LINKED_SERVICE:
        if view.get("properties.type") in _SALESFORCE_TYPES and view.get("properties.environmentUrl") is None:
            return [("properties.environmentUrl", "host", SALESFORCE_LOGIN)]
        return []
    return _connector_profile(view)


def _connector_profile(view: ResourceView) -> Found:
    """Where an AppFlow connector profile's vendor keeps the data (round 21: a Snowflake account named by a
    bare locator, a vendor whose API no property names). A type the tables do not know blocks."""
    kind = view.input("connectorType")
    if kind == "Salesforce":
        return [(_PROFILE_URL, "host", SALESFORCE_LOGIN)] if view.get(_PROFILE_URL) is None else []
    if kind == "Snowflake":
        return _snowflake(view)
    if kind in _PROFILE_VENDOR_HOSTS:
        return [("connectorType", "host", _PROFILE_VENDOR_HOSTS[kind])]
    if kind in _PROFILE_SCANNED or is_unknown(kind):
        return [] if kind in _PROFILE_SCANNED else [("connectorType", "unknown", "")]
    return [("connectorType", "site", f"an AppFlow connector profile of type {kind!r} connects to a service "
             "the pack cannot place (a custom connector runs a Lambda registered outside the program and "
             "sends wherever it likes); use a connector type whose properties name the instance (a URL, a "
             "cluster, a Snowflake account and region) or add the type to policies/core/typed_places.py")]


def _snowflake(view: ResourceView) -> Found:
    """The Snowflake account host: `<locator>.<region>`; a bare locator is in Snowflake's default region (AWS
    us-west-2), an `<org>-<account>` name anywhere: the host must be declared with the account's region."""
    at = f"{_PROFILE_PROPS}.snowflake"
    account, region = view.get(f"{at}.accountName"), view.get(f"{at}.region")
    if account is None:
        return [(f"{at}.accountName", "site", "a Snowflake connector profile without `accountName` writes to "
                 "whatever account its credentials sign in to; name the account (and its region)")]
    if not isinstance(account, str) or is_unknown(account) or (region is not None and (
            not isinstance(region, str) or is_unknown(region))):
        return [(f"{at}.accountName", "unknown", "")]
    host = f"{account}.{region}" if region and "." not in account else account
    return [(f"{at}.accountName", "host", f"{host.lower()}.snowflakecomputing.com")]
