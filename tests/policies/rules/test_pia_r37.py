"""Round-37 blind probe classes (docs/pia-conditions.md, round 37): credentials in clear in SageMaker models,
MSK Connect connectors, Kubernetes workloads and Helm values; bare KMS key ids in settings; standing
credentials (access keys, Roles Anywhere) holding functions; Step Functions executions; workloads that may
shorten the trail's log group and log groups adopted twice; RAM shares; dynamic Entra groups; SageMaker
endpoint configuration keys. One failing mutation per message, exact text."""

from ruletest import KEY, case, doc, patch, res, run, undeclared_key, with_
from ruletest import messages_of as _of
from ruletest import settings_message as _settings

from policies.core.view import UNKNOWN

MFA, CMK, SOD = "require-admin-mfa", "require-customer-managed-keys", "require-separation-of-duties"
TLS, PUB, RET = "require-tls-1-2", "disallow-public-data-access", "require-audit-log-retention"
_NAMED = "its name says it is a password, key or token"
_K8S = "a read of the object in its namespace (Kubernetes RBAC get)"
_FAIL_CLOSED = "cannot be judged; the resource is treated as non-compliant (fail closed)"


def test_compliant_programs_pass():
    for n in range(51, 62):
        stem = f"r37p-{n}"
        for rule in (MFA, CMK, SOD, TLS, PUB, RET):
            assert run(rule, case(stem)) == [], (stem, rule)


def test_sagemaker_model_and_msk_connector_settings():
    assert _of(run(MFA, case("r37p-02")), "model") == _settings(
        f"`primaryContainer.environment.FEATURE_DB_PASSWORD` ({_NAMED})", "sagemaker:DescribeModel"
    )
    container = {"image": "img", "environment": {"API_TOKEN": "x"}}
    multi = patch(case("r37p-55"), "model", primaryContainer=None, containers=[container])
    assert _of(run(MFA, multi), "model") == _settings(
        f"`containers[0].environment.API_TOKEN` ({_NAMED})", "sagemaker:DescribeModel"
    )
    assert _of(run(MFA, case("r37p-11")), "sink") == _settings(
        f"`connectorConfiguration.connection.password` ({_NAMED})", "kafkaconnect:DescribeConnector"
    )


def test_msk_connector_transport():
    plain = patch(case("r37p-57"), "sink", kafkaClusterEncryptionInTransit=None)
    assert _of(run(TLS, plain), "sink") == [
        "`kafkaClusterEncryptionInTransit.encryptionType` is PLAINTEXT (the default): the connector reads "
        "and writes records over plain text; set TLS"
    ]
    unknown = patch(case("r37p-57"), "sink", kafkaClusterEncryptionInTransit={"encryptionType": UNKNOWN})
    assert _of(run(TLS, unknown), "sink") == [
        "`kafkaClusterEncryptionInTransit.encryptionType` is unknown during preview, so the connector's "
        f"transport {_FAIL_CLOSED}"
    ]


def test_kubernetes_workloads_config_maps_and_helm_values():
    assert _of(run(MFA, case("r37p-03")), "api") == _settings(
        f"`spec.template.spec.containers[0].env[2]` (DB_PASSWORD: {_NAMED})", _K8S
    )
    assert _of(run(MFA, case("r37p-14")), "mail-config") == _settings(
        f"`data.SMTP_PASSWORD` ({_NAMED})", _K8S
    )
    deployment = next(r for r in case("r37p-03") if r["name"] == "api")
    cron = res(
        "nightly",
        "kubernetes:batch/v1:CronJob",
        {
            "spec": {
                "schedule": "0 2 * * *",
                "jobTemplate": {"spec": {"template": deployment["inputs"]["spec"]["template"]}},
            }
        },
    )
    assert _of(run(MFA, with_(case("r37p-54"), cron)), "nightly") == _settings(
        f"`spec.jobTemplate.spec.template.spec.containers[0].env[2]` (DB_PASSWORD: {_NAMED})", _K8S
    )
    auth = {"username": "reporting", "existingSecret": "db-auth"}  # checkov:skip=CKV_SECRET_6: a name
    by_secret = {"auth": auth}
    assert _of(run(MFA, patch(case("r37p-13"), "pg", values=by_secret)), "pg") == []
    assert _of(run(MFA, case("r37p-13")), "pg") == _settings(
        f"`values.auth.postgresPassword` ({_NAMED}), `values.auth.password` ({_NAMED})",
        "helm get values (a read of the release's Secret)",
    )


