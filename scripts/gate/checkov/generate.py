"""Regenerates the checked-in type tables in ``data/`` from the installed SDKs and checkov's registries.

Run after bumping pulumi-aws, pulumi-azure-native or checkov:  ``uv run python -m gate.checkov.generate``.

- ``data/targets.json``: the checks checkov ships for AWS/Azure and the types they target (tool env).
- ``data/aws_types.json``: Pulumi token -> Terraform type, for every pulumi-aws resource whose derived
  Terraform name is one checkov targets. pulumi-aws does not ship its bridge mapping, so names are derived
  (``aws:<module>/<x>:<Name>`` -> ``aws_<snake Name>`` or ``aws_<module>_<snake Name>``) and checked
  against checkov's list; ``AWS_OVERRIDES`` holds the names the bridge renamed.
- ``data/azure_types.json``: Pulumi token -> ARM type, API version (from the SDK docstring) and the inputs
  that are URL path parameters (from the ``get_*`` function), for every azure-native resource checkov targets.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from gate.checkov import toolenv
from gate.checkov.names import snake

DATA = Path(__file__).with_name("data")

# Terraform types whose Pulumi token the naming rule cannot find (the bridge renamed them).
AWS_OVERRIDES: dict[str, list[str]] = {
    "aws_db_instance": ["aws:rds/instance:Instance"],
    "aws_db_option_group": ["aws:rds/optionGroup:OptionGroup"],
    "aws_db_parameter_group": ["aws:rds/parameterGroup:ParameterGroup"],
    "aws_db_snapshot": ["aws:rds/snapshot:Snapshot"],
    "aws_db_event_subscription": ["aws:rds/eventSubscription:EventSubscription"],
    # pulumi's alb module is the bridge of the aws_alb* aliases, lb of aws_lb*.
    "aws_lb": ["aws:lb/loadBalancer:LoadBalancer"],
    "aws_alb": ["aws:alb/loadBalancer:LoadBalancer"],
    "aws_lb_listener": ["aws:lb/listener:Listener"],
    "aws_alb_listener": ["aws:alb/listener:Listener"],
    "aws_lb_target_group": ["aws:lb/targetGroup:TargetGroup"],
    "aws_alb_target_group": ["aws:alb/targetGroup:TargetGroup"],
    "aws_bedrockagent_agent": ["aws:bedrock/agentAgent:AgentAgent"],
    "aws_config_configuration_recorder_status": ["aws:cfg/recorderStatus:RecorderStatus"],
    "aws_db_snapshot_copy": ["aws:rds/snapshotCopy:SnapshotCopy"],
    "aws_elb": ["aws:elb/loadBalancer:LoadBalancer"],
    "aws_cloudtrail": ["aws:cloudtrail/trail:Trail"],
    "aws_api_gateway_stage": ["aws:apigateway/stage:Stage"],
    "aws_api_gateway_rest_api": ["aws:apigateway/restApi:RestApi"],
    "aws_api_gateway_method": ["aws:apigateway/method:Method"],
    "aws_api_gateway_method_settings": ["aws:apigateway/methodSettings:MethodSettings"],
    "aws_api_gateway_deployment": ["aws:apigateway/deployment:Deployment"],
    "aws_api_gateway_domain_name": ["aws:apigateway/domainName:DomainName"],
    "aws_api_gateway_authorizer": ["aws:apigateway/authorizer:Authorizer"],
    "aws_ec2_transit_gateway": ["aws:ec2transitgateway/transitGateway:TransitGateway"],
    "aws_config_configuration_recorder": ["aws:cfg/recorder:Recorder"],
    "aws_config_configuration_aggregator": ["aws:cfg/aggregateAuthorization:AggregateAuthorization"],
    "aws_appsync_graphql_api": ["aws:appsync/graphQLApi:GraphQLApi"],
    "aws_fsx_openzfs_file_system": ["aws:fsx/openZfsFileSystem:OpenZfsFileSystem"],
    "aws_iam_openid_connect_provider": ["aws:iam/openIdConnectProvider:OpenIdConnectProvider"],
    "aws_s3_bucket_object": ["aws:s3/bucketObject:BucketObject"],
    "aws_s3_object": ["aws:s3/bucketObjectv2:BucketObjectv2"],
    "aws_s3_bucket_replication_configuration": ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
    "aws_s3_bucket_inventory": ["aws:s3/inventory:Inventory"],
    "aws_s3_bucket_analytics_configuration": ["aws:s3/analyticsConfiguration:AnalyticsConfiguration"],
    "aws_db_subnet_group": ["aws:rds/subnetGroup:SubnetGroup"],
    "aws_db_proxy": ["aws:rds/proxy:Proxy"],
    "aws_db_instance_automated_backups_replication": [
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"],
    "aws_db_cluster_snapshot": ["aws:rds/clusterSnapshot:ClusterSnapshot"],
    "aws_securityhub_account": ["aws:securityhub/account:Account"],
    "aws_elastic_beanstalk_environment": ["aws:elasticbeanstalk/environment:Environment"],
    "aws_codepipeline": ["aws:codepipeline/pipeline:Pipeline"],
}


def _register_json(module: Any) -> list[dict[str, Any]]:
    source = inspect.getsource(module)
    match = re.search(r'resource_modules="""(.*?)"""', source, re.S)
    return json.loads(match.group(1)) if match else []


def pulumi_tokens(package: str) -> dict[str, tuple[str, str]]:
    """Every resource token of an installed Pulumi SDK -> (python module, class name)."""
    module = importlib.import_module(package)
    out: dict[str, tuple[str, str]] = {}
    for entry in _register_json(module):
        for token, cls in entry["classes"].items():
            out[token] = (entry["fqn"], cls)
    return out


def targets_from_tool_env() -> dict[str, Any]:
    python = toolenv.ensure()
    script = Path(__file__).with_name("introspect.py")
    done = subprocess.run([str(python), str(script)], capture_output=True, text=True, check=True, cwd="/")
    return json.loads(done.stdout)


def _aws_rule(tokens: dict[str, tuple[str, str]], wanted: set[str]) -> tuple[dict[str, str], set[str]]:
    """Token -> Terraform type by the naming rule, and the Terraform types it found ambiguous.

    A module-qualified match (``aws:s3/bucketPolicy`` -> ``aws_s3_bucket_policy``) is taken as is. A bare
    match (``aws:ec2/vpc:Vpc`` -> ``aws_vpc``) only counts when one token claims that name, or one of the
    claimants lives in ``ec2`` (where the provider puts the unprefixed core resources).
    """
    table: dict[str, str] = {}
    bare: dict[str, list[str]] = {}
    for token in tokens:
        module, base = token.split(":")[1].split("/", 1)[0], snake(token.split(":")[2])
        spellings = {base, re.sub(r"_?v2$", "", base)}
        exact = [f"aws_{module}_{b}" for b in spellings if f"aws_{module}_{b}" in wanted]
        if exact:
            table[token] = exact[0]
            continue
        for b in spellings:
            if f"aws_{b}" in wanted:
                bare.setdefault(f"aws_{b}", []).append(token)
    ambiguous: set[str] = set()
    claimed = set(table.values())
    for tf_type, claimants in bare.items():
        if tf_type in claimed:
            continue
        ec2 = [t for t in claimants if t.startswith("aws:ec2/")]
        chosen = claimants if len(claimants) == 1 else ec2
        if not chosen:
            ambiguous.add(tf_type)
        for token in chosen:
            table[token] = tf_type
    return table, ambiguous


def aws_table(targets: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Pulumi token -> Terraform type for the checkov-targeted aws_ types, and the targeted types missed."""
    tokens = pulumi_tokens("pulumi_aws")
    wanted = {t for c in targets["terraform"].values() for t in c["types"] if t.startswith("aws_")}
    table, _ambiguous = _aws_rule(tokens, wanted)
    for tf_type, chosen in AWS_OVERRIDES.items():
        for token in [t for t, v in table.items() if v == tf_type and t not in chosen]:
            del table[token]
        table.update({t: tf_type for t in chosen if t in tokens})
    missing = sorted(wanted - set(table.values()))
    return dict(sorted(table.items())), missing


