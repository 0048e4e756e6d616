"""Destinations kept in a store and read at run time: an environment variable or app setting named like a
destination whose value is an SSM parameter (its ARN, or its name under a `…PARAMETER` key), a Secrets Manager
secret, a Key Vault reference or an App Configuration reference. What the store holds is the destination, so
it must be a store of the stack whose value the pack can read (then that value is judged as the store's own
input); a store outside the stack, or a secret value, is set where no program shows it.
"""

from __future__ import annotations

import re
from typing import Any

from policies.core.view import StackGraph, get_path, is_unknown

SSM_PARAMETER = "aws:ssm/parameter:Parameter"
SM_SECRET = "aws:secretsmanager/secret:Secret"
KV_SECRET = "azure-native:keyvault:Secret"
APPCONFIG_VALUE = "azure-native:appconfiguration:KeyValue"
# Store type -> (what it is, the input holding the stored value; None: never an input a policy can read).
STORES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    SSM_PARAMETER: ("the SSM parameter", ("value", "insecureValue")),
    SM_SECRET: ("the Secrets Manager secret", None),  # its value is a secret version's secret string
    KV_SECRET: ("the Key Vault secret", ("properties.value",)),
    APPCONFIG_VALUE: ("the App Configuration key-value", ("value",)),
}
_SSM_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]*:\d*:parameter/?(\S+)$")
_SM_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]*:\d*:secret:(\S+?)(?:-[A-Za-z0-9]{6})?$")
_KV_URI = re.compile(r"SecretUri=https://[^/;)]+/secrets/([^/;)\s]+)", re.I)
_KV_NAME = re.compile(r"SecretName=([^;)\s]+)", re.I)
_APPCONFIG_KEY = re.compile(r"@Microsoft\.AppConfiguration\([^)]*\bKey=([^;)\s]+)", re.I)
_PARAMETER_KEY = re.compile(r"(?i)(param|parameter|ssm)(_?(name|path|key))?$")
_PARAMETER_NAME = re.compile(r"^/?[\w.-]+(/[\w.-]+)+$|^[\w.-]+$")


def _norm(name: str) -> str:
    return name.strip("/")


def stored_ref(s: str, key: str) -> tuple[str, str, bool] | None:
    """The store a destination-named field reads its value from (kind `stored`, `<type>|<name>`), or None.
    A schema field typed as an ARN or id (`arn`, `credentialArn`, `secretId`) names the resource or the
    credentials it uses, not a destination: only settings a program names (`EXPORT_URL`) are read so."""
    if key in ("arn", "id") or key.endswith(("Arn", "Id")):
        return None
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


def _readable(value: Any) -> bool:
    return isinstance(value, str) and not is_unknown(value) and value != "[secret]"  # the gate's redaction


def stored_problem(path: str, value: str, graph: StackGraph) -> str | None:
    """Why a destination read from a store cannot be judged (None: a store of the stack with a plain value,
    which the scanner judges as that store's own input)."""
    typ, _, name = value.partition("|")
    what, inputs = STORES[typ]
    store = next((r for r in graph.by_type(typ) if _norm(str(r.input("name"))) == _norm(name)), None)
    if store is None:
        return (f"`{path}` is read at run time from {what} {name!r}, which is no resource of this stack, so "
                "the destination it holds is set outside any program and cannot be judged; create it in the "
                "stack with a plain value (judged there) or write the destination itself")
    if inputs is None or not any(_readable(get_path(store.inputs, p)) for p in inputs):
        return (f"`{path}` is read at run time from {what} {name!r} of this stack, whose value is a secret "
                "or unknown during preview, so the destination it holds cannot be judged; keep a destination "
                "in a plain (non-secret) parameter or setting")
    return None
