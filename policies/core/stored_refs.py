"""Destinations kept in a store and read at run time: an environment variable or app setting named like a
destination whose value is an SSM parameter (its ARN, or its name under a `…PARAMETER` key), a Secrets Manager
secret, a Key Vault reference or an App Configuration reference. What the store holds is the destination, so
it must be a store of the stack whose value the pack can read (then that value is judged as the store's own
input); a store outside the stack, or a secret value, is set where no program shows it. An API Management
named value (`{{name}}` in a backend URL or a logger's connection string) is such a store too.

Under a neutral setting name (`APP_CONFIG`, `CONFIG_PARAMETER`, `exportTarget`: kind `held`) the value may be
any setting, a destination among them: any store (an SSM parameter, an App Configuration key-value, a Secrets
Manager or Key Vault secret) must then be a store of the stack whose value the pack can read, judged as its
input. A setting named as a credential (`DB_PASSWORD`, `API_KEY`, `…_SECRET_ARN`) reads a credential, whose
value need not be readable, but an SSM parameter or Secrets Manager secret it names must still be the stack's
(`SETTINGS_SECRET`, `ROUTING_KEY`: the name says nothing of what the store holds). Setting names are
compared upper-cased (the scanner upper-cases the names of environment entries and settings maps:
`Settings__Source`, `exportTarget`).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from policies.core.airflow_backends import UNKNOWN_BACKEND, backend_prefixes, backend_problem
from policies.core.named_services import firelens_refs
from policies.core.view import StackGraph, get_path, is_unknown

SSM_PARAMETER = "aws:ssm/parameter:Parameter"
SM_SECRET = "aws:secretsmanager/secret:Secret"
KV_SECRET = "azure-native:keyvault:Secret"
APPCONFIG_VALUE = "azure-native:appconfiguration:KeyValue"
APIM_NAMED_VALUE = "azure-native:apimanagement:NamedValue"
APPCONFIG_APP = "aws:appconfig/application:Application"
LINKED_SERVICE = "azure-native:datafactory:LinkedService"  # a Key Vault linked service (vault_store)
S3_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"  # an ECS environment file (or its v1 type, _SAME_STORE)
STORE_PREFIX = "prefix"  # every parameter or secret under a path prefix (an Airflow secrets backend)
# A Kafka Connect configuration provider's placeholder (`${secretManager:partner/sink:url}`, `${ssm::/path}`,
# MSK Connect worker configurations): the value is read at run time from the secret or parameter it names,
# through a provider class the worker configuration chooses (round 17). Exactly two colons inside the braces
# (an IAM policy variable `${aws:username}` or a Transfer `${transfer:UserName}` has one).
PROVIDED = "provided"
# Data Prepper (OpenSearch Ingestion pipelines) writes `${{aws_secrets:<secret>:<key>}}` (round 18).
_PLACEHOLDER = re.compile(r"\$\{\{?[A-Za-z][\w-]*:([^:{}]*):([^:{}]+)\}")
_SAME_STORE = {S3_OBJECT: (S3_OBJECT, "aws:s3/bucketObject:BucketObject")}
# Store type -> (what it is, the input holding the stored value; None: never an input a policy can read).
STORES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    SSM_PARAMETER: ("the SSM parameter", ("value", "insecureValue")),
    SM_SECRET: ("the Secrets Manager secret", None),  # its value is a secret version's secret string
    KV_SECRET: ("the Key Vault secret", ("properties.value",)),
    APPCONFIG_VALUE: ("the App Configuration key-value", ("value",)),
    APIM_NAMED_VALUE: ("the API Management named value", ("value",)),  # a Key Vault-backed one has none
    APPCONFIG_APP: ("the AppConfig application", None),  # its profiles' locations are judged as inputs
    S3_OBJECT: ("the S3 object", ("content",)),  # a file asset (`source`) is not readable
}
# The inputs a store is named by where it is read (an API Management policy writes `{{displayName}}`).
_NAME_INPUTS = ("name", "namedValueId", "displayName")
_SSM_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]*:\d*:parameter/?(\S+)$")
# The secret's name without the six random characters AWS appends (`eloket/app-config`, written without
# them, ends in a six-letter word too, so _named also accepts a store named one such word longer), and
# without what an ECS `valueFrom` adds after it (`:<json-key>:<version-stage>:<version-id>`); a secret's
# name holds no colon.
_SM_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]*:\d*:secret:([^:\s]+?)(?:-[A-Za-z0-9]{6})?"
                     r"(?::[^:\s]*){0,3}$")
_KV_URI = re.compile(r"SecretUri=https://[^/;)]+/secrets/([^/;)\s]+)", re.I)
_KV_NAME = re.compile(r"SecretName=([^;)\s]+)", re.I)
_APPCONFIG_KEY = re.compile(r"@Microsoft\.AppConfiguration\([^)]*\bKey=([^;)\s]+)", re.I)
_PARAMETER_KEY = re.compile(r"(?i)(param|parameter|ssm)(_?(name|path|key))?$")
_PARAMETER_NAME = re.compile(r"^/?[\w.-]+(/[\w.-]+)+$|^[\w.-]+$")
_NAMED_VALUE = re.compile(r"\{\{([\w.-]+)\}\}")
# Store URIs (AWS AppConfig configuration profiles read their content from them); `s3://` is a bucket.
_STORE_SCHEMES = {"ssm-parameter://": SSM_PARAMETER, "secretsmanager://": SM_SECRET}
STORE_SCHEMES = tuple(_STORE_SCHEMES)
# The AWS AppConfig agent (Lambda extension, ECS sidecar) fetches configuration by application name or id:
# `/applications/<app>/environments/<env>/configurations/<profile>` (a prefetch list, a localhost URL).
_APPCONFIG_PATH = re.compile(r"/applications/([\w.-]+)/environments/[\w.-]+/configurations/[\w.-]+")
SM_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
_AWS_PUBLIC = "aws/service/"  # AWS's public parameters (latest AMI ids, region lists): AWS's, hold no setting


# Words that make a setting name a credential's (it reads a password, key or token, not a place).
_CREDENTIAL_WORDS = frozenset({
    "password", "passwd", "pwd", "pw", "passphrase", "credential", "credentials", "creds", "token", "secret",
    "apikey", "key", "cert", "certificate", "pfx", "pem", "sas", "salt", "pepper"})
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# A name that ends in a user name reads the other half of a credential (`DB_USER`, `dbUsername`, `SMTP_LOGIN`:
# an alternating-users rotation changes it with the password, so it is read from the same secret). Only at
# the end: `USER_EXPORT_URL` names a place.
_CREDENTIAL_ENDS = (("user",), ("username",), ("user", "name"), ("login",))
# A setting that names a file or URL path holds a path even when its value looks like a parameter name.
_PATH_NAME = re.compile(r"(?i)(path|dir|directory|file|folder|prefix|root|mount|route|home|pattern)s?$")
_FS_ROOTS = ("/mnt/", "/var/", "/tmp/", "/opt/", "/home/", "/usr/", "/etc/", "/srv/", "/data/", "/app/",
             "/efs/", "/workspace/", "/dev/", "/proc/", "/run/", "/lib/")
_FILE = re.compile(r"\.[A-Za-z0-9]{1,5}$")  # a last segment with an extension: a file
_DEST_NAME = re.compile(r"(?i)(target|destination|endpoint|url|uri|host|sink|source|export|upload|forward)$")
# A CloudWatch Logs group named under a `…LOG_GROUP(_NAME)` setting (`/eloket/privacy`): a group of the
# account and region the workload runs in, written by name, not a parameter read (engine round 10).
_LOG_GROUP_NAME = re.compile(r"(?i)log_?group(_?name)?$")


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Maps whose keys are setting names a program chooses (environment variables, app settings, job arguments,
# a service's configuration options): upper-cased like the names of `{name, value}` entries, so `exportTarget`
# is read as `EXPORT_TARGET` would be. Known by the family of their names, not a list of services (Glue
# `nonOverridableArguments`, Amplify/Azure ML `environmentVariables`, MWAA `airflowConfigurationOptions`).
_SETTINGS_MAP = re.compile(
    r"^(variables|environment|appSettings|arguments|\w*(Variables|Arguments|Secrets|ConfigurationOptions))$")


@functools.lru_cache(maxsize=4096)  # a pure test of a key: the same keys recur on every resource
def settings_map(key: str) -> bool:
    """A map whose keys are setting names (see _SETTINGS_MAP)."""
    return _SETTINGS_MAP.match(key) is not None


def setting_name(name: str) -> str:
    """A setting name as an environment variable would spell it (`exportTarget` -> `EXPORT_TARGET`)."""
    return _CAMEL.sub("_", name).upper()


@functools.lru_cache(maxsize=4096)
def credential_name(key: str) -> bool:
    """A setting (or field) named as a credential: it reads a password, key, token or user name, not a
    destination."""
    words = [w.lower() for w in _WORD.findall(key)]
    named = words[:-1] if words[-1:] in (["parameter"], ["arn"]) else words  # `DB_USER_PARAMETER`: a store's
    ends = any(tuple(named[-len(e):]) == e for e in _CREDENTIAL_ENDS)
    return ends or bool(_CREDENTIAL_WORDS.intersection(words))


def _norm(name: str) -> str:
    return name.strip("/")


def stored_ref(s: str, key: str) -> tuple[str, str, bool] | None:
    """The store a destination-named field reads its value from (kind `stored`, `<type>|<name>`), or None.
    A schema field typed as an ARN or id (`arn`, `credentialArn`, `secretId`) names the resource or the
    credentials it uses, not a destination: only settings a program names (`EXPORT_URL`) are read so."""
    if key in ("arn", "id") or key.endswith(("Arn", "Id")):
        return None
    if s.startswith(STORE_SCHEMES):  # an AWS AppConfig profile's `locationUri`
        scheme, _, name = s.partition("://")
        return ("stored", f"{_STORE_SCHEMES[scheme + '://']}|{_norm(name)}", False)
    if "{{" in s and (m := _NAMED_VALUE.search(s)):
        return ("stored", f"{APIM_NAMED_VALUE}|{m.group(1)}", False)
    if credential_name(key):  # `SMTP_PASSWORD`, `DB_CREDENTIALS_SECRET_ARN`: a credential, not a place
        return None
    if "${" in s and (m := _PLACEHOLDER.search(s)):
        return ("stored", f"{PROVIDED}|{_norm(m.group(1) or m.group(2))}", False)
    if s.startswith("arn:"):
        if m := _SSM_ARN.match(s):
            return ("stored", f"{SSM_PARAMETER}|{_norm(m.group(1))}", False)
        if m := _SM_ARN.match(s):
            return ("stored", f"{SM_SECRET}|{m.group(1)}", False)
        return None
    if s.startswith("@Microsoft."):
        m = _APPCONFIG_KEY.search(s)
        if m:
            return ("stored", f"{APPCONFIG_VALUE}|{m.group(1)}", False)
        m = _KV_URI.search(s) or _KV_NAME.search(s)
        return ("stored", f"{KV_SECRET}|{m.group(1)}", False) if m else None
    if _PARAMETER_KEY.search(key) and _PARAMETER_NAME.match(s):
        return ("stored", f"{SSM_PARAMETER}|{_norm(s)}", False)
    return None


# A setting naming a configuration file read at run time (an OpenTelemetry collector's
# `OPENTELEMETRY_COLLECTOR_CONFIG_URI`, any `…CONFIG_FILE`/`…SETTINGS_URL`): an S3 object there is a settings
# file like an ECS environment file, whose exporters and endpoints must be readable in the stack.
_CONFIG_FILE_KEY = re.compile(r"(CONFIG|CONFIGURATION|SETTINGS)_?(URI|URL|FILE|LOCATION|OBJECT)S?$")
_S3_URI = re.compile(r"^s3://([a-z0-9.-]+?)(?:\.s3[.-][a-z0-9.-]*amazonaws\.com)?/(\S+)$"
                     r"|^https://([a-z0-9.-]+?)\.s3[.-][a-z0-9.-]*amazonaws\.com/(\S+)$")


def _s3_object(s: str) -> str | None:
    """`bucket/key` of an S3 object named by URI, virtual-hosted URL or ARN (None: not one)."""
    if m := _S3_URI.match(s):
        return f"{m.group(1) or m.group(3)}/{m.group(2) or m.group(4)}"
    return m.group(1) if (m := _S3_OBJECT_ARN.match(s)) else None


def held_ref(s: str, key: str) -> tuple[str, str, bool] | None:
    """The store a setting with a neutral name (an environment-style key: no lower-case letter; the scanner
    upper-cases setting names) reads its value from at run time (kind `held`), or None. A path or word is a
    parameter name under a `…PARAMETER` key (`DATA_DIR: /mnt/data` is a path) or, as a path of two or
    more segments, under any other name but a path's (`EXPORT_TARGET: /partner/target`, `FEED: /shared/feed`;
    not `…_PATH`, `…_PREFIX`, a file nor a file-system path). A setting named as a credential is followed
    only to an AWS store (`_credential_store`)."""
    if not key.isupper():
        return None
    if credential_name(key):  # `SETTINGS_SECRET`, `ROUTING_KEY`: a credential's store, still the stack's
        return _credential_store(s, key)
    if "/applications/" in s and (m := _APPCONFIG_PATH.search(s)):
        return ("held", f"{APPCONFIG_APP}|{m.group(1)}", False)
    if _CONFIG_FILE_KEY.search(key) and (obj := _s3_object(s)):  # an agent's configuration file (round 15)
        return ("held", f"{S3_OBJECT}|{obj}", False)
    if not s.startswith(("arn:", "@Microsoft.")) and not _PARAMETER_KEY.search(key):
        if not _parameter_path(s, key):
            return None
        key = f"{key}_PARAMETER"
    found = stored_ref(s, key)
    if found is None or found[1].partition("|")[2].startswith(_AWS_PUBLIC):
        return None
    return ("held", found[1], False)


def _credential_store(s: str, key: str) -> tuple[str, str, bool] | None:
    """The store a setting named as a credential reads (kind `keyed`): the name says what the value is
    meant to be, not what the store holds, so the store must be the stack's (whose value, a credential, need
    not be readable). An SSM parameter or Secrets Manager secret written as one (an ARN, a path under a
    `…PARAMETER` key; `API_KEY_FILE: /run/secrets/key` is a path), and since round 14 a Key Vault or App
    Configuration reference: a secret put into the stack's own vault by hand is set where no program shows
    it, like a parameter created by hand."""
    if not s.startswith(("arn:", "@Microsoft.")) and not _PARAMETER_KEY.search(key):
        return None
    found = stored_ref(s, "SETTING" + ("_PARAMETER" if _PARAMETER_KEY.search(key) else ""))
    if found is None or found[1].partition("|")[2].startswith(_AWS_PUBLIC):
        return None
    return ("keyed", found[1], False)


def _parameter_path(s: str, key: str) -> bool:
    """`/partner/export-target` under a destination's name, or `/shared/feed/endpoint` under a neutral one
    (`FEED`): a parameter the setting is read from. A file (`/config/app.json`: an extension) or a
    file-system path, or a path under a path's name (`…_PATH`, `…_ROUTE`, `…_PREFIX`), stays a path; so does
    a log group's name under a `…LOG_GROUP` name."""
    if _LOG_GROUP_NAME.search(key):
        return False
    if not (s[:1] == "/" and s.count("/") >= 2 and not _PATH_NAME.search(key) and not s.startswith(_FS_ROOTS)
            and " " not in s and _PARAMETER_NAME.match(s) is not None):
        return False
    return _DEST_NAME.search(key.rstrip("_")) is not None or _FILE.search(s) is None


