"""Secret redaction for everything that goes into a bundle.

Two layers: values that the engine marked secret (the Pulumi secret signature) or that sit under a key
named like a credential are replaced by ``[secret]``; the clear values found that way are then scrubbed
from every other string too (a message quoting a PSK is still a leak). The bundle writer finally scans
the written bytes for those values and refuses to publish a bundle that contains one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gate.redaction import REDACTED
from gate.wire import SECRET_SIG, SIG_KEY, UNKNOWN

# Keys whose values are credentials whatever their type (VPN PSK, DB password, tokens, connection strings).
SECRET_KEY = re.compile(
    r"(pass(word|wd|phrase)?$|password|psk|pre_?shared|shared_?key|secret(?!s?_?arn)|token|private_?key"
    r"|connection_?string|access_?key(?!_?id)|credential|auth_?key|sas$|api_?key)",
    re.IGNORECASE,
)
# Keys that look secret but hold references or settings, not secrets (ARNs, ids, flags, rotation periods).
NOT_SECRET_KEY = re.compile(
    r"(SecretOutputs|secretOutputs|arn|_?id$|Id$|ids$|name$|Name$|enabled|Enabled|rotation|length|Length|policy$|Policy$|type$|Type$"
    r"|version|Version|expir|reuse|Reuse|require|Require|max_?age|MaxAge|hard_?expiry)",
)
MIN_SCRUB_LENGTH = 6  # shorter "secrets" (e.g. "true") would mangle unrelated text when scrubbed


def is_secret_key(key: str) -> bool:
    """True when a property named ``key`` holds a credential."""
    return bool(SECRET_KEY.search(key)) and not NOT_SECRET_KEY.search(key)


@dataclass
class Redactor:
    """Collects clear secret values while redacting, so later strings can be scrubbed of them."""

    found: set[str] = field(default_factory=set)

    def add(self, value: Any) -> None:
        """Remember a clear secret value (strings and the strings inside containers)."""
        if isinstance(value, str):
            if len(value) >= MIN_SCRUB_LENGTH and value not in (REDACTED, UNKNOWN):
                self.found.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                self.add(v)
        elif isinstance(value, list | tuple):
            for v in value:
                self.add(v)

    def collect(self, value: Any, key: str = "") -> None:
        """First pass: learn every secret value in ``value`` without changing it."""
        if isinstance(value, dict):
            if value.get(SIG_KEY) == SECRET_SIG:
                self.add(value.get("value", value.get("plaintext")))
                return
            for k, v in value.items():
                if is_secret_key(str(k)) and not isinstance(v, bool | int | float):
                    self.add(v)
                else:
                    self.collect(v, str(k))
        elif isinstance(value, list | tuple):
            for v in value:
                self.collect(v, key)

    def redact(self, value: Any) -> Any:
        """Second pass: a copy of ``value`` with secrets replaced and known secret values scrubbed."""
        if isinstance(value, dict):
            if value.get(SIG_KEY) == SECRET_SIG:
                return REDACTED
            out: dict[str, Any] = {}
            for k, v in value.items():
                if (
                    is_secret_key(str(k))
                    and v not in (None, "", [], {})
                    and not isinstance(v, bool | int | float)
                ):
                    out[k] = REDACTED
                else:
                    out[k] = self.redact(v)
            return out
        if isinstance(value, list | tuple):
            return [self.redact(v) for v in value]
        if isinstance(value, str):
            return self.scrub(value)
        return value

    def scrub(self, text: str) -> str:
        """Replace every known secret value inside ``text``."""
        for secret in sorted(self.found, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def leaks(self, data: bytes) -> bool:
        """True when ``data`` (a written file) still contains a known secret value."""
        return any(secret.encode() in data for secret in self.found)
