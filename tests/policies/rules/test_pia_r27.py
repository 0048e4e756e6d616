"""Round-27 blind probe classes (docs/pia-conditions.md, round 27): the service roles everyday workloads
attach, break-glass event patterns with `$or`, Data Factory linked services and Glue connections judged for
TLS, Secrets Manager replicas' keys, EventBridge targets in other accounts, ECS Exec sessions recorded. One
failing mutation per message, exact text."""

import copy

from ruletest import KEY, case, patch, res, run
from ruletest import messages_of as _of

from policies.core.iam.breakglass import alternatives

MFA = "require-admin-mfa"
SOD = "require-separation-of-duties"
PUB = "disallow-public-data-access"
RET = "require-audit-log-retention"
CMK = "require-customer-managed-keys"
TLS = "require-tls-1-2"
CLOSED = "require-judgeable-data-types"


def _props(resources, name, **changes):
    out = copy.deepcopy(resources)
    for r in out:
        if r["name"] == name:
            r["inputs"]["properties"] = {**r["inputs"]["properties"], **changes}
    return out


# ------------------------------------------------------------------ service roles of everyday workloads


def test_service_role_managed_policies_are_known():
    for stem in ("r27p-51", "r27p-52", "r27p-55", "r27p-57", "r27p-60"):
        assert run(SOD, case(stem)) == [], stem
    unknown = patch(case("r27p-51"), "fn-basic", policyArn="arn:aws:iam::aws:policy/AWSLambdaExecute")
    assert _of(run(SOD, unknown), "fn-role") == [
        "AWS-managed policy AWSLambdaExecute is not known to the gate, so the functions it grants cannot be "
        "judged (use a policy of this stack)"
    ]


def test_storage_blob_data_owner_is_known():
    assert run(SOD, case("r27p-53")) == []


# ------------------------------------------------------------------ break-glass patterns with $or

BG = "r27p-59"
NOT_WATCHED = (
    "break-glass role is recorded, but the enabled 'break-glass-used' with a target does not watch it: its "
    "event pattern, or the metric filter feeding the alarm (on the log group a trail delivers to), must "
    "compare a CloudTrail identity field (e.g. requestParameters.roleArn, userIdentity.arn) with the "
    "principal or its ARN, and select nothing else (an event name or source narrows it to some uses; only "
    "AssumeRole events may be selected with the assumed role's ARN; an unknown or unparsable pattern cannot "
    "be judged)"
)


def test_or_branches_each_merged_with_the_rest():
    assert alternatives('{"a": ["x"], "$or": [{"b": ["y"]}, {"c": ["z"]}]}') == [
        {"a": ["x"], "b": ["y"]},
        {"a": ["x"], "c": ["z"]},
    ]
    assert alternatives("not json") == []
    wide = {"$or": [{f"k{i}": ["v"]} for i in range(9)]}
    assert alternatives({"x": wide, "y": wide}) == []  # 81 alternatives: beyond what is read


def test_break_glass_rule_with_or_watches_the_role():
    assert run(MFA, case(BG)) == []
    narrowed = (
        '{"detail":{"eventName":["ConsoleLogin"]},"$or":[{"detail":{"userIdentity":{"arn":'
        '["arn:aws:iam::111122223333:role/break-glass"]}}},{"detail":{"requestParameters":{"roleArn":'
        '["arn:aws:iam::111122223333:role/break-glass"]}}}]}'
    )
    assert _of(run(MFA, patch(case(BG), "break-glass-used", eventPattern=narrowed)), "break-glass") == [
        NOT_WATCHED
    ]
    clash = (
        '{"detail-type":["AWS Console Sign In via CloudTrail"],"$or":[{"detail-type":'
        '["AWS API Call via CloudTrail"],"detail":{"userIdentity":{"arn":'
        '["arn:aws:iam::111122223333:role/break-glass"]}}}]}'
    )
    assert _of(run(MFA, patch(case(BG), "break-glass-used", eventPattern=clash)), "break-glass") == [
        NOT_WATCHED
    ]


# ------------------------------------------------------------------ Data Factory linked services

ADF = "r27p-58"
FTP = "r27p-03"


def test_linked_services_are_judged_for_tls():
    assert run(TLS, case(ADF)) == []
    assert run(CLOSED, case(ADF)) == []
    assert _of(run(TLS, case(FTP)), "ls-ftp") == [
        "`properties.enableSsl` is false: FTP sends the files and the password in plain text"
    ]
    expr = _props(case(FTP), "ls-ftp", enableSsl="@pipeline().parameters.ssl")
    assert _of(run(TLS, expr), "ls-ftp") == [
        "`properties.enableSsl` is not a literal, so whether FTP runs over TLS cannot be judged"
    ]
    assert _of(run(TLS, _props(case(FTP), "ls-ftp", enableSsl=None)), "ls-ftp") == []