_API = re.compile(r"Uses Azure REST API version ([0-9]{4}-[0-9]{2}-[0-9]{2}(?:-preview)?)")
_ARGS = re.compile(r"__args__\['([A-Za-z0-9]+)'\]")


def _azure_meta(fqn: str, cls_name: str) -> tuple[str, list[str]]:
    """(API version, path parameters) of an azure-native resource, from its class and its get_ function."""
    module = importlib.import_module(fqn)
    cls = getattr(module, cls_name)
    api = _API.search(inspect.getsource(cls))
    getter = getattr(module, "get_" + snake(cls_name), None)
    params = _ARGS.findall(inspect.getsource(getter)) if getter else []
    return (api.group(1) if api else ""), params


# ARM types whose resource token the naming rule does not find.
ARM_OVERRIDES: dict[str, str] = {
    "Microsoft.Storage/storageAccounts/blobServices/containers": "azure-native:storage:BlobContainer",
    "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies":
        "azure-native:network:WebApplicationFirewallPolicy",
    "Microsoft.Network/FrontDoorWebApplicationFirewallPolicies": "azure-native:frontdoor:Policy",
    "Microsoft.Network/frontdoorWebApplicationFirewallPolicies": "azure-native:frontdoor:Policy",
    "Microsoft.Network/frontDoors": "azure-native:frontdoor:FrontDoor",
    "Microsoft.ApiManagement/service": "azure-native:apimanagement:ApiManagementService",
    "Microsoft.ContainerRegistry/registries": "azure-native:containerregistry:Registry",
    "Microsoft.DataFactory/factories": "azure-native:datafactory:Factory",
    "Microsoft.DBforMySQL/servers": "azure-native:dbformysql:SingleServer",
    "Microsoft.Search/searchServices": "azure-native:search:Service",
    "Microsoft.Network/networkWatchers/flowLogs": "azure-native:network:FlowLog",
    "Microsoft.Web/sites": "azure-native:web:WebApp",
    "Microsoft.Web/sites/slots": "azure-native:web:WebAppSlot",
    "Microsoft.Web/serverfarms": "azure-native:web:AppServicePlan",
    "Microsoft.Sql/servers": "azure-native:sql:Server",
    "Microsoft.Sql/servers/databases": "azure-native:sql:Database",
    "Microsoft.Cache/redis": "azure-native:redis:Redis",
    "Microsoft.Compute/virtualMachines": "azure-native:compute:VirtualMachine",
    "Microsoft.Compute/virtualMachineScaleSets": "azure-native:compute:VirtualMachineScaleSet",
    "Microsoft.Compute/disks": "azure-native:compute:Disk",
    "Microsoft.ContainerService/managedClusters": "azure-native:containerservice:ManagedCluster",
    "Microsoft.ContainerService/managedClusters/agentPools": "azure-native:containerservice:AgentPool",
    "Microsoft.DocumentDB/databaseAccounts": "azure-native:cosmosdb:DatabaseAccount",
    "Microsoft.DocumentDb/databaseAccounts": "azure-native:cosmosdb:DatabaseAccount",
    # PostgreSQL's `servers` are single servers: the SDK's `Server` is the flexible server (`flexibleServers`)
    "Microsoft.DBforPostgreSQL/servers": "azure-native:dbforpostgresql:SingleServer",
    "Microsoft.DBforPostgreSQL/servers/configurations":
        "azure-native:dbforpostgresql:SingleServerConfiguration",
    "Microsoft.DBforMySQL/flexibleServers": "azure-native:dbformysql:Server",
    "Microsoft.Automation/automationAccounts/variables": "azure-native:automation:Variable",
    "Microsoft.Security/pricings": "azure-native:security:Pricing",
    "Microsoft.Security/securityContacts": "azure-native:security:SecurityContact",
    "Microsoft.Synapse/workspaces/vulnerabilityAssessments":
        "azure-native:synapse:WorkspaceManagedSqlServerVulnerabilityAssessment",
    "Microsoft.Network/networkSecurityGroups/securityRules": "azure-native:network:SecurityRule",
    "Microsoft.MachineLearningServices/workspaces": "azure-native:machinelearningservices:Workspace",
    "Microsoft.SignalRService/webPubSub": "azure-native:webpubsub:WebPubSub",
    "Microsoft.KeyVault/vaults/keys": "azure-native:keyvault:Key",
    "Microsoft.KeyVault/vaults/secrets": "azure-native:keyvault:Secret",
    "Microsoft.ContainerRegistry/registries/replications": "azure-native:containerregistry:Replication",
    "Microsoft.Authorization/roleDefinitions": "azure-native:authorization:RoleDefinition",
    "Microsoft.Synapse/workspaces/bigDataPools": "azure-native:synapse:BigDataPool",
    "Microsoft.StorageSync/storageSyncServices": "azure-native:storagesync:StorageSyncService",
    "Microsoft.Insights/diagnosticSettings": "azure-native:monitor:DiagnosticSetting",
}


