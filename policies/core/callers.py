"""Input values that name callers, not destinations: who may call in (CORS allowed origins, the address
entries of firewall allow-lists and security rules), and version numbers that look like IPv4 addresses. The
reference scanner (policies/core/references.py) skips them; any other value under the same keys is scanned."""

from __future__ import annotations

import re

# Values that say who may call in, never where data goes: CORS allowed origins (an origin, no path) and the
# address entries of firewall allow-lists and security rules (IPs or CIDR ranges only). Exact schema keys:
# a user-chosen name (an environment variable `ALLOWED_ORIGINS`) is judged like any other value.
_ORIGIN_KEYS = frozenset({"allowedOrigins", "allowOrigins", "AllowedOrigins", "allowOrigin"})
_ORIGIN = re.compile(r"^(?:\*|https?://[^/\s]+/?)$", re.I)
_ALLOW_IP_KEYS = frozenset(
    {"iPAddressOrRange", "ipAddressOrRange", "startIpAddress", "endIpAddress", "sourceAddressPrefix",
     "sourceAddressPrefixes", "ipRangeFilter", "allowedIpRanges", "ipMask"}
)
# `value`/`ipAddress` of an entry of these lists (Key Vault `networkAcls.ipRules[].value`, App Service
# `ipSecurityRestrictions[].ipAddress`)
_ALLOW_LIST = re.compile(r"(?:ipRules|ipSecurityRestrictions|scmIpSecurityRestrictions)\.\d+$")
_ADDRESSES = re.compile(r"^[0-9a-fA-F:.,/ ]+$")


# A version number under a `…version` key (`contentVersion: 1.0.0.0` of every ARM template and Logic App) is
# no IPv4 address.
VERSION = re.compile(r"^\d+(?:\.\d+){1,3}$")
CALLER_KEYS = _ORIGIN_KEYS | _ALLOW_IP_KEYS | {"value", "ipAddress"}


def caller(key: str, path: str, value: str) -> bool:
    """An allowed origin or allow-list address: a caller, not a destination (see _ORIGIN_KEYS)."""
    if key in _ORIGIN_KEYS:
        return bool(_ORIGIN.match(value))
    if key in _ALLOW_IP_KEYS or ((key == "value" or key == "ipAddress") and _ALLOW_LIST.search(path)):
        return bool(_ADDRESSES.match(value))
    return False