def test_http_links_use_https():
    rest = {
        "type": "RestService",
        "url": "http://api.gemeente.example.be/v1",
        "authenticationType": "Anonymous",
    }
    res = patch(case(FTP), "ls-ftp", properties=rest)
    assert _of(run(TLS, res), "ls-ftp") == [
        "`properties.url` is 'http://api.gemeente.example.be/v1': use https://"
    ]
    res = patch(case(FTP), "ls-ftp", properties={**rest, "url": "@linkedService().url"})
    assert _of(run(TLS, res), "ls-ftp") == [
        "`properties.url` is not a literal URL, so whether the link uses https cannot be judged"
    ]
    res = patch(case(FTP), "ls-ftp", properties={**rest, "url": "https://api.gemeente.example.be/v1"})
    assert _of(run(TLS, res), "ls-ftp") == []


def test_plain_endpoints_sql_server_and_unknown_types():
    blob = _props(case(ADF), "ls-blob", serviceEndpoint="http://stcorpus.blob.core.windows.net/")
    assert _of(run(TLS, blob), "ls-blob") == [
        "`properties.serviceEndpoint` uses plain http: the data crosses the network without TLS; use https"
    ]
    sql = {"type": "SqlServer", "server": "db01.gemeente.local", "database": "burgers"}
    assert _of(run(TLS, patch(case(ADF), "ls-sql", properties=sql)), "ls-sql") == [
        "SQL Server linked service without `encrypt` mandatory or strict: TDS may run unencrypted"
    ]
    assert (
        _of(run(TLS, patch(case(ADF), "ls-sql", properties={**sql, "encrypt": "mandatory"})), "ls-sql") == []
    )
    db2 = {"type": "Db2", "server": "db02.gemeente.local"}  # MySql since round 29, Oracle since round 31
    assert _of(run(TLS, patch(case(ADF), "ls-sql", properties=db2)), "ls-sql") == [
        "linked service type 'Db2' cannot be judged for TLS; the gate judges Azure's TLS-only services "
        "(Blob, Data Lake, SQL, Key Vault, Cosmos DB, …), FtpServer with enableSsl, HttpServer/RestService/"
        "OData/Web/SapEcc/SapCloudForCustomer on https://, SftpServer, SqlServer with encrypt mandatory or "
        "strict, Snowflake, "
        "MySql/MariaDB/PostgreSqlV2/AzurePostgreSql/Greenplum/AzureMySql with sslMode require or stricter, "
        "Oracle and Teradata version 2.0 (encryption required; sslMode Require or stricter), SapTable and "
        "SapOdp with SNC on at quality of protection 3 (privacy)"
    ]


# ------------------------------------------------------------------ Glue connections

GLUE = "r27p-05"


def test_glue_connections_enforce_tls():
    assert _of(run(TLS, case(GLUE)), "jdbc") == [
        '`JDBC_ENFORCE_SSL` is not "true": Glue may read the database without TLS'
    ]
    on = {"JDBC_CONNECTION_URL": "jdbc:postgresql://h:5432/d", "JDBC_ENFORCE_SSL": "true"}
    assert _of(run(TLS, patch(case(GLUE), "jdbc", connectionProperties=on)), "jdbc") == []
    kafka = patch(
        case(GLUE), "jdbc", connectionType="KAFKA", connectionProperties={"KAFKA_BOOTSTRAP_SERVERS": "b:9092"}
    )
    assert _of(run(TLS, kafka), "jdbc") == [
        '`KAFKA_SSL_ENABLED` is not "true": Glue may read the topics without TLS'
    ]
    assert (
        _of(run(TLS, patch(case(GLUE), "jdbc", connectionType="NETWORK", connectionProperties={})), "jdbc")
        == []
    )
    mongo = patch(case(GLUE), "jdbc", connectionType="MONGODB")
    assert _of(run(TLS, mongo), "jdbc") == [
        "connection type 'MONGODB' cannot be judged for TLS; the gate judges JDBC (JDBC_ENFORCE_SSL), KAFKA "
        "(KAFKA_SSL_ENABLED) and NETWORK connections"
    ]


# ------------------------------------------------------------------ Secrets Manager replicas

SECRET = "r27p-02"


def test_secret_replicas_have_customer_keys():
    assert _of(run(CMK, case(SECRET)), "partner-secret") == [
        "`replicas.0.kmsKeyId` is not set: the data would be encrypted with a provider-managed key"
    ]
    managed = [{"region": "eu-central-1", "kmsKeyId": "alias/aws/secretsmanager"}]
    assert _of(run(CMK, patch(case(SECRET), "partner-secret", replicas=managed)), "partner-secret") == [
        "`replicas.0.kmsKeyId` is the AWS-managed key 'alias/aws/secretsmanager'; use a customer-managed key"
    ]
    dr = "arn:aws:kms:eu-central-1:111122223333:key/mrk-dr"
    own = patch(case(SECRET), "partner-secret", replicas=[{"region": "eu-central-1", "kmsKeyId": dr}])
    replica = res(
        "dr-key", "aws:kms/replicaKey:ReplicaKey", {"primaryKeyArn": KEY, "deletionWindowInDays": 30}
    )
    for r in own:
        if r["name"] == "partner-secret":
            r["refs"] = {**r["refs"], "replicas": "dr-key"}
    assert _of(run(CMK, [*own, replica]), "partner-secret") == []


