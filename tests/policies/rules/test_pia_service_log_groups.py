"""Session 19: the other services that create their own log group when the stack declares none (EKS control
planes, ECS awslogs containers, API Gateway execution logging; `evil/d19`-`d22`), and the audit categories of
Cassandra clusters and Cosmos DB for PostgreSQL. One test per new message, on the compliant case each
evasion came from."""

import copy
import json

from policy_testlib import UNKNOWN
from ruletest import KEY, TAGS, case, patch, res, run, with_
from ruletest import messages_of as _of

CMK = "require-customer-managed-keys"
SIEM = "require-siem-logging"
CREATED = "the service creates it with no customer-managed key and no retention the stack sets"
OUTSIDE = "a group outside it, whose key and retention are not judged here (if none exists, the task fails)"
DECLARE = "declare it (aws.cloudwatch.LogGroup with kmsKeyId)"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _missing(who: str, shown: str, why: str, how: str) -> str:
    return f"{who} writes to {shown}, which the stack does not declare: {why}; {DECLARE}{how}"


def _unknown(path: str, what: str) -> str:
    return (
        f"`{path}` is unknown during preview, so {what} cannot be judged; the resource is treated as "
        "non-compliant (fail closed)"
    )


def _group_named_from(resource: str, source: str) -> dict:
    """LogGroup(name=source.<output>.apply(...)): the group's name is fed from `source`."""
    inputs = {"retentionInDays": 3653, "kmsKeyId": KEY, "tags": TAGS}
    return res(resource, LOG_GROUP, inputs, refs={"kmsKeyId": "key", "name": source})


def test_an_eks_control_plane_logs_into_a_group_the_stack_declares():
    eks = case("r14p-45")
    assert _of(run(CMK, eks), "eks") == []
    undeclared = with_(eks, drop=("eks-logs",))
    how = " before the cluster"
    assert _of(run(CMK, undeclared), "eks") == [
        _missing("the cluster's control plane", "'/aws/eks/portal/cluster'", CREATED, how)
    ]
    autonamed = copy.deepcopy(undeclared)
    next(r for r in autonamed if r["name"] == "eks")["inputs"].pop("name")
    assert _of(run(CMK, autonamed), "eks") == [
        _missing("the cluster's control plane", "a group named from its output", CREATED, how)
    ]
    assert _of(run(CMK, with_(autonamed, _group_named_from("eks-logs", "eks"))), "eks") == []
    assert _of(run(CMK, patch(undeclared, "eks", enabledClusterLogTypes=[])), "eks") == []  # no logs sent


def _with_logging(defs: str, **options: str) -> str:
    parsed = json.loads(defs)
    parsed[0]["logConfiguration"]["options"].update(options)
    return json.dumps(parsed)


def test_an_ecs_container_logs_into_a_group_the_stack_declares():
    task = case("r36p-52")
    assert _of(run(CMK, task), "api-task") == []
    undeclared = with_(task, drop=("api-logs",))
    how = " and name it in `awslogs-group`"
    assert _of(run(CMK, undeclared), "api-task") == [
        _missing("the container 'api'", "'/ecs/eloket-api'", OUTSIDE, how)
    ]
    defs = next(r for r in task if r["name"] == "api-task")["inputs"]["containerDefinitions"]
    created = patch(
        undeclared, "api-task", containerDefinitions=_with_logging(defs, **{"awslogs-create-group": "true"})
    )
    assert _of(run(CMK, created), "api-task") == [
        _missing("the container 'api'", "'/ecs/eloket-api'", CREATED, how)
    ]
    assert _of(run(CMK, patch(undeclared, "api-task", containerDefinitions=UNKNOWN)), "api-task") == [
        _unknown("containerDefinitions", "which log groups the containers write to")
        + "; build them from the name of the stack's log group they write to (Output.json_dumps)"
    ]
    fed = patch(task, "api-task", containerDefinitions=UNKNOWN)  # Output.json_dumps over the group's name
    next(r for r in fed if r["name"] == "api-task").setdefault("refs", {})["containerDefinitions"] = (
        "api-logs"
    )
    assert _of(run(CMK, fed), "api-task") == []
    assert _of(run(CMK, patch(task, "api-task", containerDefinitions="[{")), "api-task") == [
        "`containerDefinitions` is not JSON: which log groups the containers write to cannot be read"
    ]


