"""Data stores, backups, snapshots and logs at classification 'vertrouwelijk' and above are encrypted with a
customer-managed key that rotates (R2016: the key sits with the controller, re-encryption; DPA annex 3 b.iv;
D36 §101 7th: residual risk acceptable only because of the encryption). An AWS-managed key is rejected in any
notation (`alias/aws/…`, its alias ARN, key ARNs configured as AWS-managed); every EBS device of an instance,
every disk of an Azure VM and its host's counts; the classification is the stack's recorded one unless the tag
raises it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from policies.core import automation_assets as automation
from policies.core import aws_workspaces as desks
from policies.core import pia_analytics as analytics
from policies.core import pia_az_disks as disks
from policies.core import pia_az_keys as az
from policies.core import pia_copy_keys as copies
from policies.core import pia_copy_settings as copy_settings
from policies.core import pia_eventgrid as eventgrid
from policies.core import pia_key_material as keys
from policies.core import pia_key_owners as owners
from policies.core import pia_more_stores as more
from policies.core import pia_platform_stores as platform
from policies.core import pia_service_keys as service
from policies.core import pia_workspace_stores as ws
from policies.core.helpers import is_transient, linked, needs_cmk, recorded_classification
from policies.core.implicit_log_groups import implicit_groups
from policies.core.managed_keys import managed_key_fields
from policies.core.pia_types import FSX_FILE_SYSTEMS, PIA_DATA_STORES
from policies.core.rule import Rule, RuleContext
from policies.core.session_prefs import session_keys
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message
from policies.core.workload_key_ids import workload_key_ids

_SSE = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
_AWS_MANAGED = re.compile(r"(^|:)alias/aws/")
Judge = Callable[[ResourceView, StackGraph, set[str]], list[str]]


def aws_managed(key: Any, known: set[str]) -> bool:
    """`alias/aws/<service>`, its alias ARN, or a key ARN listed as AWS-managed in the policy config."""
    return isinstance(key, str) and (bool(_AWS_MANAGED.search(key)) or key in known)


def _judge_key(where: str, key: Any, known: set[str]) -> list[str]:
    if is_unknown(key):
        return [unknown_message(where, "the encryption key")]
    if key is None or key == "":
        return [f"`{where}` is not set: the data would be encrypted with a provider-managed key"]
    if aws_managed(key, known):
        return [f"`{where}` is the AWS-managed key {key!r}; use a customer-managed key"]
    return []


def _key(fld: str, *, flag: str | None = None, flag_value: object = True) -> Judge:
    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        out = []
        if flag is not None:
            value = r.get(flag)
            if is_unknown(value):
                out.append(unknown_message(flag, "the encryption"))
            elif value != flag_value:
                out.append(
                    f"`{flag}` is {value!r}; encryption with a customer-managed key requires {flag_value!r}"
                )
        return out + _judge_key(fld, r.get(fld), known)

    return judge


def _none(reason: str) -> Judge:
    """A store that cannot hold a customer-managed key: it may not hold data at 'vertrouwelijk'."""
    return lambda r, g, k: [f"{reason}; it cannot hold data classified 'vertrouwelijk' or above"]


def _inherits(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    return []  # encrypted with its source's key, which is judged itself


def _bucket(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    inline = r.get("serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault")
    configs = [
        get_path(c.inputs, "rules.0.applyServerSideEncryptionByDefault")
        for c in linked(graph, r, _SSE, "bucket")
    ]
    if inline:
        configs.append(inline)
    if not configs:
        return ["no server-side encryption configuration with a customer-managed KMS key for the bucket"]
    for c in configs:
        if is_unknown(c) or not isinstance(c, dict):
            return [unknown_message("rules.0.applyServerSideEncryptionByDefault", "the bucket encryption")]
        if c.get("sseAlgorithm") not in ("aws:kms", "aws:kms:dsse"):
            return [f"bucket encryption is {c.get('sseAlgorithm')!r} without a customer-managed KMS key"]
        out = _judge_key("kmsMasterKeyId", c.get("kmsMasterKeyId"), known)
        if out:
            return out
    return []


def _kms_key(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    if r.input("customKeyStoreId") is not None:
        return []  # XKS / CloudHSM: KMS cannot rotate these; the controller rotates in its key manager
    spec = r.input("customerMasterKeySpec") or r.input("keySpec") or "SYMMETRIC_DEFAULT"
    if spec == "SYMMETRIC_DEFAULT" and r.input("enableKeyRotation") is not True:
        return ["`enableKeyRotation` is not true: the key must rotate (R2016 regular re-encryption)"]
    return keys.kms_rotation_period(r)


def _memcached(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    if r.input("engine") == "memcached" and is_transient(r):
        return []  # Memcached keeps nothing at rest (D36 §108 transient cache)
    return [
        "a non-transient ElastiCache cluster cannot be encrypted at rest with a customer-managed key; "
        "use a replication group with atRestEncryptionEnabled and kmsKeyId"
    ]


def _ec2(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    return keys.instance_devices(graph, r, known, _judge_key)


def _launch_template(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """The EBS volumes a launch template gives every instance it launches (Auto Scaling groups, fleets)."""
    mappings = r.input("blockDeviceMappings")
    if is_unknown(mappings):
        return [unknown_message("blockDeviceMappings", "the volume encryption")]
    out = []
    for i, m in enumerate(mappings or []):
        ebs = m.get("ebs") if isinstance(m, dict) else None
        if ebs is None:
            continue  # an instance-store or suppressed device: no EBS volume
        where = f"blockDeviceMappings.{i}.ebs"
        if is_unknown(ebs) or not isinstance(ebs, dict):
            out.append(unknown_message(where, "the volume encryption"))
            continue
        if str(ebs.get("encrypted", "")).lower() != "true":
            out.append(f"`{where}.encrypted` is not true")
        out += keys.ebs_key(graph, r, f"{where}.kmsKeyId", ebs.get("kmsKeyId"), known, _judge_key)
    return out


def _ssm_parameter(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    kind = r.input("type")
    if is_unknown(kind):
        return [unknown_message("type", "whether the parameter is encrypted")]
    return _judge_key("keyId", r.input("keyId"), known) if kind == "SecureString" else []


def _lambda_environment(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A function's environment variables (often connection settings) are kept under `kmsKeyArn`, else
    under the AWS-managed key `aws/lambda`."""
    variables = r.get("environment.variables")
    if is_unknown(variables):
        return [unknown_message("environment.variables", "whether the function keeps variables")]
    return _judge_key("kmsKeyArn", r.get("kmsKeyArn"), known) if variables else []


