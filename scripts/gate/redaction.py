"""Redaction of secret values before anything is written."""

from __future__ import annotations

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