EXECUTION_HOW = ", named from the API's id, before the stage"


def test_rest_api_execution_logs_go_into_a_group_named_from_the_api():
    api = case("r9-aws-ok-api-gateway-lambda")
    assert _of(run(CMK, api), "prod-settings") == []
    undeclared = with_(api, drop=("prod-execution-logs",))
    assert _of(run(CMK, undeclared), "prod-settings") == [
        _missing("API Gateway's execution logging", "a group named from the API's id", CREATED, EXECUTION_HOW)
    ]
    settings = {"cachingEnabled": True, "cacheDataEncrypted": True, "metricsEnabled": True}
    assert (
        _of(
            run(CMK, patch(undeclared, "prod-settings", settings={**settings, "loggingLevel": "OFF"})),
            "prod-settings",
        )
        == []
    )
    literal = [r for r in undeclared if r["name"] != "prod-settings"] + [
        res(
            "prod-settings",
            "aws:apigateway/methodSettings:MethodSettings",
            {
                "restApi": "a1b2c3d4e5",
                "stageName": "prod",
                "methodPath": "*/*",
                "settings": {**settings, "loggingLevel": "ERROR"},
            },
        )
    ]
    assert _of(run(CMK, literal), "prod-settings") == [
        _missing(
            "API Gateway's execution logging",
            "'API-Gateway-Execution-Logs_a1b2c3d4e5/prod'",
            CREATED,
            EXECUTION_HOW,
        )
    ]
    unknown = patch(api, "prod-settings", settings={**settings, "loggingLevel": UNKNOWN})
    assert _of(run(CMK, unknown), "prod-settings") == [
        _unknown("settings.loggingLevel", "whether execution logs are written")
    ]


def test_websocket_execution_logs_go_into_a_group_named_from_the_api():
    ws = case("d22-")
    assert _of(run(CMK, ws), "ws-stage") == [
        _missing("API Gateway's execution logging", "a group named from the API's id", CREATED, EXECUTION_HOW)
    ]
    assert _of(run(CMK, with_(ws, _group_named_from("ws-execution-logs", "ws-api"))), "ws-stage") == []
    off = patch(ws, "ws-stage", defaultRouteSettings={"loggingLevel": "OFF"})
    assert _of(run(CMK, off), "ws-stage") == []
    route = patch(off, "ws-stage", routeSettings=[{"routeKey": "$connect", "loggingLevel": "INFO"}])
    assert len(_of(run(CMK, route), "ws-stage")) == 1


def _logs(*categories: str) -> list[dict]:
    return [{"category": c, "enabled": True} for c in categories]


def test_cassandra_and_cosmos_postgres_settings_name_their_audit_categories():
    cassandra = case("r18p-68")
    assert run(SIEM, patch(cassandra, "diag-cassandra", logs=_logs("CassandraAudit", "CassandraLogs"))) == []
    found = _of(run(SIEM, patch(cassandra, "diag-cassandra", logs=_logs("CassandraLogs"))), "diag-cassandra")
    assert found == [
        "the diagnostic setting 'diag-cassandra' sends CassandraLogs but not CassandraAudit: who did what on "
        "this microsoft.documentdb/cassandraclusters is not recorded; add them or enable the categoryGroup "
        "'audit' or 'allLogs'"
    ]
    cosmos_pg = case("r7-cosmos-pg-cmk-private")
    assert run(SIEM, patch(cosmos_pg, "diag-cpg", logs=_logs("PostgreSQLLogs"))) == []


