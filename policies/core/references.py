"""The reference scanner: every place an input value can send data to, found in one pass over the inputs.

Walks every input of a resource recursively, including strings that hold JSON or YAML documents (policies,
container definitions, templates, scripts), and extracts references: AWS ARNs, Azure resource ids, URLs and
their hosts, mail domains, known cloud service hostnames anywhere in a string, bare hostnames, region names
(in region/location fields, and AWS region tokens anywhere), and unknown or unreadable secret values in
fields that can carry a destination. Linear in the size of the inputs; the result is cached on the view.

What a reference resolves to is decided in policies/core/destinations.py.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from pulumi_policy.proxy import _DictProxy, _ListProxy
from pulumi_policy.secret import Secret as _Secret

from policies.core.view import SECRET_SIG_KEY, UNKNOWN_VALUES, ResourceView

_SIG = SECRET_SIG_KEY
REDACTED = "[secret]"  # what the gate hands a policy for a secret it cannot read

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
_REGION_KEY = re.compile(r"(?i)(region|location)(name)?$")
# Fields whose value can be a destination: an unknown or unreadable secret value there fails closed.
_DEST_KEY = re.compile(
    r"(?i)(arn|endpoint|url|uri|host|bucket|destination|target|region|location|server|address|topic|queue|"
    r"stream|sink|workspace|peer|remote|partner|sourceid|resourceid|storageaccount|eventhub|connection)"
)
# Keys that describe rather than direct: never destinations (tags, free text).
# Container images name where code comes from (pulled in), not where data goes.
SKIP_KEYS = frozenset({"tags", "tagsAll", "description", "displayName", "$schema", "image", "imageUri"})
# Top-level keys that name the resource itself (its own outputs), or its own place (judged by the location
# rules, not as a reference).
# (Resource scope sees inputs only, so a top-level `arn`/`id` there is an input, e.g. an event target.)
OWN_KEYS = frozenset({"urn", "name", "region", "location", "__provider"})
BUCKET_TYPES = frozenset(
    {"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/directoryBucket:DirectoryBucket"}
)
_BUCKET_KEY = re.compile(r"(?i)bucket(name)?$")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BUCKET_OWN = frozenset(
    {"bucket", "bucketPrefix", "bucketDomainName", "bucketRegionalDomainName", "arn", "id"}
)
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


@dataclass(frozen=True, slots=True)
class Ref:
    """One reference found in the inputs."""

    path: str
    """Dotted field path; `(json)`/`(yaml)` marks a document inside a string."""
    kind: str
    """arn | azure-id | host | bucket | region | unknown | secret"""
    value: str
    """The ARN, Azure id, hostname or region text (never a secret's value)."""
    principal: bool = False
    """Names a service, not a place: under an IAM `Principal`, or a bare `<service>.amazonaws.com`."""


_CLOUD_HINTS = (".com", ".net", ".io", ".aws", ".us", ".cn", "accountname=")
_REGION_HINT = re.compile(r"-\d")


@functools.lru_cache(maxsize=4096)
def _key_kind(key: str) -> tuple[bool, bool, bool]:
    """(region field, bucket field, destination field) of an input key, computed once per key."""
    return (bool(_REGION_KEY.search(key)), bool(_BUCKET_KEY.search(key)), bool(_DEST_KEY.search(key)))


@functools.lru_cache(maxsize=4096)
def _free_text(key: str) -> bool:
    """Free-text fields (alarmDescription, comment, ...) describe; they direct nothing."""
    return key.lower().endswith(("description", "comment", "displayname", "notes"))


def _service_name(host: str) -> bool:
    return host.count(".") == 2 and host.endswith(".amazonaws.com")


def _b64(value: str) -> str:
    """A `...Base64` input (user data) decoded, so its text is scanned; undecodable text stays as it is."""
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return value


class _Scanner:
    def __init__(self, own: frozenset[str]) -> None:
        self.own = own
        self.refs: list[Ref] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, path: str, kind: str, value: str, principal: bool = False) -> None:
        key = (kind, value.lower() if kind != "secret" else path)
        if key not in self.seen:
            self.seen.add(key)
            self.refs.append(Ref(path, kind, value, principal))

    def walk(self, value: Any, path: str, key: str, top: bool, principal: bool) -> None:
        t = type(value)
        if t is _DictProxy:
            value, t = value._DictProxy__target, dict
        elif t is _ListProxy:
            value, t = value._ListProxy__target, list
        if t is dict:
            if _SIG in value:
                self.walk(value.get("value", REDACTED), path, key, False, principal)
                return
            own = self.own if top else ()
            for k, v in value.items():
                tv = type(v)
                if k in own or k in SKIP_KEYS or (type(k) is str and _free_text(k)):
                    continue
                if tv is str:  # the common case, inline: short strings hold no reference
                    if (len(v) >= 4 or v in UNKNOWN_VALUES) and (v, k, principal) not in _QUIET:
                        self.text(v, f"{path}.{k}" if path else k, k, principal)
                elif tv is dict or tv is list or tv is _DictProxy or tv is _ListProxy or tv is _Secret:
                    self.walk(
                        v,
                        f"{path}.{k}" if path else str(k),
                        str(k),
                        False,
                        principal or k in ("Principal", "Service"),
                    )
        elif t is list:
            for i, v in enumerate(value):
                tv = type(v)
                if tv is str:
                    if len(v) >= 4:
                        self.text(v, f"{path}.{i}", key, principal)
                elif tv is dict or tv is list or tv is _DictProxy or tv is _ListProxy or tv is _Secret:
                    self.walk(v, f"{path}.{i}", key, False, principal)
        elif t is str:
            self.text(value, path, key, principal)
        elif t is _Secret:
            self.walk(value.value, path, key, False, principal)

    def text(self, value: str, path: str, key: str, principal: bool) -> None:
        if key.endswith("Base64") and len(value) > 8:
            value = _b64(value)
        self.string(value, path, key, principal)

    def string(self, s: str, path: str, key: str, principal: bool) -> None:
        region_key, bucket_key, dest_key = _key_kind(key or path)
        if s in UNKNOWN_VALUES or s == REDACTED:
            if dest_key:
                self.add(path, "unknown" if s != REDACTED else "secret", s if s != REDACTED else "")
            return
        if len(s) < 4:
            return
        if (
            s[0] in "{[ \n"
            and s.lstrip()[:1] in ("{", "[")
            and self.document(s, path, _json_doc, "(json)", principal)
        ):
            return
        if "\n" in s and ":" in s and self.document(s, path, _yaml_doc, "(yaml)", principal):
            return
        plan = _plan(s, region_key, bucket_key, dest_key, principal)
        if plan is None:
            if key and not key.endswith("Base64"):  # nothing here under this key, wherever it occurs
                if len(_QUIET) >= _QUIET_MAX:
                    _QUIET.clear()
                _QUIET.add((s, key, principal))
            return
        pre, found, tokens = plan
        for kind, value, named in pre:
            self.add(path, kind, value, named)
        before = len(self.refs)
        for kind, value, named in found:
            self.add(path, kind, value, named)
        if tokens and len(self.refs) == before:  # region tokens inside ARNs/hosts are judged with those
            for value in tokens:
                self.add(path, "region", value)

    def document(self, s: str, path: str, parse: Any, mark: str, principal: bool) -> bool:
        doc = parse(s)
        if not isinstance(doc, dict | list):  # not a document after all: scanned as text
            return False
        self.walk(doc, f"{path}{mark}", "", False, principal)
        # the text itself still counts (scripts in YAML values, region tokens in command lines)
        return True


