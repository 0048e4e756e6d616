"""Redaction of secret values before anything is written."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from gate.wire import UNKNOWN, is_secret, secret

REDACTED = "[secret]"


def redact(value: Any) -> Any:
    """A deep copy with every secret's value replaced by "[secret]" (unknown secrets stay unknown)."""
    if isinstance(value, dict):
        if is_secret(value):
            inner = value.get("value")
            return secret(UNKNOWN if inner == UNKNOWN else REDACTED)
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


# Provider credential properties (also as "<package>:<property>" stack config): always secret, even when a
# stack file holds them in clear.
CREDENTIAL_PROPERTIES = frozenset({
    "accessKey", "secretKey", "token", "sessionToken", "clientSecret", "clientCertificate",
    "clientCertificatePassword", "oidcToken", "oidcRequestToken", "password", "credentials",
    "accessToken", "apiKey", "sasToken", "storageAccessKey", "masterKey",
})
_PROVIDER_PACKAGES = ("aws", "azure-native", "azure", "azuread", "gcp", "random", "tls")
MIN_SECRET = 4     # shorter secrets cannot be told apart from ordinary text


def is_credential_key(key: str) -> bool:
    """`aws:secretKey`, `azure-native:clientSecret`, ...: a provider credential in stack config."""
    package, _, prop = key.partition(":")
    return package in _PROVIDER_PACKAGES and prop in CREDENTIAL_PROPERTIES


def secret_strings(value: Any, inside: bool = False) -> set[str]:
    """The plaintext strings inside secrets anywhere in `value` (to recognise values derived from them)."""
    if isinstance(value, dict):
        inner = is_secret(value)
        return set().union(*(secret_strings(v, inside or inner) for k, v in value.items()
                             if not (inner and k != "value")))
    if isinstance(value, list):
        return set().union(*(secret_strings(v, inside) for v in value))
    if inside and isinstance(value, str) and len(value) >= MIN_SECRET and value not in (UNKNOWN, REDACTED):
        return {value}
    return set()


def mentions(value: Any, plaintexts: set[str]) -> bool:
    """Does `value` (any JSON) contain one of `plaintexts` as a substring?"""
    if not plaintexts:
        return False
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return any(p in text for p in plaintexts)


def mask(text: str, plaintexts: set[str]) -> str:
    """`text` with every plaintext replaced by a stable stand-in (ids must stay unique and usable)."""
    for p in sorted(plaintexts, key=len, reverse=True):
        if p in text:
            text = text.replace(p, "secret-" + hashlib.sha256(p.encode()).hexdigest()[:8])
    return text


def scrub(text: str, plaintexts: set[str]) -> str:
    """`text` (an error message, a log line) with every known secret replaced by "[secret]"."""
    for p in sorted(plaintexts, key=len, reverse=True):
        text = text.replace(p, REDACTED)
    return text
