"""Destinations kept in a store and read at run time: an environment variable or app setting named like a
destination whose value is an SSM parameter (its ARN, or its name under a `…PARAMETER` key), a Secrets Manager
secret, a Key Vault reference or an App Configuration reference. What the store holds is the destination, so
it must be a store of the stack whose value the pack can read (then that value is judged as the store's own
input); a store outside the stack, or a secret value, is set where no program shows it. An API Management
named value (`{{name}}` in a backend URL or a logger's connection string) is such a store too.

Under a neutral setting name (`APP_CONFIG`, `CONFIG_PARAMETER`: kind `held`) the value may be any setting, a
destination among them: a plain-text store (an SSM parameter, an App Configuration key-value) must then be a
store of the stack, whose value is judged as its input; a secret value there passes as a credential, and a
Secrets Manager or Key Vault secret under a neutral name is a credential (not followed).
"""

from __future__ import annotations

import re
from typing import Any

from policies.core.view import StackGraph, get_path, is_unknown

SSM_PARAMETER = "aws:ssm/parameter:Parameter"
SM_SECRET = "aws:secretsmanager/secret:Secret"
KV_SECRET = "azure-native:keyvault:Secret"
APPCONFIG_VALUE = "azure-native:appconfiguration:KeyValue"
APIM_NAMED_VALUE = "azure-native:apimanagement:NamedValue"
APPCONFIG_APP = "aws:appconfig/application:Application"
# Store type -> (what it is, the input holding the stored value; None: never an input a policy can read).
STORES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    SSM_PARAMETER: ("the SSM parameter", ("value", "insecureValue")),
    SM_SECRET: ("the Secrets Manager secret", None),  # its value is a secret version's secret string
    KV_SECRET: ("the Key Vault secret", ("properties.value",)),
    APPCONFIG_VALUE: ("the App Configuration key-value", ("value",)),
    APIM_NAMED_VALUE: ("the API Management named value", ("value",)),  # a Key Vault-backed one has none
    APPCONFIG_APP: ("the AppConfig application", None),  # its profiles' locations are judged as inputs
}
# The inputs a store is named by where it is read (an API Management policy writes `{{displayName}}`).
_NAME_INPUTS = ("name", "namedValueId", "displayName")
_PLAIN_STORES = frozenset({SSM_PARAMETER, APPCONFIG_VALUE})  # followed under a neutral name too
_SSM_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]*:\d*:parameter/?(\S+)$")
_SM_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]*:\d*:secret:(\S+?)(?:-[A-Za-z0-9]{6})?$")
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
_AWS_PUBLIC = "aws/service/"  # AWS's public parameters (latest AMI ids, region lists): AWS's, hold no setting


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


def held_ref(s: str, key: str) -> tuple[str, str, bool] | None:
    """The plain-text store a setting with a neutral name (an environment-style key: no lower-case letter)
    reads its value from at run time (kind `held`), or None. A path or word is a parameter name only under a
    `…PARAMETER` key (`DATA_DIR: /mnt/data` is a path; an ECS `valueFrom` is keyed so by the scanner)."""
    if not key.isupper():
        return None
    if "/applications/" in s and (m := _APPCONFIG_PATH.search(s)):
        return ("held", f"{APPCONFIG_APP}|{m.group(1)}", False)
    if not s.startswith(("arn:", "@Microsoft.")) and not _PARAMETER_KEY.search(key):
        return None
    found = stored_ref(s, key)
    if found is None or found[1].partition("|")[0] not in _PLAIN_STORES:
        return None
    if found[1].partition("|")[2].startswith(_AWS_PUBLIC):
        return None
    return ("held", found[1], False)


def _readable(value: Any) -> bool:
    return isinstance(value, str) and not is_unknown(value) and value != "[secret]"  # the gate's redaction


def _named(store: Any, name: str) -> bool:
    return any(_norm(str(store.input(k))) == _norm(name) for k in _NAME_INPUTS if store.input(k) is not None)


def stored_problem(path: str, value: str, graph: StackGraph, held: bool = False) -> str | None:
    """Why a destination read from a store cannot be judged (None: a store of the stack with a plain value,
    which the scanner judges as that store's own input; under a neutral name, any store of the stack)."""
    typ, _, name = value.partition("|")
    what, inputs = STORES[typ]
    store = next((r for r in graph.by_type(typ) if _named(r, name)), None)
    if store is None:
        held_note = " (a setting read from a store may hold a destination whatever its name)" if held else ""
        return (f"`{path}` is read at run time from {what} {name!r}, which is no resource of this stack, so "
                f"the destination it may hold is set outside any program and cannot be judged{held_note}; "
                "create it in the stack with a plain value (judged there) or write the setting itself")
    if held:
        return None
    if inputs is None or not any(_readable(get_path(store.inputs, p)) for p in inputs):
        return (f"`{path}` is read at run time from {what} {name!r} of this stack, whose value is a secret "
                "or unknown during preview, so the destination it holds cannot be judged; keep a destination "
                "in a plain (non-secret) parameter or setting")
    return None
