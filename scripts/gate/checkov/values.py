"""Value hygiene shared by both exporters: secrets out, unknowns as a visible placeholder."""

from __future__ import annotations

import functools
import re
from typing import Any

from gate.recording import REDACTED, UNKNOWN, is_secret

# Inputs whose plain-string value is a credential even when the program did not mark it secret
# (the SDK only knows secretness the program declared).
SECRET_NAMES = re.compile(
    r"(password|passphrase|secret(string|value)?$|sharedkey|presharedkey|psk|token|privatekey|"
    r"connectionstring|accesskey|clientsecret|sas(token|url)?$|credential)",
    re.IGNORECASE,
)


def clean(value: Any, key: str = "") -> Any:
    """A deep copy fit to write to disk: secrets -> "[secret]", unknown secrets -> UNKNOWN.

    ``key`` is the property name the value sits under (used for name-based redaction of strings).
    """
    if is_secret(value):
        return UNKNOWN if value.get("value") == UNKNOWN else REDACTED
    if isinstance(value, dict):
        return {k: clean(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v, key) for v in value]
    if isinstance(value, str) and value != UNKNOWN and key and _secret_name(key):
        return REDACTED
    return value


@functools.cache   # property names repeat across resources
def _secret_name(key: str) -> bool:
    return SECRET_NAMES.search(key) is not None
