"""Credentials written in clear into a workload's settings (round 35). A Lambda's environment, an ECS task
definition's container environment, a container app's env values and an App Service app's settings and
connection strings are returned in clear to whoever may read the resource's configuration
(`lambda:GetFunctionConfiguration`, `ecs:DescribeTaskDefinition`, a container app's GET, `config/list`), and
sit in the program and its state: whoever reads any of them holds the credential, with no second factor of
their own. Round 31 traced copies of a database's password; this judges every value by its shape (as stack
outputs, `stack_outputs`), its name, or its source: a `random` password, string or bytes of the program, or a
secret value. A Key Vault or App Configuration reference, an ARN, a resource id or a URL passes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from policies.core.apim_keys import APIM_SUBSCRIPTION, subscription_keys
from policies.core.apim_keys import FIX as APIM_FIX
from policies.core.references import REDACTED
from policies.core.secret_versions import FIX as VERSION_FIX
from policies.core.secret_versions import VERSION as SECRET_VERSION
from policies.core.secret_versions import written_values
from policies.core.stack_outputs import credential_shape, secret_paths
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown

# A name that says its value is a credential (separators dropped: MAGDA_CLIENT_SECRET, db-password) ...
_NAME = re.compile(
    r"(password|passwd|pwd|passphrase|secret|token|sastoken|(primary|secondary|master|account|access|shared|"
    r"api|storage|auth|private|signing|encryption|client|subscription)key)s?$",
    re.I,
)
# ... and names of references to one (a secret's ARN or name, a parameter, a file, a header to send it in).
_REFERENCE_NAME = re.compile(
    r"(arn|uri|url|name|id|ids|parameter|param|path|ref|reference|file|version|header|length|ttl|region)$",
    re.I,
)
_REFERENCE_VALUE = re.compile(
    r"^(@microsoft\.(keyvault|appconfiguration)\(|arn:|/subscriptions/|https?://[^/?#@\s:]*(:\d+)?([/?#]|$))",
    re.I,
)
_SEPARATORS = re.compile(r"[^A-Za-z0-9]")
# `random` resources whose result is a credential, and the length field from which an id or string is one
# (a short RandomId or RandomString is a name suffix; RandomUuid, RandomPet, RandomInteger are not).
RANDOM_SECRETS = {
    "random:index/randomPassword:RandomPassword": None,
    "random:index/randomBytes:RandomBytes": None,
    "random:index/randomId:RandomId": "byteLength",
    "random:index/randomString:RandomString": "length",
}
_SECRET_LENGTH = 16
Pairs = Callable[[ResourceView], Iterator[tuple[str, str, Any]]]


def _env_list(where: str, env: Any) -> Iterator[tuple[str, str, Any]]:
    for i, e in enumerate(env if isinstance(env, list) else []):
        if isinstance(e, dict) and "value" in e:
            yield f"{where}[{i}]", str(e.get("name", "")), e["value"]


def _mapping(where: str, values: Any) -> Iterator[tuple[str, str, Any]]:
    for k, v in values.items() if isinstance(values, dict) else ():
        yield f"{where}.{k}", str(k), get_path(v, "value") if isinstance(v, dict) else v


def _lambda(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    yield from _mapping("environment.variables", r.get("environment.variables"))


def _json(value: Any) -> Any:
    """A JSON-document input (ECS container definitions, Batch properties) parsed; None when unparsable."""
    if isinstance(value, str) and not is_unknown(value):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _task(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    defs = _json(r.input("containerDefinitions"))
    for i, c in enumerate(defs if isinstance(defs, list) else []):
        yield from _env_list(f"containerDefinitions[{i}].environment", get_path(c, "environment"))


def _batch(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    """A Batch job definition's containers in its four shapes (round 36): `containerProperties`,
    `nodeProperties` node ranges, `ecsProperties` tasks (JSON documents) and `eksProperties` pods."""
    yield from _env_list(
        "containerProperties.environment", get_path(_json(r.input("containerProperties")), "environment")
    )
    nodes = get_path(_json(r.input("nodeProperties")), "nodeRangeProperties")
    for i, n in enumerate(nodes if isinstance(nodes, list) else []):
        yield from _env_list(
            f"nodeProperties.nodeRangeProperties[{i}].container.environment",
            get_path(n, "container.environment"),
        )
    tasks = get_path(_json(r.input("ecsProperties")), "taskProperties")
    for i, t in enumerate(tasks if isinstance(tasks, list) else []):
        for j, c in enumerate(get_path(t, "containers") or []):
            yield from _env_list(
                f"ecsProperties.taskProperties[{i}].containers[{j}].environment", get_path(c, "environment")
            )
    for kind in ("containers", "initContainers"):
        for i, c in enumerate(r.get(f"eksProperties.podProperties.{kind}") or []):
            yield from _env_list(f"eksProperties.podProperties.{kind}[{i}].envs", get_path(c, "envs"))


def _beanstalk(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    """Elastic Beanstalk option settings (round 36): environment properties and options such as the coupled
    database's `DBPassword` are returned in clear by DescribeConfigurationSettings."""
    for i, s in enumerate(r.get("settings") or []):
        if isinstance(s, dict) and "value" in s:
            yield f"settings[{i}]", str(s.get("name", "")), s["value"]