def test_bare_key_ids_in_settings():
    assert _of(run(CMK, case("r37p-01")), "fn") == undeclared_key(
        "environment.variables.DATA_KEY_ID", "7c1e9a52-3f4b-4d8e-9a61-0b2c5d7e8f90"
    )
    assert _of(run(CMK, case("r37p-15")), "fn") == undeclared_key(
        "environment.variables.KMS_KEY", "mrk-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    )
    # the stack's key named again by its id beside a field it feeds (r36p-51) is that key
    assert _of(run(CMK, case("r36p-51")), "fn") == []
    # ... but not when no field of the resource is fed by it
    unfed = patch(case("r37p-51"), "fn", kmsKeyArn=None, environment={"variables": {"KEY_ID": KEY[-36:]}})
    for r in unfed:
        r["refs"] = {}
    assert _of(run(CMK, unfed), "fn") == [
        "`kmsKeyArn` is not set: the data would be encrypted with a provider-managed key",
        *undeclared_key("environment.variables.KEY_ID", KEY[-36:]),
    ]


def test_access_key_user_holding_a_function():
    assert _of(run(MFA, case("r37p-04")), "jenkins") == [
        "the IAM user signs in with a long-term access key and holds database structure: whoever holds the "
        "key administers without a second factor; deny its actions without MFA (Deny … BoolIfExists "
        "aws:MultiFactorAuthPresent false, so the key works only through an MFA session), or move the job to "
        "a pipeline role federated with a pinned subject (OIDC) or a service role"
    ]
    deny = doc(
        {"Effect": "Allow", "Action": ["rds:ModifyDBInstance"], "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    )
    assert _of(run(MFA, patch(case("r37p-04"), "jenkins-policy", policy=deny)), "jenkins") == []
    assert run(MFA, case("r37p-58")) == []  # a key without a function stays a workload


def test_roles_anywhere():
    assert _of(run(MFA, case("r37p-06")), "dba-anywhere") == [
        "trust statement 0 lets IAM Roles Anywhere hand the role to whoever holds a certificate of its "
        "trust anchor, and the role holds database structure: a certificate is a standing credential with "
        "no second factor IAM can see; keep functions on roles people assume with MFA or on pinned pipelines"
    ]
    outside = patch(case("r37p-53"), "export-profile", roleArns=["arn:aws:iam::111122223333:role/elsewhere"])
    for r in outside:
        r.get("refs", {}).pop("roleArns", None)
    assert _of(run(MFA, outside), "export-profile") == [
        "`roleArns` names arn:aws:iam::111122223333:role/elsewhere, which the stack does not declare: what a "
        "certificate holder may do with it cannot be judged; name roles of this stack"
    ]
    unknown = patch(case("r37p-53"), "export-profile", roleArns=UNKNOWN)
    assert _of(run(MFA, unknown), "export-profile") == [
        "`roleArns` is not known at preview: which roles the profile hands out cannot be judged; name roles "
        "of this stack"
    ]


def test_starting_a_state_machine_acts_as_its_role():
    assert _of(run(SOD, case("r37p-05")), "db-admin") == [
        "the role holds 2 separated functions: database structure, key administration (through running "
        "code as key-maintenance)"
    ]
    assert run(SOD, case("r37p-52")) == []


def test_workloads_that_may_shorten_the_trail_log_group():
    assert _of(run(RET, case("r37p-08")), "hygiene-role") == [
        "the role may shorten or delete the trail's log group trail (logs:PutRetentionPolicy / "
        "logs:DeleteLogGroup on a pattern that matches it): a workload could cut the copy kept for analysis "
        "below what the gate judged; scope the action to the log groups the workload owns (their ARNs, not "
        "`*`)"
    ]
    assert run(RET, case("r37p-59")) == []


def test_log_group_adopted_twice():
    assert _of(run(RET, case("r37p-09")), "trail") == [
        "the trail's log group trail-logs-costs keeps 30 days; keep at least 365 for analysis"
    ]


def test_ram_shares():
    found = _of(run(PUB, case("r37p-10")), "clone-share-analytics")
    assert found == [
        "the RAM share gives arn:aws:rds:eu-west-1:111122223333:cluster:aurora to 999988887777, which the "
        "stack's PIA record does not name (`aws_accounts`) (an organisation or unit is every account in it): "
        "another party's people "
        "reach the data unjudged (no MFA, duties or exposure checks); share data only with the stack's "
        "accounts, and share only network plumbing (subnets, transit gateways, prefix lists, IPAM pools, "
        "resolver rules) beyond them"
    ]
    alone = [r for r in case("r37p-60") if r["name"] not in ("share-subnet-a", "share-subnet-b")]
    assert _of(run(PUB, alone), "share-org")[0].startswith(
        "the RAM share gives resources the stack does not show to arn:aws:organizations::"
    )
    unknown = patch(case("r37p-60"), "share-org", principal=UNKNOWN)
    assert _of(run(PUB, unknown), "share-org") == [
        f"`principal` is unknown during preview, so who the RAM share is shared with {_FAIL_CLOSED}"
    ]
    unread = patch(case("r37p-60"), "share-subnet-a", resourceArn=UNKNOWN)
    assert _of(run(PUB, unread), "share-org") == [
        f"`resourceArn` is unknown during preview, so what the RAM share holds {_FAIL_CLOSED}"
    ]


def test_dynamic_groups_holding_a_function():
    assert _of(run(SOD, case("r37p-12")), "ra-keys") == [
        "the Entra group kv-ops has dynamic membership and holds key administration: whoever matches its "
        "rule (or whoever may edit the attribute it reads) holds the function, so separation of duties "
        "cannot be judged; grant functions to an assigned group whose members are declared, or through PIM "
        "for Groups"
    ]
    assigned = patch(case("r37p-12"), "kv-ops", types=None, dynamicMembership=None)
    assert _of(run(SOD, assigned), "ra-keys") == []


def test_sagemaker_endpoint_configuration_keys():
    no_key = patch(case("r37p-55"), "endpoint-config", kmsKeyArn=None)
    assert _of(run(CMK, no_key), "endpoint-config") == [
        "`kmsKeyArn` is not set: the data would be encrypted with a provider-managed key"
    ]
    assert _of(run(CMK, case("r37p-22")), "endpoint-config") == [
        "`dataCaptureConfig.kmsKeyId` is not set: the data would be encrypted with a provider-managed key"
    ]
    asynchronous = patch(case("r37p-55"), "endpoint-config", asyncInferenceConfig={"outputConfig": {}})
    assert _of(run(CMK, asynchronous), "endpoint-config") == [
        "`asyncInferenceConfig.outputConfig.kmsKeyId` is not set: the data would be encrypted with a "
        "provider-managed key"
    ]
    unknown = patch(case("r37p-55"), "endpoint-config", productionVariants=UNKNOWN)
    assert _of(run(CMK, unknown), "endpoint-config") == [
        f"`productionVariants` is unknown during preview, so which variants need a volume key {_FAIL_CLOSED}"
    ]
    nvme = patch(
        case("r37p-61"),
        "endpoint-config",
        productionVariants=[{"variantName": "gpu", "modelName": "m", "instanceType": "ml.g5.xlarge"}],
    )
    assert _of(run(CMK, nvme), "endpoint-config") == []
