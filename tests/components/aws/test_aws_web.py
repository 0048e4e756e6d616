"""WebEntry and ContainerService: HTTPS-only ALB with WAF, private Fargate tasks with their own roles."""

import json

import pytest
from aws_support import ACCOUNT, KEY, TAGS, assert_all_in_portal_region, assert_tagged, doc, one, record

from components.aws import analysis
from components.aws.identity import WorkloadIdentity, WorkloadIdentityArgs
from components.aws.platform import ContainerPlatform, ContainerPlatformArgs
from components.aws.service import ContainerService, ContainerServiceArgs
from components.aws.web import HSTS, MANAGED_RULE_GROUPS, MODERN_TLS_POLICY, WebEntry, WebEntryArgs


def _entry(**kwargs):
    args = {
        "vpc_id": "vpc-1",
        "public_subnet_ids": ["subnet-a", "subnet-b", "subnet-c"],
        "access_log_bucket": "access-logs",
        "waf_log_kms_key_arn": KEY,
        "tags": TAGS,
        **kwargs,
    }
    return record(lambda opts: WebEntry("web", WebEntryArgs(**args), opts=opts))


def test_entry_defaults_are_compliant():
    g = _entry()
    listeners = {r.inputs["port"]: r.inputs for r in g.by_type("aws:lb/listener:Listener")}
    assert listeners[443]["protocol"] == "HTTPS" and listeners[443]["sslPolicy"] == MODERN_TLS_POLICY
    assert listeners[443]["routingHttpResponseStrictTransportSecurityHeaderValue"] == HSTS
    assert listeners[443]["routingHttpResponseServerEnabled"] is False
    redirect = listeners[80]["defaultActions"][0]
    assert redirect["type"] == "redirect" and redirect["redirect"]["protocol"] == "HTTPS"
    lb = one(g, "aws:lb/loadBalancer:LoadBalancer")
    assert lb["accessLogs"] == {"bucket": "access-logs", "enabled": True, "prefix": "alb"}
    assert lb["dropInvalidHeaderFields"] is True and lb["enableDeletionProtection"] is True
    acl = one(g, "aws:wafv2/webAcl:WebAcl")
    assert acl["scope"] == "REGIONAL"
    assert [r["statement"]["managedRuleGroupStatement"]["name"] for r in acl["rules"]] == list(
        MANAGED_RULE_GROUPS
    )
    assert one(g, "aws:wafv2/webAclAssociation:WebAclAssociation")
    waf_logs = one(g, "aws:cloudwatch/logGroup:LogGroup")
    assert waf_logs["name"].startswith("aws-waf-logs-") and waf_logs["kmsKeyId"] == KEY
    assert one(g, "aws:acm/certificate:Certificate")["domainName"] == "www.vlaanderenonderneemt.be"
    validation = one(g, "aws:acm/certificateValidation:CertificateValidation")
    https = next(r for r in g.by_type("aws:lb/listener:Listener") if r.inputs["port"] == 443)
    assert https.inputs["certificateArn"] == validation["certificateArn"]
    sg = one(g, "aws:ec2/securityGroup:SecurityGroup")
    assert [e["cidrBlocks"] for e in sg["egress"]] == [["10.20.0.0/16"]]
    assert_all_in_portal_region(g)
    assert_tagged(g)


def test_entry_with_existing_certificate_and_narrow_ingress():
    cert = f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/abc"
    g = _entry(certificate_arn=cert, ingress_cidrs=("192.0.2.0/24",))
    assert not g.by_type("aws:acm/certificate:Certificate")
    assert not g.by_type("aws:acm/certificateValidation:CertificateValidation")
    https = next(r for r in g.by_type("aws:lb/listener:Listener") if r.inputs["port"] == 443)
    assert https.inputs["certificateArn"] == cert
    assert {c for i in one(g, "aws:ec2/securityGroup:SecurityGroup")["ingress"] for c in i["cidrBlocks"]} == {
        "192.0.2.0/24"
    }


