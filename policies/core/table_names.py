"""DynamoDB tables named where a flow writes or reads (red-team round 42).

A DynamoDB table replicates itself: a global table's replicas are a setting of the table (`replicas`), not
of whoever writes to it, so a table the stack does not create may have replicas in any region and nothing the
program says places them. Where a typed field names the table a flow writes to or reads from (an IoT rule's
DynamoDB actions, an AppSync data source, an API Gateway DynamoDB integration's mapping template, a Step
Functions DynamoDB task), by name or ARN, it must be a table of this stack, whose replicas are judged there.
A table the request chooses (a template or task that takes it from the input) cannot be placed and blocks.
Round 43: a template also names tables as a batch call's `RequestItems` keys and in a PartiQL statement; an
action that names no table (`ListTables`) has none to place.
"""

from __future__ import annotations

import json
import re
from typing import Any

from policies.core.view import ResourceView, is_unknown, plain

TABLE = "aws:dynamodb/table:Table"
_IOT_RULE = "aws:iot/topicRule:TopicRule"
_APPSYNC_SOURCE = "aws:appsync/dataSource:DataSource"
_APIGW_INTEGRATION = "aws:apigateway/integration:Integration"
_STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
TABLE_FLOW_TYPES = frozenset({_IOT_RULE, _APPSYNC_SOURCE, _APIGW_INTEGRATION, _STATE_MACHINE})
# An IoT rule's DynamoDB actions, in its actions and its error action: (path, sub-path of the table name).
_IOT_ACTIONS = (("dynamodbs", "tableName"), ("dynamodbv2s", "putItem.tableName"),
                ("errorAction.dynamodb", "tableName"), ("errorAction.dynamodbv2", "putItem.tableName"))
_TABLE_IN_TEMPLATE = re.compile(r'"TableName"\s*:\s*"([^"]*)"')
# Round 43: a PartiQL statement's table (`SELECT … FROM "t"`, `INSERT INTO t`, `UPDATE "t"`; quotes escaped in
# the template's JSON), and the actions that name no table (they list or describe the account's own).
_STATEMENT = re.compile(r'"Statement"\s*:\s*"((?:[^"\\]|\\.)*)"')
_TABLE_IN_STATEMENT = re.compile(r'(?i)\b(?:from|into|update)\s+\\?"?([A-Za-z0-9_.$-]+)')
_NO_TABLE_ACTIONS = frozenset({"ListTables", "DescribeLimits", "DescribeEndpoints"})
_UNREAD_BATCH = ("a batch call's `RequestItems` in a template that is not JSON (VTL directives or an "
                 "unquoted value) cannot be read, so which tables it writes to cannot be judged; write the "
                 "template as JSON naming tables of this stack")
_DYNAMODB_TASK = ("arn:aws:states:::dynamodb:", "arn:aws:states:::aws-sdk:dynamodb:")
_CHOSEN = ("the table is taken from the request, so which table (and where its replicas are) cannot be "
           "judged; name a table of this stack")

Found = list[tuple[str, str, str]]  # (path, kind, value)


def table_refs(view: ResourceView) -> Found:
    """(path, kind, value) of the DynamoDB tables a resource of TABLE_FLOW_TYPES writes to or reads from."""
    if view.type == _IOT_RULE:
        found: Found = []
        for at, sub in _IOT_ACTIONS:
            actions = view.get(at)
            each = actions if isinstance(actions, list) else [actions] if isinstance(actions, dict) else []
            for i, action in enumerate(each):
                path = f"{at}.{i}" if isinstance(actions, list) else at
                found += _table(f"{path}.{sub}", _sub(action, sub))
        return found
    if view.type == _APPSYNC_SOURCE:
        return _table("dynamodbConfig.tableName", view.get("dynamodbConfig.tableName"))
    if view.type == _APIGW_INTEGRATION:
        return _integration(view)
    return _state_machine(view.input("definition"))


def _sub(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _table(path: str, value: Any) -> Found:
    """A table named by name or ARN: the stack's table of that name (an ARN's account and region are scanned
    as any ARN's)."""
    value = plain(value)
    if value is None:
        return []
    if not isinstance(value, str) or is_unknown(value):
        return [(path, "unknown", "")]
    name = value.split(":table/", 1)[1].split("/", 1)[0] if ":table/" in value else value
    if "$" in name or not name:
        return [(path, "site", _CHOSEN)]
    return [(path, "named", f"{TABLE}|{name}")]


def _integration(view: ResourceView) -> Found:
    """An API Gateway integration calling DynamoDB: the table each request mapping template names; without
    one, the caller's own request (and the table it names) is passed through."""
    uri = plain(view.input("uri"))
    if not isinstance(uri, str) or ":dynamodb:" not in uri or uri.rsplit("/", 1)[-1] in _NO_TABLE_ACTIONS:
        return []
    templates = plain(view.input("requestTemplates"))
    if is_unknown(templates):
        return [("requestTemplates", "unknown", "")]
    found: Found = []
    for ctype, text in (templates or {}).items():
        at = f"requestTemplates.{ctype}"
        names = _template_tables(text) if isinstance(text, str) else [""]
        found += [(at, "site", _UNREAD_BATCH)] if names is None else [
            (at, *f[1:]) for n in names or [""] for f in _table("", n)]
    return found or [("requestTemplates", "site", _CHOSEN)]


def _template_tables(text: str) -> list[str] | None:
    """The tables a mapping template names: `"TableName"`, a batch call's `RequestItems` keys (round 43; None
    when the template is not JSON), a PartiQL statement's table (round 43)."""
    names = _TABLE_IN_TEMPLATE.findall(text) + [
        n for st in _STATEMENT.findall(text) for n in _TABLE_IN_STATEMENT.findall(st)]
    if '"RequestItems"' not in text:
        return names
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            items = node.get("RequestItems")
            names += list(items) if isinstance(items, dict) else []
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
    return names


def _state_machine(definition: Any) -> Found:
    """The tables of a state machine's DynamoDB tasks (optimised or SDK integrations), nested states too."""
    definition = plain(definition)
    try:
        doc = json.loads(definition) if isinstance(definition, str) else None
    except ValueError:
        return []  # not JSON: the scanner reads it as text
    found: Found = []
    stack: list[tuple[str, Any]] = [("definition", doc)]
    while stack:
        at, node = stack.pop()
        if isinstance(node, list):
            stack += [(f"{at}.{i}", v) for i, v in enumerate(node)]
            continue
        if not isinstance(node, dict):
            continue
        resource = node.get("Resource")
        if isinstance(resource, str) and resource.startswith(_DYNAMODB_TASK):
            found += _task_tables(at, node)
        stack += [(f"{at}.{k}", v) for k, v in node.items() if isinstance(v, (dict, list))]
    return found


def _task_tables(at: str, task: dict[str, Any]) -> Found:
    """A DynamoDB task's tables: `TableName`, or the keys of a batch call's `RequestItems`."""
    args = next((task[k] for k in ("Parameters", "Arguments") if isinstance(task.get(k), dict)), {})
    if "TableName.$" in args or "RequestItems.$" in args:
        return [(f"{at}.TableName", "site", _CHOSEN)]
    items = args.get("RequestItems")
    names = list(items) if isinstance(items, dict) else [args.get("TableName")]
    return [f for n in names for f in _table(f"{at}.TableName", n)]