def _container_app(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    for kind in ("containers", "initContainers"):
        for i, c in enumerate(r.get(f"template.{kind}") or []):
            yield from _env_list(f"template.{kind}[{i}].env", get_path(c, "env"))


def _web_app(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    for i, s in enumerate(r.get("siteConfig.appSettings") or []):
        if isinstance(s, dict):
            yield f"siteConfig.appSettings[{i}]", str(s.get("name", "")), s.get("value")
    for i, s in enumerate(r.get("siteConfig.connectionStrings") or []):
        if isinstance(s, dict):
            yield f"siteConfig.connectionStrings[{i}]", str(s.get("name", "")), s.get("connectionString")


def _settings(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    yield from _mapping("properties", r.get("properties"))


def _sagemaker_model(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    """A SageMaker model's container environment (round 37), returned by `DescribeModel`."""
    yield from _mapping("primaryContainer.environment", r.get("primaryContainer.environment"))
    for i, c in enumerate(r.get("containers") or []):
        yield from _mapping(f"containers[{i}].environment", get_path(c, "environment"))


def _connector(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    """An MSK Connect connector's configuration (round 37): `connection.password`, `*.secret` … in clear,
    returned by `DescribeConnector`; a config provider reference (`${secretsmanager:…}`) passes."""
    for where, name, value in _mapping("connectorConfiguration", r.get("connectorConfiguration")):
        if not (isinstance(value, str) and value.startswith("${")):
            yield where, name, value


def _pod_spec(where: str, spec: Any) -> Iterator[tuple[str, str, Any]]:
    for kind in ("containers", "initContainers"):
        for i, c in enumerate(get_path(spec, kind) or [] if isinstance(spec, dict) else []):
            yield from _env_list(f"{where}.{kind}[{i}].env", get_path(c, "env"))


# where a Kubernetes workload keeps its pod spec (round 37)
_K8S_PODS = {
    "Pod": "spec",
    "CronJob": "spec.jobTemplate.spec.template.spec",
    **{k: "spec.template.spec" for k in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")},
    "ReplicationController": "spec.template.spec",
}


def _kubernetes(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    """A Kubernetes workload's env values and a ConfigMap's data (round 37): returned in clear to every
    reader of the namespace (`kubectl get -o yaml`); `valueFrom.secretKeyRef` passes."""
    kind = r.type.rsplit(":", 1)[-1]
    if kind == "ConfigMap":
        yield from _mapping("data", r.get("data"))
    elif kind in _K8S_PODS:
        yield from _pod_spec(_K8S_PODS[kind], r.get(_K8S_PODS[kind]))


def _leaves(where: str, value: Any) -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from (
                _leaves(f"{where}.{k}", v) if isinstance(v, (dict, list)) else [(f"{where}.{k}", str(k), v)]
            )
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(f"{where}[{i}]", v)


def _helm(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    """A Helm release's values (round 37): `auth.password`, `postgresql.auth.postgresPassword` … are kept in
    the release's Secret and returned by `helm get values` to whoever may read it, and sit in the program."""
    yield from _leaves("values", r.get("values"))


def _runner(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    for where in (
        "sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentVariables",
        "sourceConfiguration.codeRepository.codeConfiguration.codeConfigurationValues.runtimeEnvironmentVariables",
    ):
        yield from _mapping(where, r.get(where))


def _connection(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    """An Automation connection's field values (round 49): an API key or password among them is kept in the
    program, the state and the connection's fields (a field the connection type does not encrypt is
    returned in clear)."""
    yield from _mapping("fieldDefinitionValues", r.input("fieldDefinitionValues"))


def _codebuild(r: ResourceView) -> Iterator[tuple[str, str, Any]]:
    """PLAINTEXT (the default type) variables hold their value; PARAMETER_STORE and SECRETS_MANAGER ones name
    it (round 41)."""
    env = r.get("environment.environmentVariables")
    plain = [e for e in env if str(get_path(e, "type") or "PLAINTEXT").upper() == "PLAINTEXT"] if env else []
    yield from _env_list("environment.environmentVariables", plain)


_WEB = "azure-native:web:"
_K8S = {
    f"kubernetes:{group}:{kind}": ("a read of the object in its namespace (Kubernetes RBAC get)", _kubernetes)
    for group, kinds in {
        "apps/v1": ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"),
        "batch/v1": ("Job", "CronJob"),
        "core/v1": ("Pod", "ReplicationController", "ConfigMap"),
    }.items()
    for kind in kinds
}
HELM_RELEASES = (
    "kubernetes:helm.sh/v3:Release",
    "kubernetes:helm.sh/v4:Chart",
    "kubernetes:helm.sh/v3:Chart",
)
_EB_ENV = "aws:elasticbeanstalk/environment:Environment"
_EB_TEMPLATE = "aws:elasticbeanstalk/configurationTemplate:ConfigurationTemplate"
# type -> (what readers call, the pairs it holds)
PLACES: dict[str, tuple[str, Pairs]] = {
    "aws:lambda/function:Function": ("lambda:GetFunctionConfiguration", _lambda),
    "aws:ecs/taskDefinition:TaskDefinition": ("ecs:DescribeTaskDefinition", _task),
    "aws:apprunner/service:Service": ("apprunner:DescribeService", _runner),
    "aws:batch/jobDefinition:JobDefinition": ("batch:DescribeJobDefinitions", _batch),
    _EB_ENV: ("elasticbeanstalk:DescribeConfigurationSettings", _beanstalk),
    _EB_TEMPLATE: ("elasticbeanstalk:DescribeConfigurationSettings", _beanstalk),
    "azure-native:app:ContainerApp": ("the container app's GET (Reader)", _container_app),
    "azure-native:app:Job": ("the container apps job's GET (Reader)", _container_app),
    "aws:sagemaker/model:Model": ("sagemaker:DescribeModel", _sagemaker_model),
    "aws:mskconnect/connector:Connector": ("kafkaconnect:DescribeConnector", _connector),
    "aws:codebuild/project:Project": ("codebuild:BatchGetProjects", _codebuild),
    **_K8S,
    **{t: ("helm get values (a read of the release's Secret)", _helm) for t in HELM_RELEASES},
    "azure-native:automation:Connection": ("the connection's GET (Automation Reader)", _connection),
    f"{_WEB}WebApp": ("Microsoft.Web/sites/config/list/action", _web_app),
    f"{_WEB}WebAppSlot": ("Microsoft.Web/sites/slots/config/list/action", _web_app),
    f"{_WEB}WebAppApplicationSettings": ("Microsoft.Web/sites/config/list/action", _settings),
    f"{_WEB}WebAppApplicationSettingsSlot": ("Microsoft.Web/sites/slots/config/list/action", _settings),
    f"{_WEB}WebAppConnectionStrings": ("Microsoft.Web/sites/config/list/action", _settings),
    f"{_WEB}WebAppConnectionStringsSlot": ("Microsoft.Web/sites/slots/config/list/action", _settings),
}
SETTINGS_FIELDS = {
    "aws:lambda/function:Function": ("environment",),
    "aws:ecs/taskDefinition:TaskDefinition": ("containerDefinitions",),
    "aws:apprunner/service:Service": ("sourceConfiguration",),
    "aws:batch/jobDefinition:JobDefinition": (
        "containerProperties",
        "nodeProperties",
        "ecsProperties",
        "eksProperties",
    ),
    _EB_ENV: ("settings",),
    _EB_TEMPLATE: ("settings",),
    "aws:sagemaker/model:Model": ("primaryContainer", "containers"),
    "aws:mskconnect/connector:Connector": ("connectorConfiguration",),
    "aws:codebuild/project:Project": ("environment",),
    **{t: ("spec", "data") for t in _K8S},
    **{t: ("values",) for t in HELM_RELEASES},
    "azure-native:app:ContainerApp": ("template",),
    "azure-native:automation:Connection": ("fieldDefinitionValues",),
    "azure-native:app:Job": ("template",),
    f"{_WEB}WebApp": ("siteConfig",),
    f"{_WEB}WebAppSlot": ("siteConfig",),
}


def why_credential(name: str, value: Any) -> str | None:
    """Why a setting holds a credential in clear, or None."""
    if value == REDACTED or secret_paths(value):
        return "a secret value written in clear"
    if not isinstance(value, str) or is_unknown(value) or not value.strip():
        return None
    if _REFERENCE_VALUE.match(value.strip()):
        return None
    if why := credential_shape(name, value):
        return why
    flat = _SEPARATORS.sub("", name)
    if flat.lower().startswith("existing"):  # Helm's `existingSecret`: the name of a Secret (round 37)
        return None
    if _NAME.search(flat) and not _REFERENCE_NAME.search(flat):
        return "its name says it is a password, key or token"
    return None


def _is_random_secret(d: ResourceView) -> bool:
    if d.type not in RANDOM_SECRETS:
        return False
    length = RANDOM_SECRETS[d.type]
    n = d.input(length) if length else None
    return length is None or not isinstance(n, int) or n >= _SECRET_LENGTH


def _random_sources(graph: StackGraph, r: ResourceView, fields: set[str]) -> list[str]:
    """`random` credentials of the program fed into the settings fields (property dependencies are recorded
    per top-level field, so which variable holds it is not known: any does)."""
    fed = {u for f in fields for u in r.property_dependencies.get(f, ())}
    return sorted(d.name for u in fed if (d := graph.get(u)) is not None and _is_random_secret(d))


def clear_credentials(graph: StackGraph) -> list[tuple[str, str]]:
    """(urn, message) for each workload setting that holds a credential in clear."""
    out = []
    for t, (reads, pairs) in PLACES.items():
        for r in graph.by_type(t):
            found = [_where(w, n, why) for w, n, v in pairs(r) if (why := why_credential(n, v))]
            fields = set(SETTINGS_FIELDS.get(t, ("properties",)))
            found += [
                f"a value computed from {s}, a random credential of the program"
                for s in _random_sources(graph, r, fields)
            ]
            if found:
                out.append((r.urn, _message(", ".join(found), reads)))
    return out


def _where(where: str, name: str, why: str) -> str:
    return f"`{where}` ({why})" if not name or where.endswith(name) else f"`{where}` ({name}: {why})"


def _message(found: str, reads: str) -> str:
    return (
        f"the resource's settings hold a credential in clear: {found}; whoever may read its configuration "
        f"({reads}), the program or the stack's state holds it with no second factor of their own; keep the "
        "credential in a Secrets Manager secret or Key Vault secret of this stack and pass its ARN, name or "
        "Key Vault reference (`@Microsoft.KeyVault(...)`, `secretRef`, ECS `secrets`/`valueFrom`), or give "
        "the workload an IAM or Entra identity instead"
    )


# ---------------------------------------------------------------- credentials inline in Data Factory links

LINKED_SERVICE = "azure-native:datafactory:LinkedService"
# Encrypted by the self-hosted runtime's credential manager on its own nodes: not a credential in clear.
_ENCRYPTED = frozenset({"encryptedcredential"})


def _inline(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        if str(value.get("type", "")).lower() == "securestring":
            yield path, "a SecureString written in the program"
            return
        for k, v in value.items():
            if str(k).lower() in _ENCRYPTED:
                continue
            if isinstance(v, str):
                if why := why_credential(str(k), v):
                    yield f"{path}.{k}", why
            else:
                yield from _inline(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _inline(v, f"{path}[{i}]")


def _app_secrets(r: ResourceView) -> Iterator[tuple[str, str]]:
    """A container app's (or job's) secret given by value rather than by Key Vault URL."""
    for i, sec in enumerate(r.get("configuration.secrets") or []):
        if isinstance(sec, dict) and sec.get("value") not in (None, "") and not sec.get("keyVaultUrl"):
            yield f"configuration.secrets[{i}].value", "a secret value written in the program"


# type -> where its credentials are given inline (a Data Factory link, a container app's secrets)
INLINE: dict[str, Callable[[ResourceView], Iterator[tuple[str, str]]]] = {
    LINKED_SERVICE: lambda r: _inline(r.get("properties"), "properties"),
    "azure-native:app:ContainerApp": _app_secrets,
    "azure-native:app:Job": _app_secrets,
    SECRET_VERSION: written_values,  # rounds 51 and 52
    APIM_SUBSCRIPTION: subscription_keys,  # round 76
}
_FIX = {SECRET_VERSION: VERSION_FIX, APIM_SUBSCRIPTION: APIM_FIX}


def inline_secrets(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """Round 35, for require-customer-managed-keys (round 22's decision on master passwords given as inputs):
    a credential written into a linked service (a SecureString, a key or password in a connection string) or
    a container app's secret by value sits in the program, its configuration and the state under no key of
    the controller; the service encrypts only its own copy."""
    return [
        f"`{where}` holds a credential inline ({why}): it sits in the program, its configuration and the "
        "state under no customer-managed key (the service encrypts only its own copy); " + _FIX.get(r.type,
        "reference a Key Vault secret instead (a Data Factory `{type: AzureKeyVaultSecret, store: <a Key "
        "Vault linked service>, secretName}`, a container app secret's `keyVaultUrl` with an identity) or "
        "sign in with a managed identity")
        for where, why in INLINE[r.type](r)
    ]
