"""Values of the SDK-declared type for the outputs a provider computes and the mocks do not (round 12).

When deployed, every output the provider computes has a value: an RDS address, a Lambda's qualified ARN,
a storage account's blob endpoint, a replication group's member clusters. The update recording used to
give them none (`None`), so a callback that registers a resource only once such a value is there (or only
when it has some shape: `arn.startswith("arn:")`, `len(ids) > 0`) registered nothing, and ordinary code
(`int(port)`, `host.split(".")`) crashed the recording. Here each such output gets a value of the type the
SDK declares for it, shaped like the real thing (an ARN of the resource in the stack's region and account,
an endpoint host of the service, an Azure id under the resource group, a non-empty list), so the branches
that test for a value or its shape run and what they register is judged with everything else.

Never made up: a place (`location`, `region`, `zone`: where something is stays a fact, never a guess), an
input the program could give (the provider echoes it or a default nobody can know; a `port` aside), a value
of a type the SDK does not declare (`Any`). The preview keeps them unknown, as a real preview does.
"""

from __future__ import annotations

import enum
import json
import re
import threading
import typing
from collections import abc
from typing import Any

from gate.mock_base import ACCOUNT_ID, UNKNOWN, plain, stable_hex, stable_uuid
from gate.mocks import GateMocks
from gate.sdk_types import LOCK, declared

_PLACE = re.compile(r"(location|region|zone)s?$", re.IGNORECASE)
_HOST = re.compile(r"(endpoint|address|host(name)?|dns(name)?|domainname|fqdn)$", re.IGNORECASE)
_CIDR = re.compile(r"cidr(block)?$", re.IGNORECASE)
_IP = re.compile(r"(^|[a-z])(ip|ipaddress|ipv4address|ipaddr)s?$", re.IGNORECASE)
_URL = re.compile(r"(url|uri)$", re.IGNORECASE)
_GUID = re.compile(r"(principal|tenant|client|object|application|app|subscription)id$", re.IGNORECASE)
_PORTS = {"postgres": 5432, "aurora-postgresql": 5432, "mysql": 3306, "aurora-mysql": 3306, "mariadb": 3306,
          "redis": 6379, "valkey": 6379, "memcached": 11211}
_AZURE_HOST = {"web": "azurewebsites.net", "dbforpostgresql": "postgres.database.azure.com",
               "dbformysql": "mysql.database.azure.com", "sql": "database.windows.net",
               "keyvault": "vault.azure.net", "cache": "redis.cache.windows.net",
               "containerregistry": "azurecr.io", "cosmosdb": "documents.azure.com",
               "documentdb": "documents.azure.com", "servicebus": "servicebus.windows.net",
               "eventhub": "servicebus.windows.net", "storage": "core.windows.net"}
_DEPTH = 4