def vault_store(value: dict[str, Any]) -> tuple[str, str, bool] | None:
    """The Key Vault linked service an `AzureKeyVaultSecret` field is read through (`store.referenceName`),
    credential or not (round 15): it must be one of the stack, whose `baseUrl` (the vault) is judged."""
    store = value.get("store")  # a policy proxy of a dict (pulumi_policy), read through `get`
    ref = store.get("referenceName") if hasattr(store, "get") else None
    if value.get("type") != "AzureKeyVaultSecret" or type(ref) is not str:
        return None
    return ("keyed", f"{LINKED_SERVICE}|{ref}", False)


def vault_reference(value: dict[str, Any], key: str) -> tuple[str, str, bool] | None:
    """A Data Factory / Synapse linked service field given as `{type: AzureKeyVaultSecret, secretName}`: its
    value (a connection string, a host, a URL) is read from a Key Vault secret when the pipeline runs. Only a
    field named as a credential (`password`, `servicePrincipalKey`) holds a credential."""
    name = value.get("secretName")
    if value.get("type") != "AzureKeyVaultSecret" or type(name) is not str or credential_name(key):
        return None
    return ("stored", f"{KV_SECRET}|{name}", False)


_KV_SECRET_URL = re.compile(r"^https://[\w-]+\.vault\.azure\.net/secrets/([\w-]+)", re.I)
_S3_OBJECT_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::([^/\s]+/\S+)$")
# An Airflow secrets backend's kwargs (MWAA `secrets.backend_kwargs`, `AIRFLOW__SECRETS__BACKEND_KWARGS`).
_BACKEND_PREFIXES = ("connections_prefix", "variables_prefix", "config_prefix", "connections_path",
                     "variables_path", "config_path")  # a Vault backend's `…_path` (round 15)