# What a string says is the same wherever it occurs: the same ARNs, hosts and documents recur on thousands of
# resources, so the findings of a string (without its path) and parsed documents are computed once. The
# scanner never modifies a parsed document.
Found = tuple[tuple[str, str, bool], ...]
_QUIET: set[tuple[str, str, bool]] = set()  # (text, key, principal) of plain strings that hold no reference
_QUIET_MAX = 65536


@functools.lru_cache(maxsize=1024)
def _json_doc(s: str) -> Any:
    try:
        return json.loads(s)
    except Exception:
        return None


@functools.lru_cache(maxsize=1024)
def _yaml_doc(s: str) -> Any:
    try:
        return yaml.safe_load(s)
    except Exception:
        return None


@functools.lru_cache(maxsize=16384)
def _plan(
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
    if any(x in low for x in _CLOUD_HINTS):
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


def scan(value: Any, prefix: str = "", own: frozenset[str] = OWN_KEYS) -> list[Ref]:
    """Every reference inside `value` (raw inputs: plain, proxied or secret-wrapped)."""
    s = _Scanner(own)
    s.walk(value, prefix, "", not prefix, False)
    return s.refs


def references(view: ResourceView) -> list[Ref]:
    """The references of a resource's inputs (computed once per view)."""
    m = view.memo
    refs = m.get("_refs")
    if refs is None:
        own = OWN_KEYS | _BUCKET_OWN if view.type in BUCKET_TYPES else OWN_KEYS
        refs = m["_refs"] = scan(view.raw if "_inputs" not in m else view.inputs, own=own)
    return refs


def provider_references(view: ResourceView) -> list[Ref]:
    """The references of the inputs of the provider a resource uses (computed once per provider)."""
    p = view.provider
    if p is None:
        return []
    d = p.__dict__
    refs = d.get("_refs")
    if refs is None:  # its own region/location is judged by require-eea-location
        own = {k: v for k, v in p.inputs.items() if k not in ("region", "location", "version")}
        refs = d["_refs"] = scan(own, "provider")
    return refs


def iter_strings(value: Any) -> Iterator[str]:
    """Every string inside a plain value (used to index recorded outputs)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from iter_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from iter_strings(v)
