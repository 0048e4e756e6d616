"""Log groups a service creates itself under an id it generates (require-customer-managed-keys; round 41).

App Runner and Amazon MQ name their log groups from the id CreateService / CreateBroker generates, and create
them while the resource is created: App Runner through its service-linked role (AppRunnerServiceRolePolicy
allows `logs:CreateLogGroup` and `logs:PutRetentionPolicy` on `/aws/apprunner/*`; developer guide,
"monitor-cwl" and "using-service-linked-roles-management"), Amazon MQ as the identity that creates or reboots
the broker (developer guide, "configure-logging-monitoring-activemq"). Neither takes a key for them: App
Runner's `encryptionConfiguration.kmsKey` encrypts the stored source image or bundle only
("security-data-protection-encryption"). So a program cannot declare these groups before the resource (the id
does not exist yet), and a group named from the resource's output in the same update is created after the
service made it: `pulumi up` fails with ResourceAlreadyExistsException. What a platform team can deploy is
adoption: once the resource exists, declare each group under its literal name (the generated id in it) with
`import_` (or `pulumi import`), then set its kmsKeyId (CloudWatch Logs AssociateKmsKey) and retention. The
pack cannot see `import_`; a literal name with a generated id is taken as the existing resource's group (a
program that declares it without `import_` fails at deploy, leaving nothing new unencrypted)."""

from __future__ import annotations

import re

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
APP_RUNNER = "aws:apprunner/service:Service"
MQ = "aws:mq/broker:Broker"
_APP_RUNNER_GROUP = re.compile(r"^/aws/apprunner/([^/]+)/[0-9a-f]{32}/(service|application)$")
_UUID = r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"
_MQ_GROUP = re.compile(rf"^/aws/amazonmq/broker/b-{_UUID}/(general|audit)$")
_ADOPT = (
    "the stack can only adopt it: once the {what} exists, declare aws.cloudwatch.LogGroup under its literal "
    "name ({pattern}) with `import_`, then set its kmsKeyId and retentionInDays"
)


def _literal_name(g: ResourceView) -> str | None:
    name = g.input("name")
    return name if isinstance(name, str) and name and not is_unknown(name) else None


def _named_from(graph: StackGraph, r: ResourceView) -> list[ResourceView]:
    """Groups of the stack whose name is computed from `r` and not known: created after `r` made them."""
    return [
        g
        for g in graph.by_type(LOG_GROUP)
        if r.urn in g.property_dependencies.get("name", ()) and _literal_name(g) is None
    ]


def _messages(
    r: ResourceView, graph: StackGraph, kinds: list[str], adopted: set[str], who: str, pattern: str
) -> list[str]:
    what = "service" if r.type == APP_RUNNER else "broker"
    adopt = _ADOPT.format(what=what, pattern=pattern)
    out = [
        f"a log group is named from the {what}'s id, an output of this update: {who} creates that group "
        f"itself while the {what} is created, so the stack's group fails with "
        f"ResourceAlreadyExistsException; {adopt}"
        for _ in _named_from(graph, r)[:1]
    ]
    for kind in kinds:
        if kind not in adopted:
            shown = pattern.replace("<log>", kind)
            out.append(
                f"{who} writes the {what}'s {kind!r} log to {shown}, which it creates itself when the "
                f"{what} is created, with no customer-managed key and no retention the stack sets; {adopt}"
            )
    return out


def app_runner(r: ResourceView, graph: StackGraph) -> list[str]:
    """Both groups (service: deployment and build output; application: the running code's output)."""
    name = r.input("serviceName")
    if is_unknown(name) or not isinstance(name, str) or not name:
        return [unknown_message("serviceName", "the service's log groups")]
    adopted = set()
    for g in graph.by_type(LOG_GROUP):
        found = _APP_RUNNER_GROUP.match(_literal_name(g) or "")
        if found and found.group(1) == name:
            adopted.add(found.group(2))
    pattern = f"/aws/apprunner/{name}/<service id>/<log>"
    return _messages(r, graph, ["service", "application"], adopted, "App Runner", pattern)


def broker(r: ResourceView, graph: StackGraph) -> list[str]:
    """Each log the broker is asked for; a literal group belongs to it when it depends on the broker (or the
    stack has one broker)."""
    logs = r.input("logs")
    if is_unknown(logs) or (isinstance(logs, dict) and any(is_unknown(v) for v in logs.values())):
        return [unknown_message("logs", "which logs the broker writes")]
    kinds = [k for k in ("general", "audit") if isinstance(logs, dict) and logs.get(k) is True]
    only = len(graph.by_type(MQ)) == 1
    adopted = set()
    for g in graph.by_type(LOG_GROUP):
        found = _MQ_GROUP.match(_literal_name(g) or "")
        if found and (only or r.urn in g.dependencies):
            adopted.add(found.group(1))
    return _messages(r, graph, kinds, adopted, "Amazon MQ", "/aws/amazonmq/broker/<broker id>/<log>")