def dict_refs(value: dict[str, Any], key: str) -> tuple[tuple[str, str, bool], ...]:
    """Stores (and implied services) an object names by its shape rather than by a string: a Data Factory
    Key Vault field, an ECS environment file (`environmentFiles[]`: a settings file read at start, kind
    `held`), a Container Apps secret read from Key Vault by `keyVaultUrl` (kind `keyed`), an Airflow secrets
    backend prefix (every store under it, kind `held`), a FireLens output plugin (core/named_services.py)."""
    out: list[tuple[str, str, bool]] = []
    if "secretName" in value and (held := vault_reference(value, key)) is not None:
        out.append(held)
    if "store" in value and (through := vault_store(value)) is not None:
        out.append(through)
    if "logDriver" in value:
        out += firelens_refs(value)
    if key == "environmentFiles" and value.get("type") == "s3" and isinstance(v := value.get("value"), str):
        m = _S3_OBJECT_ARN.match(v)
        out.append(("held", f"{S3_OBJECT}|{m.group(1) if m else v}", False))
    if key == "secrets" and isinstance(v := value.get("keyVaultUrl"), str) and (m := _KV_SECRET_URL.match(v)):
        out.append(("keyed", f"{KV_SECRET}|{m.group(1)}", False))
    for k in _BACKEND_PREFIXES:
        if isinstance(p := value.get(k), str) and p:
            out.append(("held", f"{STORE_PREFIX}|{p}", False))
    for kind, p in backend_prefixes(value):  # a backend's default prefixes (core/airflow_backends.py)
        out.append(("held", f"{STORE_PREFIX if kind == 'prefix' else UNKNOWN_BACKEND}|{p}", False))
    return tuple(out)


