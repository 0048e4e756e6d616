"""Stack config as the engine hands it to a program: flat "ns:key" strings plus the secret keys."""

from __future__ import annotations

import json
from typing import Any

from gate.redaction import REDACTED, is_credential_key


def _config_string(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


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
        if (isinstance(value, dict) and set(value) == {"secure"}) or is_credential_key(full):
            flat[full] = REDACTED        # ciphertext, or a credential in clear: never in memory here
            secret_keys.append(full)
        else:
            flat[full] = _config_string(value)
    return flat, secret_keys
