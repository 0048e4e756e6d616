"""Credentials exported as stack outputs (rounds 32 and 33). The engine records no dependencies for outputs,
so what a secret output holds cannot be traced, and whoever may read the stack's state reads every output
(`pulumi stack output --show-secrets`). A secret output blocks whatever it holds; a plain output blocks when
its value has the shape of a credential (a SAS signature, a key or password in a connection string, padded
base64 key material) or its name says it is one, since invokes such as `listStorageAccountSAS` or
`listDatabaseAccountKeys` return keys that are not secret unless the program marks them."""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy.secret import Secret as _Secret

from policies.core.reference_text import unproxied
from policies.core.references import REDACTED
from policies.core.view import SECRET_SIG_KEY, StackGraph

STACK_TYPE = "pulumi:pulumi:Stack"
_SAS = re.compile(r"(^|[?&])sig=[^&\s]+", re.I)
_CONN = re.compile(r"(^|;)\s*(accountkey|sharedaccesskey|password|pwd)\s*=\s*[^;\s]+", re.I)
_B64 = re.compile(r"^[A-Za-z0-9+/]{42,}={0,2}$")
_NAME = re.compile(
    r"(password|passwd|secret(?!(uri|url|id|name|arn|version)$)|token$|sastoken|sas$|"
    r"(primary|secondary|master|account|access|shared|api|storage|auth|private)key$)",
    re.I,
)
_REFERENCE = re.compile(r"^(arn:|/subscriptions/|https?://)", re.I)
_FIX = (
    "keep the credential in a Key Vault or Secrets Manager secret of this stack whose readers the gate "
    "weighs and export its name or ARN, or give the reader an Entra or IAM identity instead"
)


def secret_paths(value: Any, path: str = "") -> list[str]:
    """Where a value holds a secret (the gate's redaction, a secret wrapper or the engine's secret marker)."""
    value = unproxied(value)
    if value == REDACTED or isinstance(value, _Secret):
        return [path]
    if isinstance(value, dict) and SECRET_SIG_KEY in value:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in secret_paths(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in secret_paths(v, f"{path}[{i}]")]
    return []


def _key_material(value: str) -> bool:
    """44+ base64 characters with padding or '+', mixing upper and lower case and digits (a storage, Cosmos
    DB or Service Bus key); a path of words has no padding and no '+'."""
    classes = (str.isupper, str.islower, str.isdigit)
    return (
        len(value) >= 44
        and bool(_B64.match(value))
        and (value.endswith("=") or "+" in value)
        and all(any(f(c) for c in value) for f in classes)
    )


def _looks_like(name: str, value: str) -> str | None:
    """Why a plain string output is a credential, or None."""
    if _SAS.search(value):
        return "a SAS signature"
    if _CONN.search(value):
        return "a key or password in a connection string"
    if _key_material(value):
        return "base64 key material"
    if _NAME.search(name.split(".")[-1].split("[")[0]) and value.strip() and not _REFERENCE.match(value):
        return "its name says it is a password, key or token"
    return None


def credential_paths(value: Any, path: str = "") -> list[tuple[str, str]]:
    """(path, why) of plain strings in a value that look like credentials."""
    value = unproxied(value)
    if isinstance(value, dict) and SECRET_SIG_KEY not in value:
        return [x for k, v in value.items() for x in credential_paths(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [x for i, v in enumerate(value) for x in credential_paths(v, f"{path}[{i}]")]
    if isinstance(value, str) and value != REDACTED and (why := _looks_like(path, value)):
        return [(path, why)]
    return []


def exported_credentials(graph: StackGraph, databases: str | None) -> list[tuple[str, str]]:
    """Secret outputs (with the round-32 message when the program gives `databases` a password of its own)
    and plain outputs shaped like credentials."""
    out = []
    for s in graph.by_type(STACK_TYPE):
        if paths := secret_paths(s.raw):
            names = ", ".join(f"`{p}`" for p in paths)
            out.append((s.urn, _beside(names, databases) if databases else _secret(names)))
        if plain := credential_paths(s.raw):
            names = ", ".join(f"`{p}` ({why})" for p, why in plain)
            out.append(
                (
                    s.urn,
                    f"the stack exports output(s) {names} in clear: whoever reads the stack's state reads "
                    "them, and an invoke's result (listKeys, listStorageAccountSAS, listDatabaseAccountKeys) "
                    f"is not secret unless the program marks it; do not export credentials: {_FIX}",
                )
            )
    return out


def _secret(names: str) -> str:
    return (
        f"the stack exports secret output(s) {names}: outputs carry no dependencies, so what they hold (a "
        "password, key or token) cannot be judged, and whoever reads the stack's state (`pulumi stack output "
        f"--show-secrets`) holds it with no second factor; do not export secrets: {_FIX}"
    )


def _beside(names: str, databases: str) -> str:
    return (
        f"the stack exports secret output(s) {names} while the program gives {databases} a password of its "
        "own: outputs carry no dependencies, so whether one is that password cannot be judged, and whoever "
        "reads the stack's state (`pulumi stack output --show-secrets`) would sign in as the shared "
        "administrator; do not export secrets, keep the password in a Key Vault or Secrets Manager secret of "
        "this stack whose readers the gate weighs"
    )