def _prefix_problem(path: str, prefix: str) -> str:
    return (f"`{path}` reads every parameter or secret under the prefix {prefix!r} at run time (an "
            "Airflow secrets backend, by its kwargs or its default); what is stored under a prefix is set "
            "outside any program, so the destinations it holds cannot be judged; set the prefix to null (or "
            "drop the backend) and keep connections in settings the program states")


def _readable(value: Any) -> bool:
    return isinstance(value, str) and not is_unknown(value) and value != "[secret]"  # the gate's redaction


def _named(store: Any, name: str) -> bool:
    want = _norm(name)
    if store.type in _SAME_STORE[S3_OBJECT]:
        return f"{store.input('bucket')}/{_norm(str(store.input('key')))}" == name
    for k in _NAME_INPUTS:
        have = store.input(k)
        if have is None:
            continue
        got = _norm(str(have))
        cut = store.type == SM_SECRET and len(got) == len(want) + 7  # a last word taken for AWS's suffix
        if got == want or (cut and got.startswith(want + "-")):
            return True
    return False


def stored_problem(path: str, value: str, graph: StackGraph, held: bool = False, keyed: bool = False
                   ) -> str | None:
    """Why a destination read from a store cannot be judged (None: a store of the stack with a plain value,
    which the scanner judges as that store's own input; under a neutral name, any store of the stack; under
    a credential's name, any store of the stack, readable or not)."""
    typ, _, name = value.partition("|")
    if typ == STORE_PREFIX:
        return _prefix_problem(path, name)
    if typ == UNKNOWN_BACKEND:
        return backend_problem(path, name)
    if typ == LINKED_SERVICE:
        if any(r.input("name") == name for r in graph.by_type(LINKED_SERVICE)):
            return None
        return (f"`{path}` is read from a Key Vault through the linked service {name!r}, which is no "
                "resource of this stack, so which vault it reads, and where that vault is, cannot be judged; "
                "define the Key Vault linked service in the stack (its `baseUrl` is judged)")
    what, inputs = STORES.get(typ, ("the parameter or secret (a configuration provider's)", None))
    types = (SM_SECRET, SSM_PARAMETER) if typ == PROVIDED else _SAME_STORE.get(typ, (typ,))
    store = next((r for t in types for r in graph.by_type(t) if _named(r, name)), None)
    if store is not None and typ == PROVIDED:
        typ = store.type
        what, inputs = STORES[typ]
    if store is None:
        held_note = " (a setting read from a store may hold a destination whatever its name)" if held else ""
        if keyed:
            held_note = (" (a store outside the stack may hold settings, a destination among them, whatever "
                         "the setting's name says; a credential's store must be the stack's too)")
        return (f"`{path}` is read at run time from {what} {name!r}, which is no resource of this stack, so "
                f"the destination it may hold is set outside any program and cannot be judged{held_note}; "
                "create it in the stack with a plain value (judged there) or write the setting itself")
    if keyed or typ == APPCONFIG_APP or _readable_store(store, typ, inputs, graph):
        return None
    if held:
        fix = ("write the file's settings inline (`content`)" if typ == S3_OBJECT else "keep settings in a "
               "plain value the pack can read, or name the setting as the credential it is (…_PASSWORD, "
               "…_TOKEN, …_KEY, …_SECRET)")
        return (f"`{path}` is read at run time from {what} {name!r} of this stack, whose value is a secret "
                "or unknown during preview, so the settings it holds (a destination among them) cannot be "
                f"judged; {fix}")
    return (f"`{path}` is read at run time from {what} {name!r} of this stack, whose value is a secret "
            "or unknown during preview, so the destination it holds cannot be judged; keep a destination "
            "in a plain (non-secret) parameter or setting")


def _readable_store(store: Any, typ: str, inputs: tuple[str, ...] | None, graph: StackGraph) -> bool:
    """The store's value is an input the pack can read (a Secrets Manager secret's: a secret version's
    secret string, found by dependency or by the secret's name or ARN in `secretId`)."""
    if typ == SM_SECRET:
        name = str(store.input("name") or "")
        versions = graph.referring((SM_VERSION,), "secretId", store.urn, [name] if name else [])
        versions += [v for v in graph.by_type(SM_VERSION) if name and f":secret:{name}" in str(
            v.input("secretId") or "") and v not in versions]
        return any(_readable(v.input("secretString")) for v in versions)
    return inputs is not None and any(_readable(get_path(store.inputs, p)) for p in inputs)
