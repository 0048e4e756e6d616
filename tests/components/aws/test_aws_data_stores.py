"""MySqlDatabase and MemcachedCache."""

import json

import pulumi
import pytest
from aws_support import ACCOUNT, KEY, TAGS, assert_all_in_portal_region, assert_tagged, one, record

from components.aws.cache import MemcachedCache, MemcachedCacheArgs
from components.aws.database import LOG_EXPORTS, OS_METRICS_LOG_GROUP, MySqlDatabase, MySqlDatabaseArgs
from components.aws.rotation import CODE, FUNCTION_NAME, ROTATION_ROLE_NAME, RUNTIME

SECRETS_KEY = KEY.replace("1111", "9999")
LOGS_KEY = KEY.replace("1111", "8888")


def _db(**kwargs):
    args = {
        "vpc_id": "vpc-1",
        "subnet_ids": ["a", "b", "c"],
        "kms_key_arn": KEY,
        "secret_kms_key_arn": SECRETS_KEY,
        "log_kms_key_arn": LOGS_KEY,
        "client_security_group_ids": ["sg-app"],
        "account_id": ACCOUNT,
        "tags": TAGS,
        "endpoint_security_group_id": "sg-endpoints",
        **kwargs,
    }
    return record(lambda opts: MySqlDatabase("db", MySqlDatabaseArgs(**args), opts=opts))


def _named(g, typ: str, name: str):
    found = [r for r in g.by_type(typ) if r.name == name]
    assert len(found) == 1, f"expected one {typ} {name}, got {len(found)}"
    return found[0]


def test_database_defaults_are_compliant():
    g = _db()
    db = one(g, "aws:rds/instance:Instance")
    assert db["multiAz"] is True and db["storageEncrypted"] is True and db["kmsKeyId"] == KEY
    assert db["manageMasterUserPassword"] is True and db["masterUserSecretKmsKeyId"] == SECRETS_KEY
    assert "password" not in db and "passwordWo" not in db
    assert db["iamDatabaseAuthenticationEnabled"] is True and db["publiclyAccessible"] is False
    assert db["deletionProtection"] is True and db["backupRetentionPeriod"] == 35
    assert db["skipFinalSnapshot"] is False and db["deleteAutomatedBackups"] is False
    assert db["enabledCloudwatchLogsExports"] == list(LOG_EXPORTS)
    assert db["performanceInsightsKmsKeyId"] == KEY
    assert db["tags"]["dosis-data"] == "none"
    assert g.by_type("aws:rds/instance:Instance")[0].protect
    assert not g.by_type("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")
    params = {p["name"]: p["value"] for p in one(g, "aws:rds/parameterGroup:ParameterGroup")["parameters"]}
    assert params["require_secure_transport"] == "1"
    groups = g.by_type("aws:cloudwatch/logGroup:LogGroup")
    assert {lg.inputs["name"] for lg in groups} == {
        f"/aws/rds/instance/eloket-mysql/{x}" for x in LOG_EXPORTS
    } | {OS_METRICS_LOG_GROUP, f"/aws/lambda/{FUNCTION_NAME}"}
    assert all(lg.inputs["kmsKeyId"] == LOGS_KEY and lg.protect for lg in groups)
    sg = _named(g, "aws:ec2/securityGroup:SecurityGroup", "db-db").inputs
    rotation_sg = _named(g, "aws:ec2/securityGroup:SecurityGroup", "db-rotation").outputs["id"]
    assert sg["ingress"][0]["securityGroups"] == ["sg-app", rotation_sg] and not sg.get("egress")
    assert_all_in_portal_region(g)
    assert_tagged(g)


def test_database_enhanced_monitoring_writes_only_to_the_accounts_os_metrics_group():
    g = _db()
    db = one(g, "aws:rds/instance:Instance")
    role = _named(g, "aws:iam/role:Role", "db-monitoring")
    assert db["monitoringInterval"] == 60 and db["monitoringRoleArn"] == role.outputs["arn"]
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    granted = json.loads(_named(g, "aws:iam/rolePolicy:RolePolicy", "db-monitoring").inputs["policy"])
    granted = granted["Statement"]
    group = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:RDSOSMetrics"
    assert granted[0]["Resource"] == [group, f"{group}:*"]
    assert granted[1]["Resource"] == f"{group}:log-stream:*"