# ------------------------------------------------------------------ EventBridge targets

BUS = "r27p-04"


def test_event_targets_stay_in_the_stacks_accounts():
    assert _of(run(PUB, case(BUS)), "to-siem") == [
        "`arn` sends the matched events to the account 999988887777, which the stack's PIA record does not "
        "name (`aws_accounts`): another party's people reach the data unjudged (no MFA, duties or exposure "
        "checks); grant only the stack's accounts, or name the account in the record (who holds it, why)"
    ]
    # fed from a resource of the stack, the target is that resource (preview may show a placeholder account);
    # a StackReference's output is no resource of the stack
    fed = copy.deepcopy(case(BUS))
    ref = res("siem-stack", "pulumi:pulumi:StackReference", {"name": "org/siem/prod"})
    for r in fed:
        if r["name"] == "to-siem":
            r["refs"] = {**r["refs"], "arn": "siem-stack"}
    assert len(_of(run(PUB, [*fed, ref]), "to-siem")) == 1
    bus = res("own-bus", "aws:cloudwatch/eventBus:EventBus", {"name": "soc-intake"})
    for r in fed:
        if r["name"] == "to-siem":
            r["refs"]["arn"] = "own-bus"
    assert _of(run(PUB, [*fed, bus]), "to-siem") == []
    own = patch(case(BUS), "to-siem", arn="arn:aws:events:eu-west-1:444455556666:event-bus/soc-intake")
    assert _of(run(PUB, own), "to-siem") == []  # the log-archive account: the PIA record names it
    dlq = patch(own, "to-siem", deadLetterConfig={"arn": "arn:aws:sqs:eu-west-1:999988887777:dlq"})
    assert _of(run(PUB, dlq), "to-siem") == [
        "`deadLetterConfig.arn` sends the matched events to the account 999988887777, which the stack's PIA "
        "record does not name (`aws_accounts`): another party's people reach the data unjudged (no MFA, "
        "duties or exposure checks); grant only the stack's accounts, or name the account in the record (who "
        "holds it, why)"
    ]


# ------------------------------------------------------------------ ECS Exec sessions

EXEC = "r27p-01"
HOW = (
    "set the cluster's `configuration.executeCommandConfiguration` to logging OVERRIDE with "
    "`logConfiguration.cloudWatchLogGroupName` a log group the stack declares"
)


def _exec(logging, **log):
    conf = {"executeCommandConfiguration": {"kmsKeyId": "k", "logging": logging, **log}}
    return patch(case(EXEC), "cluster", configuration=conf)


def test_ecs_exec_sessions_are_recorded_ten_years():
    assert _of(run(RET, case(EXEC)), "cluster") == [
        "ECS Exec is on for a service of the cluster but its sessions' logging is 'NONE': what people type "
        f"and read in the containers is not recorded in a log group the stack keeps ten years; {HOW}"
    ]
    # DEFAULT (nothing set) is traced to the task definition's awslogs group since round 29
    assert _of(run(RET, patch(case(EXEC), "cluster", configuration=None)), "app-logs") == [
        "the log group '/ecs/subsidies' records ECS Exec sessions in container 'app' and keeps 400 days; "
        "keep it at least 3650 days (or leave retentionInDays unset: never expire)"
    ]
    elsewhere = _exec("OVERRIDE", logConfiguration={"cloudWatchLogGroupName": "/ecs/exec-other"})
    assert _of(run(RET, elsewhere), "cluster") == [
        f"ECS Exec sessions are recorded in '/ecs/exec-other', not a log group of the stack; {HOW}"
    ]
    short = _exec("OVERRIDE", logConfiguration={"cloudWatchLogGroupName": "/ecs/subsidies"})
    assert _of(run(RET, short), "app-logs") == [
        "the log group '/ecs/subsidies' records ECS Exec sessions (commands run in containers) and keeps 400 "
        "days; keep it at least 3650 days (or leave retentionInDays unset: never expire)"
    ]
    long = patch(short, "app-logs", retentionInDays=3653)
    assert run(RET, long) == []


def test_ecs_exec_needs_the_cluster_of_the_stack():
    alone = [r for r in case(EXEC) if r["name"] != "cluster"]
    for r in alone:
        r.get("refs", {}).pop("cluster", None)
    assert _of(run(RET, alone), "service") == [
        "ECS Exec is on but the service's cluster is not one of the stack, so where its sessions are "
        f"recorded cannot be judged; declare the cluster and {HOW}"
    ]
    assert run(RET, patch(case(EXEC), "service", enableExecuteCommand=False)) == []