def _arm_guess(arm_type: str, tokens: dict[str, tuple[str, str]]) -> str | None:
    """``Microsoft.KeyVault/vaults`` -> ``azure-native:keyvault:Vault`` when that token exists."""
    namespace, _, path = arm_type.partition("/")
    module = namespace.split(".", 1)[1].lower()
    last = path.rstrip("/").split("/")[-1]
    for name in (last[:1].upper() + last[1:], last[:1].upper() + last[1:-1]):
        token = next((t for t in tokens if t.lower() == f"azure-native:{module}:{name}".lower()), None)
        if token:
            return token
    return None


def azure_table(targets: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Pulumi token -> {"arm_type", "api_version", "path_params"} for the checkov-targeted ARM types."""
    tokens = pulumi_tokens("pulumi_azure_native")
    checks: dict[str, int] = {}
    for check in targets["arm"].values():
        for t in check["types"]:
            if t.startswith("Microsoft.") and "/providers/" not in t:
                checks[t.rstrip("/")] = checks.get(t.rstrip("/"), 0) + 1
    # Of two spellings of one type (DocumentDB / DocumentDb) the one with more checks wins the token.
    wanted = sorted(checks, key=lambda t: (-checks[t], t))
    table: dict[str, dict[str, Any]] = {}
    for arm_type in wanted:
        token = ARM_OVERRIDES.get(arm_type) or _arm_guess(arm_type, tokens)
        if token not in tokens or token in table:
            continue
        api, params = _azure_meta(*tokens[token])
        table[token] = {"arm_type": arm_type, "api_version": api, "path_params": params}
    return dict(sorted(table.items()))


def main() -> None:
    targets = targets_from_tool_env()
    DATA.mkdir(exist_ok=True)
    (DATA / "targets.json").write_text(json.dumps(targets, indent=1, sort_keys=True) + "\n")
    aws, _missing = aws_table(targets)
    (DATA / "aws_types.json").write_text(json.dumps(aws, indent=1) + "\n")
    (DATA / "azure_types.json").write_text(json.dumps(azure_table(targets), indent=1) + "\n")


if __name__ == "__main__":
    main()