def _sql(kind: str, protector: str) -> Judge:
    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        key_id = r.input("keyId")
        if is_unknown(key_id):
            return [unknown_message("keyId", "the TDE key")]
        protectors = linked(graph, r, (protector,), kind)
        # round 12: a protector resource is applied after the server and overrides its keyId
        reverted = [p.name for p in protectors if p.input("serverKeyType") != "AzureKeyVault"]
        if reverted:
            what = f"{protector.rsplit(':', 1)[-1]} {', '.join(reverted)}"
            return [
                f"{what} does not set serverKeyType AzureKeyVault: TDE would use a service-managed key, "
                "whatever `keyId` says"
            ]
        if isinstance(key_id, str) and key_id:
            return []
        if not any(p.input("serverKeyType") == "AzureKeyVault" for p in protectors):
            return [
                f"no `keyId` and no {protector.rsplit(':', 1)[-1]} with serverKeyType AzureKeyVault: "
                "TDE would use a service-managed key"
            ]
        return []

    return judge


def _workspace(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    keyed = any(  # the first keyed cluster settles it (listing all, per workspace, was quadratic)
        get_path(c.inputs, "keyVaultProperties.keyName")
        for c in graph.by_type("azure-native:operationalinsights:Cluster")
    )
    return (
        []
        if keyed
        else ["no Log Analytics cluster with a customer-managed key (keyVaultProperties) links the workspace"]
    )


CHECKS: dict[str, Judge] = {
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:rds/clusterInstance:ClusterInstance": _inherits,
    "aws:rds/snapshot:Snapshot": _inherits,
    "aws:rds/clusterSnapshot:ClusterSnapshot": _inherits,
    "aws:rds/snapshotCopy:SnapshotCopy": _key("kmsKeyId"),
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": _key("kmsKeyId"),
    "azure-native:dbformysql:SingleServer": _none(
        "Azure Database for MySQL single server (retired 2024-09) has no customer-managed key here"
    ),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": _key("kmsKeyId"),
    **copies.store_keys(_key, _judge_key),  # DynamoDB tables and replicas; RDS, Redshift, DocumentDB
    "aws:dynamodb/tableReplica:TableReplica": _key("kmsKeyArn"),
    "aws:elasticache/cluster:Cluster": _memcached,
    "aws:elasticache/replicationGroup:ReplicationGroup": _key("kmsKeyId", flag="atRestEncryptionEnabled"),
    "aws:elasticache/serverlessCache:ServerlessCache": _key("kmsKeyId"),
    "aws:efs/fileSystem:FileSystem": _key("kmsKeyId", flag="encrypted"),
    "aws:ebs/volume:Volume": keys.ebs_volume(_judge_key),
    "aws:ebs/snapshot:Snapshot": _inherits,
    "aws:ebs/snapshotCopy:SnapshotCopy": _key("kmsKeyId", flag="encrypted"),
    "aws:sqs/queue:Queue": _key("kmsMasterKeyId"),
    "aws:sns/topic:Topic": _key("kmsMasterKeyId"),
    "aws:cloudwatch/logGroup:LogGroup": _key("kmsKeyId"),
    "aws:ecr/repository:Repository": _key(
        "encryptionConfigurations.0.kmsKey",
        flag="encryptionConfigurations.0.encryptionType",
        flag_value="KMS",
    ),
    "aws:backup/vault:Vault": _key("kmsKeyArn"),
    "aws:kinesis/stream:Stream": _key("kmsKeyId", flag="encryptionType", flag_value="KMS"),
    "aws:opensearch/domain:Domain": _key("encryptAtRest.kmsKeyId", flag="encryptAtRest.enabled"),
    "aws:neptune/cluster:Cluster": _key("kmsKeyArn", flag="storageEncrypted"),
    "aws:glacier/vault:Vault": _none("S3 Glacier vaults are always encrypted with an AWS-owned key"),
    "aws:ec2/instance:Instance": _ec2,
    "aws:kms/key:Key": _kms_key,
    "azure-native:storage:StorageAccount": _key(
        "encryption.keyVaultProperties.keyName", flag="encryption.keySource", flag_value="Microsoft.Keyvault"
    ),
    "azure-native:automation:AutomationAccount": _key(  # round 47: runbooks, credentials, variables
        "encryption.keyVaultProperties.keyName", flag="encryption.keySource", flag_value="Microsoft.Keyvault"
    ),
    **{t: automation.asset_key for t in automation.STORES},  # round 48: under their account's key
    "aws:mwaa/environment:Environment": _key("kmsKey"),  # round 49: absent is the AWS-managed aws/airflow
    "aws:kendra/index:Index": _key("serverSideEncryptionConfiguration.kmsKeyId"),  # round 49: else AWS-owned
    "azure-native:sql:Server": _sql("serverName", "azure-native:sql:EncryptionProtector"),
    "azure-native:sql:ManagedInstance": _sql(
        "managedInstanceName", "azure-native:sql:ManagedInstanceEncryptionProtector"
    ),
    "azure-native:cosmosdb:DatabaseAccount": _key("keyVaultKeyUri"),
    "azure-native:operationalinsights:Workspace": _workspace,
    "azure-native:recoveryservices:Vault": _key("properties.encryption.keyVaultProperties.keyUri"),
    "azure-native:dataprotection:BackupVault": _key(  # the key counts only with the settings' state Enabled
        "properties.securitySettings.encryptionSettings.keyVaultProperties.keyUri",
        flag="properties.securitySettings.encryptionSettings.state",
        flag_value="Enabled",
    ),
    "azure-native:compute:Disk": _key("encryption.diskEncryptionSetId"),
    "azure-native:compute:Snapshot": _key("encryption.diskEncryptionSetId"),
    "azure-native:compute:VirtualMachine": disks.machine(""),
    "azure-native:compute:VirtualMachineScaleSet": disks.machine("virtualMachineProfile."),
    "aws:memorydb/cluster:Cluster": _key("kmsKeyArn"),
    "aws:elasticsearch/domain:Domain": _key("encryptAtRest.kmsKeyId", flag="encryptAtRest.enabled"),
    "aws:redshiftserverless/namespace:Namespace": _key("kmsKeyId"),
    "aws:docdb/elasticCluster:ElasticCluster": _key("kmsKeyId"),
    "aws:keyspaces/table:Table": _key(
        "encryptionSpecification.kmsKeyIdentifier",
        flag="encryptionSpecification.type",
        flag_value="CUSTOMER_MANAGED_KMS_KEY",
    ),
    "aws:timestreamwrite/database:Database": _key("kmsKeyId"),
    "aws:dax/cluster:Cluster": _none("DAX encrypts at rest only with an AWS-owned key"),
    **{t: _key("kmsKeyId") for t in FSX_FILE_SYSTEMS},
    "aws:msk/cluster:Cluster": _key("encryptionInfo.encryptionAtRestKmsKeyArn"),
    "azure-native:servicebus:Namespace": _key(
        "encryption.keyVaultProperties.0.keyName",
        flag="encryption.keySource",
        flag_value="Microsoft.KeyVault",
    ),
    "azure-native:eventhub:Namespace": _key(
        "encryption.keyVaultProperties.0.keyName",
        flag="encryption.keySource",
        flag_value="Microsoft.KeyVault",
    ),
    "azure-native:dbforpostgresql:Server": _key(
        "dataEncryption.primaryKeyURI", flag="dataEncryption.type", flag_value="AzureKeyVault"
    ),
    "azure-native:dbformysql:Server": _key(
        "dataEncryption.primaryKeyURI", flag="dataEncryption.type", flag_value="AzureKeyVault"
    ),
    "azure-native:search:Service": _key(
        "encryptionWithCmk.enforcement", flag="encryptionWithCmk.enforcement", flag_value="Enabled"
    ),
    analytics.WORKSPACE: lambda r, g, k: _key("encryption.cmk.key.keyVaultUrl")(r, g, k)
    + analytics.workspace_lake(r, g),  # round 43: the lake its Spark pools and Synapse Link write to
    "azure-native:redis:Redis": _none(
        "Azure Cache for Redis (non-Enterprise) has no customer-managed key at rest"
    ),
    "azure-native:applicationinsights:Component": _key("workspaceResourceId"),
    "aws:qldb/ledger:Ledger": more.qldb(_judge_key),
    "aws:mq/broker:Broker": more.mq_broker(_judge_key),
    "aws:dms/replicationInstance:ReplicationInstance": _key("kmsKeyArn"),
    more.AOSS_COLLECTION: more.aoss_collection(_judge_key),
    "aws:glue/catalogDatabase:CatalogDatabase": more.glue_catalog_item,
    "aws:glue/catalogTable:CatalogTable": more.glue_catalog_item,
    "azure-native:kusto:Cluster": more.kusto,
    "azure-native:databricks:Workspace": more.databricks,
    "azure-native:dbforpostgresql:ServerGroupCluster": more.cosmos_pg,
    "azure-native:appconfiguration:ConfigurationStore": _key("encryption.keyVaultProperties.keyIdentifier"),
    **az.STORE_KEYS,
    **platform.store_keys(_key, _judge_key),  # SageMaker, EMR, Redis Enterprise, Cassandra (round 18)
    **ws.store_keys(_key),  # Machine Learning workspaces, Data Factories, App Runner (round 20)
    desks.WORKSPACE: desks.workspace_keys(_judge_key),  # round 55: both volumes
    **keys.key_checks(_kms_key, _bucket, _judge_key),  # rotation, replicas, S3 Express and Tables
}
# Not stores, but they set the encryption of data they create or hold (template volumes, SecureStrings).
CONFIGURES: dict[str, Judge] = {
    more.GLUE_SETTINGS: more.glue_settings(_judge_key),
    **more.aws_block_keys(_judge_key),  # objects, exports, state machines, event buses, API caches
    **ws.configures(_judge_key),  # Glue jobs, DMS Serverless, Firehose S3 destinations (round 20)
    **service.service_keys(_key),  # trails, schedules, DMS endpoints, Verified Access (drop mutants)
    **az.KEY_CHECKS,  # storage encryption scopes, queues and tables
    **keys.NO_CUSTOMER_KEY,
    keys.REPLICA_EXTERNAL: keys.imported_material,  # Lightsail, Cognito; round 35
    **{t: lambda r, g, k: [] for t in _SSE},  # judged on the bucket; here only its key's account
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:ssm/parameter:Parameter": _ssm_parameter,
    "aws:grafana/workspace:Workspace": _key("kmsKeyId"),  # round 47: a control; its dashboards, alerts
    copies.ATHENA_WORKGROUP: copies.athena_workgroup(_judge_key),
    **copy_settings.configures(_judge_key),  # DLM copies, EFS replicas, zero-ETL integrations (round 39)
    **platform.configures(_judge_key),  # EMR security, SageMaker endpoint configurations (round 37)
    "aws:lambda/function:Function": _lambda_environment,
    **az.CONFIGURES,  # round 94: a flexible server's database, on a server of the stack
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": _ec2,  # an instance under another type
    # legacy launch configurations take no kmsKeyId: their volumes use the account's default EBS key
    "aws:ec2/launchConfiguration:LaunchConfiguration": owners.launch_configuration(_judge_key),
    "azure-native:sql:TransparentDataEncryption": lambda r, g, k: (
        [unknown_message("state", "whether the database is encrypted")]
        if is_unknown(r.input("state"))
        else ["`state` is 'Disabled': the database's data is not encrypted at rest"]
        if r.input("state") == "Disabled"
        else []
    ),
}
# Stores whose encryption lives elsewhere: key material itself, containers of an encrypted account/server.
EXEMPT: dict[str, str] = {
    "azure-native:keyvault:Vault": "holds keys, not data encrypted with them",
    "azure-native:keyvault:ManagedHsm": "holds the controller's keys, not data encrypted with them",
    "azure-native:storage:BlobContainer": "is encrypted by its storage account's key",
    "aws:redshiftserverless/workgroup:Workgroup": "computes over its namespace's data, encrypted with the "
    "namespace's key",
    **eventgrid.CMK_EXEMPT,
    **platform.CMK_EXEMPT,
}


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    known = set(ctx.config.get("awsManagedKeyArns") or ())
    recorded = recorded_classification(ctx.stack or None)
    out.extend(session_keys(graph, lambda where, key: _judge_key(where, key, known)))  # round 25
    out.extend(implicit_groups(graph, lambda r: needs_cmk(r, recorded)))  # log groups a service creates
    unread = {*CONFIGURES, *PIA_DATA_STORES}  # round 38: key ids in task and pod settings read nowhere else
    out.extend(workload_key_ids(graph, known, lambda r: r.type not in unread and needs_cmk(r, recorded)))
    for r in graph.resources:
        if r.type.startswith("aws:") and needs_cmk(r, recorded):  # any type's key field (CMK mutants)
            out.extend((r.urn, m) for m in managed_key_fields(r, lambda key: aws_managed(key, known)))
        configures = CONFIGURES.get(r.type)
        if configures is not None:
            if needs_cmk(r, recorded):
                found = configures(r, graph, known) + owners.foreign(r, graph, ctx.stack, known)
                out.extend((r.urn, m) for m in found)
            continue
        if r.type not in PIA_DATA_STORES or r.type in EXEMPT or not needs_cmk(r, recorded):
            continue
        out.extend((r.urn, m) for m in owners.foreign(r, graph, ctx.stack, known))
        judge = CHECKS.get(r.type)
        if judge is None:
            why = f"no customer-managed-key check is defined for {r.type}, "
            out.append((r.urn, why + "so its encryption cannot be judged"))
            continue
        out.extend((r.urn, m) for m in judge(r, graph, known))
    return list(dict.fromkeys(out))  # a per-type check and the key fields may say the same


RULE = Rule(
    id="require-customer-managed-keys",
    title="Every data store, backup and log at 'vertrouwelijk' or above is encrypted with a rotating "
    "customer-managed key.",
    severity="critical",
    remediation="Encrypt with the stack's KMS / Key Vault key (kmsKeyId, SSE-KMS, keyVaultProperties, TDE "
    "protector, disk encryption sets on every disk) and enable key rotation; never alias/aws/*.",
    controls=("ENC-01", "ENC-02", "ENC-03", "PIA-06", "PIA-07", "SYS-02"),
    check=check,
    module=__name__,
    scope="stack",
    config_schema={"awsManagedKeyArns": {"type": "array", "items": {"type": "string"}}},
)
