"""What one string of an input says: the references in its text, and the documents it holds.

Pure functions of the string (and of the key kind it sits under), so they are computed once per string: the
same ARNs, hosts and documents recur on thousands of resources. The scanner in policies/core/references.py
replays them at each place (path) and never modifies a parsed document.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import yaml

_ARN = re.compile(r"arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9*-]*):([0-9*]*|aws)?:([^\s\"',;)]+)")
_AZURE_ID = re.compile(r"/subscriptions/[0-9a-zA-Z*-]+(?:/[^\s\"',;?)]+)?", re.I)
_URL = re.compile(r"\b([a-z][a-z0-9+.-]*)://(?:[^/\s@\"']*@)?(\[[0-9a-f:]+\]|[^/\s:?#\"',;)]+)", re.I)
_MAIL = re.compile(r"[\w.+-]+@((?:[a-z0-9-]+\.)+[a-z]{2,})", re.I)
_CLOUD_HOST = re.compile(
    r"(?:[a-z0-9-]+\.)+(?:amazonaws\.com(?:\.cn)?|aws|windows\.net|azure\.(?:com|net|us|cn)|azurewebsites\.net|"
    r"cloudapp\.net|cloudfront\.net|azureedge\.net|azurefd\.net|trafficmanager\.net|azure-api\.net|"
    r"azurecr\.io|azurecontainer\.io|azurecontainerapps\.io|chinacloudapi\.cn|usgovcloudapi\.net|"
    r"azurestaticapps\.net|azure-devices\.net|servicebus\.windows\.net|on\.aws|api\.aws)\b",
    re.I,
)
_BARE_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24})\.?$", re.I)
_AWS_REGION = re.compile(
    r"\b(?:us|af|ap|ca|cn|eu|eusc|il|me|mx|sa)(?:-gov|-iso[a-z]?)?-"
    r"(?:north|south|east|west|central|northeast|northwest|southeast|southwest|de-east)-\d\b",
    re.I,
)
_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_ANY_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}\.?$", re.I)
_CONN_ACCOUNT = re.compile(r"AccountName=([a-z0-9]+);.*?EndpointSuffix=([a-z0-9.]+)", re.I | re.S)
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# Top-level-domain labels a bare string must end in to count as a hostname (file names like main.py,
# settings.yaml or app.handler must not): generic TLDs, EEA and common country codes, reserved names.
TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "io",
        "eu",
        "be",
        "nl",
        "de",
        "fr",
        "lu",
        "ie",
        "at",
        "dk",
        "se",
        "fi",
        "es",
        "it",
        "pt",
        "pl",
        "cz",
        "sk",
        "hu",
        "ro",
        "bg",
        "gr",
        "hr",
        "si",
        "ee",
        "lv",
        "lt",
        "mt",
        "cy",
        "is",
        "no",
        "li",
        "ch",
        "uk",
        "us",
        "ca",
        "au",
        "nz",
        "jp",
        "cn",
        "ru",
        "in",
        "br",
        "za",
        "sg",
        "hk",
        "kr",
        "tw",
        "cloud",
        "app",
        "dev",
        "ai",
        "co",
        "biz",
        "info",
        "gov",
        "edu",
        "mil",
        "int",
        "tech",
        "online",
        "site",
        "xyz",
        "example",
        "test",
        "invalid",
        "localhost",
        "internal",
        "local",
        "lan",
        "corp",
        "aws",
    ]
)


# Necessary conditions of _CLOUD_HOST and _AWS_REGION, cheap to test first (tests/policies hold them to it):
# a cloud suffix after a dot, with _CLOUD_HOST's flags (every `azure…` suffix starts with `azure`; `on.aws`,
# `api.aws` end in `.aws`); a region's direction word (north, …, southwest, de-east) ends in h, l or t before
# `-<digit>` (no other character folds to those; the literal `-` first keeps the search fast).
_CLOUD_SUFFIX = re.compile(
    r"\.(?:amazonaws\.com|aws|windows\.net|azure|cloudapp\.net|cloudfront\.net|trafficmanager\.net|"
    r"chinacloudapi\.cn|usgovcloudapi\.net)",
    re.I,
)
_REGION_HINT = re.compile(r"-(?<=[hltHLT]-)\d")


def _service_name(host: str) -> bool:
    return host.count(".") == 2 and host.endswith(".amazonaws.com")


Found = tuple[tuple[str, str, bool], ...]
QUIET: set[tuple[str, str, bool]] = set()  # (text, key, principal) of plain strings that hold no reference
QUIET_MAX = 65536


@functools.lru_cache(maxsize=1024)
def json_doc(s: str) -> Any:
    try:
        return json.loads(s)
    except Exception:
        return None


@functools.lru_cache(maxsize=1024)
def yaml_doc(s: str) -> Any:
    try:
        return yaml.safe_load(s)
    except Exception:
        return None


@functools.lru_cache(maxsize=16384)
def text_plan(
    s: str, region_key: bool, bucket_key: bool, dest_key: bool, principal: bool
) -> tuple[Found, Found, tuple[str, ...]] | None:
    """(added first, found in the text, AWS region tokens added only when the text added nothing new) of a
    plain string; None when it holds no reference."""
    pre: Found = ()
    if region_key:
        pre = (("region", s.strip(), False),)
    elif bucket_key and _BUCKET_NAME.match(s):
        pre = (("bucket", s, False),)  # an S3 bucket by name: only the stack (or a record) can place it
    found: list[tuple[str, str, bool]] = []
    if ":" in s:
        _colon(s, principal, found)
    if "." in s:
        _dotted(s, principal, dest_key, found)
    tokens: tuple[str, ...] = ()
    if "-" in s and _REGION_HINT.search(s):
        tokens = tuple(m.group(0).lower() for m in _AWS_REGION.finditer(s))
    if not pre and not found and not tokens:
        return None
    return pre, tuple(found), tokens


def _colon(s: str, principal: bool, out: list[tuple[str, str, bool]]) -> None:
    if "arn:" in s:
        for m in _ARN.finditer(s):
            out.append(("arn", m.group(0), principal))
    if "://" in s:
        for m in _URL.finditer(s):
            out.append(("host", m.group(2).lower().rstrip("."), principal))


def _dotted(s: str, principal: bool, dest_key: bool, out: list[tuple[str, str, bool]]) -> None:
    if "ubscriptions/" in s or "UBSCRIPTIONS/" in s:
        for m in _AZURE_ID.finditer(s):
            out.append(("azure-id", m.group(0).rstrip("/"), False))
    if "@" in s:
        for m in _MAIL.finditer(s):
            out.append(("host", m.group(1).lower(), False))
    low = s.lower()
    if _CLOUD_SUFFIX.search(s) and (  # _CLOUD_HOST (costly) where a suffix is, under the hints as before
        ".com" in low
        or ".net" in low
        or ".io" in low
        or ".aws" in low
        or ".us" in low
        or ".cn" in low
        or "accountname=" in low
    ):
        for m in _CLOUD_HOST.finditer(s):
            host = m.group(0).lower()
            # `iam.amazonaws.com` outside a URL names a service (principal, event source), not an endpoint
            named = principal or (_service_name(host) and f"://{host}" not in low)
            out.append(("host", host, named))
    if "accountname=" in low:
        for m in _CONN_ACCOUNT.finditer(s):
            out.append(("host", f"{m.group(1)}.blob.{m.group(2)}".lower(), False))
    bare = low.strip().rstrip(".")
    if " " in bare or "/" in bare:
        return
    if _IP.match(bare) or (dest_key and _ANY_HOST.match(bare)):
        out.append(("host", bare, False))  # an IP anywhere; any host in a destination field
    elif (m := _BARE_HOST.match(bare)) and m.group(1) in TLDS:
        out.append(("host", bare, principal or _service_name(bare)))