def _kebab(word: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", word).lower()


class Context(typing.NamedTuple):
    """What a made-up value is shaped from: the resource and where it is."""

    token: str
    name: str          # the physical name the mocks gave it
    rid: str
    arn: str
    place: str         # the effective region or location (never made up)
    engine: str


def deployed(mocks: GateMocks, token: str, inputs: dict[str, Any], computed: dict[str, Any],
             provider_ref: str, guesses: list[str]) -> dict[str, Any]:
    """made_up for one registration, in the resource's own region or location (an input, else its
    provider's); only `aws` and `azure-native` outputs are made up."""
    pkg = token.split(":")[0]
    if pkg not in ("aws", "azure-native"):
        return {}
    own = plain(inputs.get("region" if pkg == "aws" else "location"))
    place = own if isinstance(own, str) and own != UNKNOWN else mocks.region_of(provider_ref, pkg)
    return made_up(token, inputs, computed, place, guesses)


def made_up(token: str, inputs: dict[str, Any], computed: dict[str, Any], place: str | None,
            guesses: list[str] | None = None) -> dict[str, Any]:
    """A value for each declared output that is neither an input nor computed by the mocks; `guesses`
    gets the strings that are guesses (not what the resource's name and service alone determine, as an
    Azure web app's `<name>.azurewebsites.net` is)."""
    types, settable = declared(token)
    engine = inputs.get("engine") if isinstance(inputs.get("engine"), str) else ""
    ctx = Context(token, str(computed.get("name") or ""), str(computed.get("id") or ""),
                  str(computed.get("arn") or ""), place or "", engine)
    out: dict[str, Any] = {}
    with LOCK:   # nested output types load their modules too
        for key, tp in types.items():
            given = key in inputs or (key in settable and key != "port")
            if given or key in computed or key.startswith("__"):
                continue
            value = _value(key, tp, ctx, (), 0, guesses if guesses is not None else [])
            if value is not None:
                out[key] = value
    return out


def _value(key: str, tp: Any, ctx: Context, path: tuple[str, ...], depth: int, guesses: list[str]) -> Any:
    """A value of type `tp` for output `key` (at `path` inside nested outputs), or None to leave it out."""
    from pulumi import _types

    if _PLACE.search(key) or depth > _DEPTH:
        return None
    tp = _types.unwrap_type(tp)
    origin = typing.get_origin(tp)
    if origin in (list, abc.Sequence, typing.Sequence):
        (inner,) = typing.get_args(tp) or (str,)
        one = _value(key[:-1] if key.endswith("s") else key, inner, ctx, path, depth + 1, guesses)
        return None if one is None else [one]
    if origin in (dict, abc.Mapping, typing.Mapping):
        return {}
    if isinstance(tp, type) and _types.is_output_type(tp):
        fields = {k: _value(k, t, ctx, (*path, key), depth + 1, guesses)
                  for k, t in _types.output_type_types(tp).items()}
        return {k: v for k, v in fields.items() if v is not None}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        first = next(iter(tp), None)
        return None if first is None else first.value
    if tp is bool:
        return False
    if tp in (int, float):
        port = _PORTS.get(ctx.engine) or _PORTS.get(ctx.engine.split("-")[0]) or 443
        return tp(port if key.lower().endswith("port") else 1)
    if tp is str:
        azure = ctx.token.startswith("azure-native:")
        text, guessed = _azure_text(key, ctx, path) if azure else _aws_text(key, ctx)
        if guessed:
            guesses.append(text)
        return text
    return None


def _address(ctx: Context, *key: str) -> str:
    """An IPv4 address of the kind the key names: private (`10.x`), link-local inside a tunnel
    (`169.254.x`), else public, and global as a real one is (`ipaddress.ip_address(ip).is_global`: a
    documentation range would not be, and a branch on it would not run). Never recorded (Ledger)."""
    n = int(stable_hex(ctx.token, ctx.name, *key, length=4), 16)
    words = " ".join(key).lower()
    first = "10.0" if "private" in words else "169.254" if "inside" in words else "52.208"
    return f"{first}.{n // 256 % 254 + 1}.{n % 254 + 1}"


def _host(ctx: Context) -> str:
    module = ctx.token.split(":")[1].split("/")[0]
    cluster = stable_hex(ctx.token, ctx.name, length=10)
    return f"{ctx.name or 'gate'}.c{cluster}.{ctx.place}.{module}.amazonaws.com"


def _aws_text(key: str, ctx: Context) -> tuple[str, bool]:
    """An AWS-shaped string and whether it is a guess: the id the resource is known by under its class's
    name (a KMS key's `keyId`) is its recorded id, no guess."""
    lower = key.lower()
    if lower == ctx.token.rsplit(":", 1)[-1].lower() + "id" and ctx.rid:
        return ctx.rid, False
    return _aws_guess(key, ctx), True


def _aws_guess(key: str, ctx: Context) -> str:
    """An ARN of the resource, an endpoint host of its service, an address, an id, a name."""
    lower = key.lower()
    module = ctx.token.split(":")[1].split("/")[0]
    kind = _kebab(ctx.token.rsplit(":", 1)[-1])
    arn = ctx.arn or f"arn:aws:{module}:{ctx.place}:{ACCOUNT_ID}:{kind}/{ctx.rid}"
    if "v6" not in lower and (_IP.search(key) or (module == "ec2" and lower.endswith("address"))):
        return _address(ctx, key)   # an EC2 address (a VPN tunnel's, an instance's) is an IP
    if _CIDR.search(key) and "v6" not in lower:
        return f"{_address(ctx, 'private', key)}/32"
    if lower == "qualifiedarn":
        return f"{arn}:1"
    if lower == "invokearn" or lower == "qualifiedinvokearn":
        return f"arn:aws:apigateway:{ctx.place}:lambda:path/2015-03-31/functions/{arn}/invocations"
    if lower.endswith("arn"):
        return arn if lower == "arn" else f"{arn}/{_kebab(key[:-3])}"
    if _URL.search(key):
        return f"https://{_host(ctx)}/"
    if _HOST.search(key):
        port = _PORTS.get(ctx.engine)
        return f"{_host(ctx)}:{port}" if lower == "endpoint" and port else _host(ctx)
    if lower.endswith("accountid") or lower == "ownerid":
        return ACCOUNT_ID
    if lower == "version":
        return "1"
    return f"{_kebab(key)}-{stable_hex(ctx.token, ctx.name, key, length=17)}"


def _azure_text(key: str, ctx: Context, path: tuple[str, ...]) -> tuple[str, bool]:
    """An Azure-shaped string: a GUID, an id under the resource's own, a host or URL of the service (the
    resource's name under the service's domain: not a guess)."""
    lower = key.lower()
    module = ctx.token.split(":")[1]
    if _GUID.search(key):
        return stable_uuid(ctx.token, ctx.name, *path, key), True
    if _IP.search(key) and "v6" not in lower:
        return _address(ctx, *path, key), True
    if lower.endswith("id"):
        return f"{ctx.rid}/{_kebab(key[:-2]) or 'child'}s/default", True
    suffix = _AZURE_HOST.get(module, f"{module}.azure.com")
    if any(p.lower().endswith("endpoints") for p in path):   # primaryEndpoints.blob: a service URL
        return f"https://{ctx.name}.{lower}.{suffix}/", module not in _AZURE_HOST
    if _URL.search(key) or _HOST.search(key):
        host = f"{ctx.name}.{suffix}"
        return (f"https://{host}/" if _URL.search(key) else host), module not in _AZURE_HOST
    return f"{_kebab(key)}-{stable_hex(ctx.token, ctx.name, *path, key, length=17)}", True


_TOKEN = re.compile(r"[0-9a-f]{8,}")
_WORD = re.compile(r"[A-Za-z0-9]+")


class Ledger:
    """The strings made up in one recording, so that none reaches the record as a fact: a value equal to
    one, or built from one, is recorded as unknown (as the preview records it), a JSON document's leaf as
    null. Found by equality, or through a token they carry: a hex run (hosts, generated ids), else the
    longest inner word (an address, an ARN of a given name), so a string is checked against few of them.

    The process recorder registers from several gRPC threads: one remembering while another scrubs made a
    set change size under the iteration and failed the recording (CI, 29bf1af). One lock serialises both."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.values: set[str] = set()
        self.by_token: dict[str, set[str]] = {}
        self.by_word: dict[str, set[str]] = {}
        self.plain: set[str] = set()     # fewer than three words and no hex run

    def remember(self, guesses: list[str]) -> None:
        with self._lock:
            self._remember(guesses)

    def _remember(self, guesses: list[str]) -> None:
        for text in guesses:
            if len(text) >= 8 and text != ACCOUNT_ID:
                self.values.add(text)
                tokens = _TOKEN.findall(text)
                for token in tokens:
                    self.by_token.setdefault(token, set()).add(text)
                words = _WORD.findall(text)
                if tokens:
                    continue
                if len(words) >= 3:   # an inner word is whole wherever the string is found
                    self.by_word.setdefault(max(words[1:-1], key=len), set()).add(text)
                else:
                    self.plain.add(text)

    def _holds(self, text: str) -> bool:
        if text in self.values:
            return True
        if any(m in text for t in _TOKEN.findall(text) for m in self.by_token.get(t, ())):
            return True
        if self.by_word and any(m in text for w in set(_WORD.findall(text)) for m in self.by_word.get(w, ())):
            return True
        return any(m in text for m in self.plain)

    def scrub(self, value: Any, unknown: str | None) -> Any:
        """`value` with each made-up string replaced by `unknown` (the recording's sentinel; a JSON
        document's leaf equal to one: null): a string built from one keeps what the program put around it
        (a region, an account), so it is judged on that, and the part the gate made up reads unknown."""
        with self._lock:
            return self._scrub(value, unknown)

    def _scrub(self, value: Any, unknown: str | None) -> Any:
        if not self.values:
            return value
        if isinstance(value, dict):
            return {k: self._scrub(v, unknown) for k, v in value.items()}
        if isinstance(value, list):
            return [self._scrub(v, unknown) for v in value]
        if not isinstance(value, str) or not self._holds(value):
            return value
        if value in self.values:
            return unknown
        if value[:1] in "{[":
            try:
                return json.dumps(self._scrub(json.loads(value), None))
            except ValueError:
                pass
        return self._replace(value)

    def _replace(self, text: str) -> str:
        near = set(self.plain)
        for t in _TOKEN.findall(text):
            near |= self.by_token.get(t, set())
        for w in set(_WORD.findall(text)):
            near |= self.by_word.get(w, set())
        for m in sorted((m for m in near if m in text), key=len, reverse=True):
            text = text.replace(m, UNKNOWN)
        return text