def test_database_without_its_own_os_metrics_group():
    g = _db(os_metrics_log_group=False, monitoring_interval=15)
    assert one(g, "aws:rds/instance:Instance")["monitoringInterval"] == 15
    groups = g.by_type("aws:cloudwatch/logGroup:LogGroup")
    assert OS_METRICS_LOG_GROUP not in {lg.inputs["name"] for lg in groups}


def test_database_rotates_its_application_users_secret_by_default():
    g = _db()
    secret = _named(g, "aws:secretsmanager/secret:Secret", "db-app-user")
    assert secret.protect and secret.inputs["kmsKeyId"] == SECRETS_KEY
    assert secret.inputs["namePrefix"] == "eloket/eloket-mysql/app-user-"
    assert secret.inputs["recoveryWindowInDays"] == 30 and "secretString" not in secret.inputs
    assert not g.by_type("aws:secretsmanager/secretVersion:SecretVersion")  # no value in state
    fn = _named(g, "aws:lambda/function:Function", "db-rotation")
    rotation = one(g, "aws:secretsmanager/secretRotation:SecretRotation")
    assert rotation["secretId"] == secret.outputs["id"]
    assert rotation["rotationLambdaArn"] == fn.outputs["arn"]
    assert rotation["rotationRules"] == {"automaticallyAfterDays": 30}
    assert rotation["rotateImmediately"] is False
    f = fn.inputs
    assert f["name"] == FUNCTION_NAME and f["runtime"] == RUNTIME and f["architectures"] == ["arm64"]
    assert f["handler"] == "lambda_function.lambda_handler" and f["code"]["path"].endswith(str(CODE.name))
    assert f["kmsKeyArn"] == SECRETS_KEY and f["reservedConcurrentExecutions"] == 1 and f["timeout"] == 60
    endpoint = f["environment"]["variables"]["SECRETS_MANAGER_ENDPOINT"]
    assert endpoint == "https://secretsmanager.eu-west-1.amazonaws.com"
    rotation_sg = _named(g, "aws:ec2/securityGroup:SecurityGroup", "db-rotation")
    assert f["vpcConfig"] == {"subnetIds": ["a", "b", "c"], "securityGroupIds": [rotation_sg.outputs["id"]]}
    assert f["loggingConfig"] == {"logFormat": "JSON", "logGroup": f"/aws/lambda/{FUNCTION_NAME}"}
    assert not rotation_sg.inputs["egress"] and not rotation_sg.inputs.get("ingress")
    db_sg = _named(g, "aws:ec2/securityGroup:SecurityGroup", "db-db").outputs["id"]
    rules = g.by_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    egress = {r.inputs["fromPort"]: r.inputs for r in rules}
    assert {p: (e["toPort"], e["referencedSecurityGroupId"]) for p, e in egress.items()} == {
        3306: (3306, db_sg), 443: (443, "sg-endpoints")}
    permission = one(g, "aws:lambda/permission:Permission")
    assert permission["principal"] == "secretsmanager.amazonaws.com"
    assert permission["action"] == "lambda:InvokeFunction"
    assert permission["sourceArn"] == secret.outputs["arn"] and permission["sourceAccount"] == ACCOUNT
    assert_all_in_portal_region(g)
    assert_tagged(g)


