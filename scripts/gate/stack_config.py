"""Stack config as the engine hands it to a program: flat "ns:key" strings plus the secret keys."""

from __future__ import annotations

import json
from typing import Any

from gate.redaction import REDACTED, is_credential_key


def _config_string(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _without_secure(value: Any) -> tuple[Any, bool]:
    """A structured value with every nested `{"secure": ...}` (an encrypted leaf, as the CLI reads
    structured config) replaced by the placeholder; True when there was one (the whole value is secret,
    as the CLI marks it)."""
    if _is_secure(value):
        return REDACTED, True
    if isinstance(value, dict):
        items = {k: _without_secure(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, any(f for _, f in items.values())
    if isinstance(value, list):
        items2 = [_without_secure(v) for v in value]
        return [v for v, _ in items2], any(f for _, f in items2)
    return value, False


def normalize_config(project: str, config: dict[str, Any] | None) -> tuple[dict[str, str], list[str]]:
    """`{"key" | "ns:key": value}` -> (flat engine config of strings, secret keys).

    `{"secure": ...}` values (encrypted in stack files) cannot be decrypted offline: they become a
    placeholder marked secret, so the program still sees a secret. So do provider credentials
    (`aws:secretKey`, `azure-native:clientSecret`, ...) given in clear.
    """
    flat: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in (config or {}).items():
        full = key if ":" in key else f"{project}:{key}"
        if _is_secure(value) or is_credential_key(full):
            flat[full] = REDACTED        # ciphertext, or a credential in clear: never in memory here
            secret_keys.append(full)
        else:
            value, nested = _without_secure(value)
            flat[full] = _config_string(value)
            if nested:   # an object or list holding encrypted leaves: secret as a whole
                secret_keys.append(full)
    return flat, secret_keys