def _service(**kwargs):
    def build(opts):
        ident = WorkloadIdentity("svc", WorkloadIdentityArgs(account_id=ACCOUNT, tags=TAGS), opts=opts)
        args = {
            "cluster_arn": "arn:cluster",
            "identity": ident,
            "vpc_id": "vpc-1",
            "subnet_ids": ["subnet-a"],
            "vpc_cidr": "10.20.0.0/16",
            "s3_prefix_list_id": "pl-1",
            "listener_arn": "arn:listener",
            "alb_security_group_id": "sg-alb",
            "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/eloket/app:1.0.0",
            "image_repository_arn": "arn:aws:ecr:eu-west-1:111122223333:repository/eloket/app",
            "path_patterns": ("/*",),
            "priority": 100,
            "log_kms_key_arn": KEY,
            "tags": TAGS,
            **kwargs,
        }
        ContainerService("svc", ContainerServiceArgs(**args), opts=opts)

    return record(build)


def test_service_defaults_are_private_and_least_privilege():
    g = _service()
    svc = one(g, "aws:ecs/service:Service")
    (rule,) = g.by_type("aws:lb/listenerRule:ListenerRule")
    assert rule.urn in g.by_type("aws:ecs/service:Service")[0].dependencies
    assert svc["networkConfiguration"]["assignPublicIp"] is False
    assert svc["enableExecuteCommand"] is False
    ingress = one(g, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert ingress["referencedSecurityGroupId"] == "sg-alb" and "cidrIpv4" not in ingress
    assert not g.by_type("aws:secretsmanager/secret:Secret")
    policies = g.by_type("aws:iam/rolePolicy:RolePolicy")
    assert len(policies) == 1  # execution role only: the task role has no permissions by default
    exec_doc = doc(policies[0].inputs["policy"])
    assert not analysis.allows(exec_doc, "secretsmanager:GetSecretValue")
    assert not analysis.allows(exec_doc, "s3:GetObject")
    pull = next(s for s in exec_doc["Statement"] if s.get("Sid") == "PullImage")   # its repository only
    assert pull["Resource"] in ("arn:aws:ecr:eu-west-1:111122223333:repository/eloket/app",
                                ["arn:aws:ecr:eu-west-1:111122223333:repository/eloket/app"])
    container = json.loads(one(g, "aws:ecs/taskDefinition:TaskDefinition")["containerDefinitions"])[0]
    assert container["readonlyRootFilesystem"] is True
    assert container["logConfiguration"]["options"]["awslogs-region"] == "eu-west-1"
    assert one(g, "aws:cloudwatch/logGroup:LogGroup")["kmsKeyId"] == KEY
    assert one(g, "aws:lb/targetGroup:TargetGroup")["protocol"] == "HTTPS"
    assert_all_in_portal_region(g)
    assert_tagged(g)


def test_service_secrets_come_from_secrets_manager_under_cmk():
    stmt = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::cfg/*"}
    g = _service(
        secret_names=("DB_CREDENTIALS",),
        secrets_kms_key_arn=KEY,
        task_statements=[stmt],
        security_group_id="sg-app",
    )
    secret = one(g, "aws:secretsmanager/secret:Secret")
    assert secret["kmsKeyId"] == KEY and "secretString" not in secret
    assert g.by_type("aws:secretsmanager/secret:Secret")[0].protect
    assert not g.by_type("aws:secretsmanager/secretVersion:SecretVersion")
    container = json.loads(one(g, "aws:ecs/taskDefinition:TaskDefinition")["containerDefinitions"])[0]
    assert [s["name"] for s in container["secrets"]] == ["DB_CREDENTIALS"]
    docs = [doc(p.inputs["policy"]) for p in g.by_type("aws:iam/rolePolicy:RolePolicy")]
    assert any(analysis.allows(d, "secretsmanager:GetSecretValue") for d in docs)
    assert any(analysis.allows(d, "s3:GetObject") for d in docs)
    assert not g.by_type("aws:ec2/securityGroup:SecurityGroup")  # reuses the given group


def test_service_rejects_secrets_without_key():
    with pytest.raises(Exception, match="secrets_kms_key_arn"):
        _service(secret_names=("X",))


def test_platform_repositories_are_immutable_scanned_and_cmk():
    g = record(
        lambda opts: ContainerPlatform(
            "p", ContainerPlatformArgs(tags=TAGS, image_kms_key_arn=KEY, log_kms_key_arn=KEY), opts=opts
        )
    )
    for repo in g.by_type("aws:ecr/repository:Repository"):
        assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repo.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": KEY}]
        assert repo.protect
    assert one(g, "aws:ecs/cluster:Cluster")["settings"] == [
        {"name": "containerInsights", "value": "enabled"}
    ]


def test_service_scratch_volumes_shared_files_and_json_key_secrets():
    """Issue 16: Drupal ran read-only with nowhere to write and whole-secret env values."""
    files = {
        "name": "files",
        "efs_volume_configuration": {"file_system_id": "fs-1", "transit_encryption": "ENABLED"},
    }
    g = _service(
        secret_names=("DB_CREDENTIALS", "SALT"),
        secret_keys={
            "DB_USER": ("DB_CREDENTIALS", "username"),
            "DB_PASSWORD": ("DB_CREDENTIALS", "password"),
        },
        secrets_kms_key_arn=KEY,
        volumes=[(files, "/var/www/html/sites/default/files")],
        declared_egress_cidrs=("192.0.2.10/32",),
    )
    task = one(g, "aws:ecs/taskDefinition:TaskDefinition")
    container = json.loads(task["containerDefinitions"])[0]
    mounts = {m["containerPath"]: m["sourceVolume"] for m in container["mountPoints"]}
    assert mounts == {"/tmp": "scratch0", "/var/www/html/sites/default/files": "files"}
    assert [v["name"] for v in task["volumes"]] == ["scratch0", "files"]
    refs = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert set(refs) == {"SALT", "DB_USER", "DB_PASSWORD"}
    assert refs["DB_USER"].endswith(":username::") and refs["DB_PASSWORD"].endswith(":password::")
    egress = [r.inputs for r in g.by_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")]
    assert {"cidrIpv4": "192.0.2.10/32", "fromPort": 443}.items() <= next(
        e for e in egress if e.get("cidrIpv4") == "192.0.2.10/32"
    ).items()
    with pytest.raises(Exception, match="secret_keys name secrets not in secret_names"):
        _service(secret_names=("A",), secret_keys={"X": ("B", "k")}, secrets_kms_key_arn=KEY)


def test_service_reads_a_secret_another_component_owns():
    """The database owns and rotates the application user's secret; the service only reads it."""
    owned = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:eloket/drupal/db_credentials-AbCdEf"
    g = _service(
        secret_names=("SALT",),
        external_secrets={"DB_CREDENTIALS": owned},
        secret_keys={"DB_USER": ("DB_CREDENTIALS", "username"),
                     "DB_PASSWORD": ("DB_CREDENTIALS", "password")},
        secrets_kms_key_arn=KEY,
    )
    assert len(g.by_type("aws:secretsmanager/secret:Secret")) == 1  # only SALT is the service's own
    container = json.loads(one(g, "aws:ecs/taskDefinition:TaskDefinition")["containerDefinitions"])[0]
    refs = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert refs["DB_USER"] == f"{owned}:username::" and refs["DB_PASSWORD"] == f"{owned}:password::"
    assert set(refs) == {"SALT", "DB_USER", "DB_PASSWORD"}
    policies = [doc(p.inputs["policy"]) for p in g.by_type("aws:iam/rolePolicy:RolePolicy")]
    reads = [s for d in policies for s in d["Statement"] if s.get("Sid") == "ReadSecrets"]
    assert len(reads) == 1 and owned in reads[0]["Resource"] and len(reads[0]["Resource"]) == 2
    with pytest.raises(Exception, match="secrets_kms_key_arn"):
        _service(external_secrets={"DB_CREDENTIALS": owned})
