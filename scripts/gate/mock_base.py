"""The values every offline output is made of: the fixed account and directory ids, a deterministic suffix,
and an input's plain value."""

from __future__ import annotations

import hashlib
from typing import Any

ACCOUNT_ID = "123456789012"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
TENANT_ID = "00000000-0000-0000-0000-000000000001"
CLIENT_ID = "00000000-0000-0000-0000-000000000002"
OBJECT_ID = "00000000-0000-0000-0000-000000000003"


def stable_hex(*parts: str, length: int = 8) -> str:
    """A deterministic hex suffix, so two runs of the same program record the same ids."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:length]


def stable_uuid(*parts: str) -> str:
    """A deterministic GUID (a KMS key id, an Azure AD object id, a web ACL's id)."""
    h = stable_hex(*parts, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def plain(value: Any) -> Any:
    """The value of a possibly secret-wrapped input (outputs never need the secrecy for ids)."""
    if isinstance(value, dict) and "value" in value and len(value) == 2:
        return value["value"]
    return value