def test_database_rotation_role_reaches_only_its_secret_the_instances_master_secret_and_the_key():
    g = _db()
    role = _named(g, "aws:iam/role:Role", "db-rotation")
    assert role.inputs["name"] == ROTATION_ROLE_NAME
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    secret = _named(g, "aws:secretsmanager/secret:Secret", "db-app-user").outputs["arn"]
    instance = g.by_type("aws:rds/instance:Instance")[0].outputs["arn"]
    master = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:rds!db-*"
    granted = json.loads(_named(g, "aws:iam/rolePolicy:RolePolicy", "db-rotation").inputs["policy"])
    st = {s["Sid"]: s for s in granted["Statement"]}
    assert st["RotateTheSecret"]["Resource"] == secret
    assert st["ReadThisInstancesMasterSecret"]["Resource"] == master
    assert st["ReadThisInstancesMasterSecret"]["Condition"] == {
        "StringEquals": {"secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": instance}}
    assert st["SecretsKeyForTheseSecrets"]["Resource"] == SECRETS_KEY
    assert st["SecretsKeyForTheseSecrets"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"},
        "StringLike": {"kms:EncryptionContext:SecretARN": [secret, master]}}
    assert st["ReadTheInstanceEndpoint"]["Resource"] == instance
    assert st["VpcNetworkInterfaces"]["Condition"] == {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    logs = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/{FUNCTION_NAME}"
    assert st["WriteItsLogs"]["Resource"].startswith(logs)
    assert set(st) == {"RotateTheSecret", "ReadThisInstancesMasterSecret", "GeneratePasswords",
                       "SecretsKeyForTheseSecrets", "ReadTheInstanceEndpoint", "VpcNetworkInterfaces",
                       "WriteItsLogs"}


def test_database_rotation_options():
    alias = pulumi.Alias(name="old-secret")
    g = _db(rotation_days=7, log_retention_days=90,
            app_user_secret_name_prefix="eloket/drupal/db_credentials-", app_user_secret_aliases=[alias])
    rotation = one(g, "aws:secretsmanager/secretRotation:SecretRotation")
    assert rotation["rotationRules"] == {"automaticallyAfterDays": 7}
    secret = _named(g, "aws:secretsmanager/secret:Secret", "db-app-user")
    assert secret.inputs["namePrefix"] == "eloket/drupal/db_credentials-" and secret.aliases
    assert _named(g, "aws:cloudwatch/logGroup:LogGroup", "db-rotation").inputs["retentionInDays"] == 90


@pytest.mark.parametrize("days", [0, 1001])
def test_database_refuses_a_rotation_schedule_secrets_manager_rejects(days):
    with pytest.raises(Exception, match=f"MySqlDatabase db: rotation_days {days} is not 1 to 1000"):
        _db(rotation_days=days)


def test_database_refuses_a_monitoring_interval_rds_rejects():
    with pytest.raises(Exception, match="ValueError: MySqlDatabase db: monitoring_interval 0 is not one of"):
        _db(monitoring_interval=0)


def test_database_options():
    g = _db(identifier="other", instance_class="db.r6g.xlarge", backup_retention_days=14, multi_az=True)
    db = one(g, "aws:rds/instance:Instance")
    assert db["identifier"] == "other" and db["instanceClass"] == "db.r6g.xlarge"
    assert db["backupRetentionPeriod"] == 14


def _cache(**kwargs):
    args = {
        "vpc_id": "vpc-1",
        "subnet_ids": ["a", "b", "c"],
        "client_security_group_ids": ["sg-app"],
        "tags": TAGS,
        **kwargs,
    }
    return record(lambda opts: MemcachedCache("c", MemcachedCacheArgs(**args), opts=opts))


def test_cache_defaults_are_private_tls_and_transient():
    g = _cache()
    c = one(g, "aws:elasticache/cluster:Cluster")
    assert c["engine"] == "memcached" and c["transitEncryptionEnabled"] is True
    assert c["azMode"] == "cross-az" and c["numCacheNodes"] == 3
    assert c["tags"]["dosis-data"] == "none" and c["tags"]["data-retention"] == "transient"
    sg = one(g, "aws:ec2/securityGroup:SecurityGroup")
    assert sg["ingress"][0]["securityGroups"] == ["sg-app"] and sg["ingress"][0]["fromPort"] == 11211
    assert_all_in_portal_region(g)
    assert_tagged(g)


def test_cache_single_node_option():
    c = one(_cache(num_nodes=1, node_type="cache.t4g.micro"), "aws:elasticache/cluster:Cluster")
    assert c["azMode"] == "single-az" and c["nodeType"] == "cache.t4g.micro"
