"""MySqlDatabase and MemcachedCache."""

import json

import pytest
from aws_support import ACCOUNT, KEY, TAGS, assert_all_in_portal_region, assert_tagged, one, record

from components.aws.cache import MemcachedCache, MemcachedCacheArgs
from components.aws.database import LOG_EXPORTS, OS_METRICS_LOG_GROUP, MySqlDatabase, MySqlDatabaseArgs

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
        **kwargs,
    }
    return record(lambda opts: MySqlDatabase("db", MySqlDatabaseArgs(**args), opts=opts))


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
    } | {OS_METRICS_LOG_GROUP}
    assert all(lg.inputs["kmsKeyId"] == LOGS_KEY and lg.protect for lg in groups)
    sg = one(g, "aws:ec2/securityGroup:SecurityGroup")
    assert sg["ingress"][0]["securityGroups"] == ["sg-app"] and not sg.get("egress")
    assert_all_in_portal_region(g)
    assert_tagged(g)


def test_database_enhanced_monitoring_writes_only_to_the_accounts_os_metrics_group():
    g = _db()
    db = one(g, "aws:rds/instance:Instance")
    role = g.by_type("aws:iam/role:Role")[0]
    assert db["monitoringInterval"] == 60 and db["monitoringRoleArn"] == role.outputs["arn"]
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    granted = json.loads(one(g, "aws:iam/rolePolicy:RolePolicy")["policy"])["Statement"]
    group = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:RDSOSMetrics"
    assert granted[0]["Resource"] == [group, f"{group}:*"]
    assert granted[1]["Resource"] == f"{group}:log-stream:*"


def test_database_without_its_own_os_metrics_group():
    g = _db(os_metrics_log_group=False, monitoring_interval=15)
    assert one(g, "aws:rds/instance:Instance")["monitoringInterval"] == 15
    groups = g.by_type("aws:cloudwatch/logGroup:LogGroup")
    assert OS_METRICS_LOG_GROUP not in {lg.inputs["name"] for lg in groups}


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