def test_document_and_graph_database_exports_go_into_declared_groups():
    for stem, db, fld, group in (
        ("r14p-43", "docs", "enabledCloudwatchLogsExports", "'/aws/docdb/docs/audit'"),
        ("r14p-48", "graph", "enableCloudwatchLogsExports", "'/aws/neptune/graph/audit'"),
    ):
        exporting = patch(case(stem), db, **{fld: ["audit"]})
        assert _of(run(CMK, exporting), db) == [
            _missing("the 'audit' log export", group, CREATED, " before the database")
        ]
        declared = with_(exporting, _group_named_from(f"{db}-audit", db))
        assert _of(run(CMK, declared), db) == []
        assert _of(run(CMK, patch(exporting, db, **{fld: UNKNOWN})), db) == [
            _unknown(fld, "where the database's logs are written")
        ]


def test_a_broker_declares_a_group_for_each_log_it_writes():
    mq = case("r7-mq-cmk-private")
    assert _of(run(CMK, mq), "mq") == []
    one = with_(mq, drop=("mq-audit-logs",))  # round 41: adopted under literal names (test_pia_r41.py)
    assert _of(run(CMK, one), "mq") == [
        "Amazon MQ writes the broker's 'audit' log to /aws/amazonmq/broker/<broker id>/audit, which it "
        "creates itself when the broker is created, with no customer-managed key and no retention the stack "
        "sets; the stack can only adopt it: once the broker exists, declare aws.cloudwatch.LogGroup under "
        "its literal name (/aws/amazonmq/broker/<broker id>/<log>) with `import_`, then set its kmsKeyId and "
        "retentionInDays"
    ]
    assert _of(run(CMK, patch(one, "mq", logs={"general": True})), "mq") == []
    assert _of(run(CMK, patch(mq, "mq", logs={"general": True, "audit": UNKNOWN})), "mq") == [
        _unknown("logs", "which logs the broker writes")
    ]


def test_an_appsync_api_logs_into_a_group_of_its_own_id():
    gql = case("r31p-56")
    assert _of(run(CMK, gql), "gql") == []  # named by the id the API's data source names
    how = ", named from the API's id"
    undeclared = with_(gql, drop=("gql-logs",))
    assert _of(run(CMK, undeclared), "gql") == [
        _missing("the API", "a group named from the API's id", CREATED, how)
    ]
    assert _of(run(CMK, with_(undeclared, _group_named_from("gql-logs", "gql"))), "gql") == []
    assert _of(run(CMK, patch(undeclared, "gql", logConfig=None)), "gql") == []


def test_a_transfer_server_logging_role_writes_into_a_declared_group():
    sftp = case("r21p-57")
    assert _of(run(CMK, sftp), "sftp") == []
    how = ", named from the server's id, or send them to `structuredLogDestinations`"
    undeclared = with_(sftp, drop=("sftp-logs",))
    assert _of(run(CMK, undeclared), "sftp") == [
        _missing("the server", "a group named from the server's id", CREATED, how)
    ]
    structured = ["arn:aws:logs:eu-west-1:111122223333:log-group:/transfer/sessions:*"]
    assert _of(run(CMK, patch(undeclared, "sftp", structuredLogDestinations=structured)), "sftp") == []
    assert _of(run(CMK, patch(undeclared, "sftp", loggingRole=None)), "sftp") == []
    assert _of(run(CMK, patch(undeclared, "sftp", structuredLogDestinations=UNKNOWN)), "sftp") == [
        _unknown("loggingRole/structuredLogDestinations", "where the server's logs go")
    ]


def test_a_firelens_cloudwatch_output_is_judged_like_awslogs():
    firelens = case("d28-")
    how = " and name it in `log_group_name`"
    assert _of(run(CMK, firelens), "api-task") == [
        _missing("the container 'api'", "'/ecs/eloket-api'", CREATED, how)
    ]
    declared = with_(firelens, *[r for r in case("r36p-52") if r["name"] == "api-logs"])
    assert _of(run(CMK, declared), "api-task") == []
