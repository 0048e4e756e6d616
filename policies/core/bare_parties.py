"""Parties an input names by a bare id rather than by an ARN or host: an AWS account or organisation given
access to the data, an Entra tenant or a foreign group acting on it. The grantee reads or copies from wherever
it runs, so it is judged like the typed grants of policies/core/outside_parties.py (declared accounts and
tenants pass; an organisation, whose accounts the pack cannot list, blocks).

Round 29 read a bare account id under `principal`, round 30 under any key that says "account". Round 31: a key
need not say so (`ValuesToAdd` of an SDK call sharing a snapshot, `UserId` in a scheduler's input, a Glue
`catalogId`, an environment variable or parameter value the code shares with), so any AWS value that is one or
a comma-separated list of account ids is a party, at any depth and inside JSON documents held in strings;
so is an organisation id or ARN under any key (a Lambda layer's `organizationId`). Round 32: also inside YAML
documents (an SSM document's `content`) and as a word of a command line; a key that names a quantity or a
non-account code (`MAX_UPLOAD_BYTES`, `testReference`) holds no account unless it also names a party.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import orjson
import yaml
from pulumi_policy.secret import Secret as _Secret

from policies.core.accounts import is_account_id
from policies.core.documents import json_doc, unproxied
from policies.core.proxy_attrs import PROXIES, held
from policies.core.view import SECRET_SIG_KEY, ResourceView, is_unknown

Found = tuple[str, str, str]  # (path, kind, value)
# Keys that name an account as a party (round 29: `principal`/`principals`; round 30: `account`,
# `sharedAccounts`, `…OwnerId`, `…AccountIds`): their lists may mix ids with other entries.
_ACCOUNT_KEY = re.compile(r"(?i)(principals?|principal_?ids?|accounts?|account_?ids?|owner_?ids?)$")
# Keys that only narrow or exclude callers, name a sender, filter what comes in or name the account a control
# applies to: no party, at any depth (`aws:SourceAccount`, `expectedBucketOwner`, an EventBridge pattern's
# `account`, a log filter, an Identity Center assignment's or a policy attachment's `targetId`).
_NOT_A_PARTY = re.compile(
    r"(?i)^(source|excluded|forbidden|skip|sender|caller|expected)|(pattern|filter|target_?id)s?$")
# An account inside a source or destination block owns the place that block names by its own fields (an S3
# replication's bucket, a log centralization's region: judged there), or sends data in (a Config aggregator).
_PLACED = re.compile(r"(?i)(source|destination)s?$")
# Describing keys: a tag value or free text that happens to be 12 digits (a cost centre) grants nothing.
_DESCRIBING = re.compile(r"(?i)^(tags|tagsall)$|(description|comment|displayname|notes)$")
# Keys whose name says the value is a quantity or a code that is not an account (12 digits are also 100 GiB
# in bytes, ten years in ms, a Belgian structured payment reference, a UPC code), unless they name a party.
_QUANTITY = frozenset({
    "bytes", "kb", "mb", "gb", "ms", "millis", "milliseconds", "seconds", "secs", "minutes", "size", "limit",
    "count", "threshold", "timeout", "ttl", "timestamp", "epoch", "phone", "msisdn", "gtin", "ean", "upc",
    "reference", "ogm", "port", "ports"})
_QUANTITY_PAIRS = frozenset({("phone", "number"), ("product", "code")})
_PARTY_WORDS = frozenset({
    "account", "accounts", "principal", "principals", "owner", "grantee", "grant", "grants", "share",
    "shared",
    "user", "users", "member", "members", "consumer", "consumers", "recipient", "recipients", "target",
    "targets", "peer", "partner", "customer", "tenant", "org", "organization", "destination", "dest", "trust",
    "trusted"})
_NAME_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# A command line: a string with an option flag (`--user-ids`), or any string under a command's key.
_FLAG = re.compile(r"(?:^|\s)--?[A-Za-z]")
_COMMAND_KEY = re.compile(r"(?i)(command|commands|entrypoint|args|script|cmd|userdata|buildspec)$")
_WORD = re.compile(r"[\s=,;'\"\[\]{}()]+")  # round 33: also CLI shorthand brackets (`[{UserId=<id>}]`)
# Round 34: an id joined by `.` or `:` is a word too (a registry host `<id>.dkr.ecr.<region>.…`, `aws:<id>`).
_JOINED = re.compile(r"[.:]")
# An IAM principal written without `arn:aws:iam::` (`<id>:role/x`, `<id>:root`): the code prefixes it
# (round 33); a Lambda function's partial ARN (`<id>:function:<name>`, which every Lambda API and a Step
# Functions `lambda:invoke` accept as `FunctionName`, round 35).
_ARNLESS = re.compile(r"^(\d{12}):(?:root$|(?:role|user|group|assumed-role|federated-user)/|function:[\w-])")
_ACCOUNT_TYPES = frozenset({"account", "aws_account", "awsaccount"})
_ORG = re.compile(
    r"^(o-[a-z0-9]{10,32}|ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|"
    r"arn:aws[\w-]*:organizations::\d{12}:(organization|ou)/o-[a-z0-9]{10,32}(/ou-[a-z0-9-]+)?)$")
_ORG_SITE = (
    "names the AWS organisation or organisational unit {v!r}: every account of it gets the access, in "
    "whatever region it runs (accounts the pack cannot list); name the accounts instead (the stack's own, "
    "pinned by allowedAccountIds, or one declared with arns: [arn:aws:iam::<id>:] and its region in "
    "stacks/records/endpoints.yaml)")


def aws_parties(value: Any, path: str, own: str | None) -> list[Found]:
    """Accounts (other than `own`) and organisations an AWS input names by a bare id, at any depth."""
    if isinstance(value, dict):
        if str(value.get("Effect", "")).lower() == "deny":
            return []  # a Deny statement grants nothing (an organisation perimeter lists accounts)
        typed = str(value.get("type", "")).lower() in _ACCOUNT_TYPES
        out: list[Found] = []
        for k, v in value.items():
            key = str(k)
            name, at = key.rsplit(":", 1)[-1], f"{path}.{key}" if path else key
            if _PLACED.search(name) is not None and not typed:
                out += _held_documents(v, at, own)
                out += _receiver(v, at, own) if name[:4].lower() == "dest" else []
                continue
            if _no_party(key, name):
                continue
            ids = _ids(v) if _ACCOUNT_KEY.search(name) or (typed and key in ("id", "value")) else []
            if ids:
                out += [(at, "grantee", a) for a in ids if a != own]
            elif _COMMAND_KEY.search(name) and isinstance(v, (str, list)):
                words = enumerate(v) if isinstance(v, list) else [(None, v)]
                out += [f for i, w in words if isinstance(w, str)
                        for f in _command_words(w, at if i is None else f"{at}.{i}", own, True)]
            else:
                out += aws_parties(v, at, own)
        return out
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in aws_parties(v, f"{path}.{i}", own)]
    if not isinstance(value, str) or is_unknown(value):
        return []
    s = value.strip()
    if s[:1] in "[{" and (doc := json_doc(s)) is not None:
        return aws_parties(doc, f"{path}(json)", own)
    if "\n" in s and isinstance(doc := yaml_strings(s), (dict, list)):
        return aws_parties(doc, f"{path}(yaml)", own)
    if _ORG.match(s):
        return [(path, "site", _ORG_SITE.format(v=s))]
    parts = [p.strip() for p in s.split(",")]
    if all(is_account_id(p) or _ARNLESS.match(p) for p in parts):
        parts = [p.split(":", 1)[0] for p in parts]
        return [(path, "grantee", a) for a in parts if a != own]
    return _command_words(s, path, own, False)


def _command_words(s: str, path: str, own: str | None, command: bool) -> list[Found]:
    """Account ids written as words of a command line (`aws ec2 modify-snapshot-attribute --user-ids <id>`):
    the command shares with them when it runs. Prose (a string without an option flag) is not read, nor the
    value of an option named as a quantity (`--max-bytes 107374182400`)."""
    if not (command or _FLAG.search(s)):
        return []
    words = [w for w in _WORD.split(s) if w]
    words = [m.group(1) if (m := _ARNLESS.match(w)) else w for w in words]
    found = [a for i, w in enumerate(words) for a in _JOINED.split(w) if is_account_id(a) and a != own
             and not (i and words[i - 1].startswith("-") and _quantity(words[i - 1].lstrip("-")))]
    return [(path, "grantee", w) for w in dict.fromkeys(found)]


def _receiver(value: Any, path: str, own: str | None) -> list[Found]:
    """The account a destination block delivers into (a log centralization's `destination.account`, an S3
    replication's owner override): its owner passes on what it receives wherever they like, as round 15
    judged another account's ARN, so it is a grantee; the block's place is judged apart (round 10)."""
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _receiver(v, f"{path}.{i}", own)]
    if not isinstance(value, dict):
        return []
    return [(f"{path}.{k}", "grantee", a) for k, v in value.items()
            if _ACCOUNT_KEY.search(str(k)) and not _no_party(str(k), str(k)) for a in _ids(v) if a != own]


def _held_documents(value: Any, path: str, own: str | None) -> list[Found]:
    """Parties in documents held inside a source or destination block (a CodeBuild source's inline buildspec,
    round 32): the block's own accounts are placed by its fields, a document's are not."""
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in _held_documents(v, f"{path}.{k}", own)]
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _held_documents(v, f"{path}.{i}", own)]
    if isinstance(value, str) and ("\n" in value or value.lstrip()[:1] in ("[", "{")):
        return aws_parties(value, path, own)
    return []


@functools.lru_cache(maxsize=1024)
def yaml_strings(s: str) -> Any:
    """A YAML document with every scalar kept as written (`- 444455556666` stays a string, not an int)."""
    try:
        return yaml.load(s, Loader=yaml.BaseLoader)  # BaseLoader builds only str, list, dict
    except Exception:
        return None


def _no_party(key: str, name: str) -> bool:
    """A key under which no account is a party; a condition key `kms:CallerAccount` under `Principal: *` is
    one (every principal of that account may use the key), though `caller…` keys elsewhere narrow."""
    narrows = _NOT_A_PARTY.search(name) is not None and not (":" in key and name.lower() == "calleraccount")
    return narrows or _quantity(name) or _DESCRIBING.search(name) is not None


def _quantity(name: str) -> bool:
    """A key whose last word names a quantity or a non-account code and no word of which names a party."""
    words = [w.lower() for w in _NAME_WORD.findall(name)]
    if not words or _PARTY_WORDS.intersection(words):
        return False
    return words[-1] in _QUANTITY or tuple(words[-2:]) in _QUANTITY_PAIRS


def _ids(value: Any) -> list[str]:
    """The account ids a value under an account key names: one, a list, or a comma-separated string."""
    items = value if isinstance(value, list) else value.split(",") if isinstance(value, str) else []
    return [a.strip() for a in items if isinstance(a, str) and is_account_id(a.strip())]


# An Entra token issuer naming its tenant (v1 and v2 endpoints).
_ENTRA_ISSUER = re.compile(
    r"^https://(?:login\.microsoftonline\.com|sts\.windows\.net)/([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})"
    r"(?:/|$)", re.I)
_FOREIGN_GROUP = ("a principal of type ForeignGroup is a group of another Entra tenant (a managing tenant "
                  "reached through a delegation), whose members use the access from wherever they work; "
                  "assign the role to a principal of the stack's own tenant, or let the other tenant in "
                  "through a Lighthouse registration definition naming it (declared with azureIds: "
                  "[/tenants/<id>] and its jurisdiction in stacks/records/endpoints.yaml)")


_GUID = re.compile(r"^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$", re.I)
_SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal"
_PARTNER_DESTINATION = "azure-native:eventgrid:PartnerDestination"
_VAULT, _ACCESS_POLICY = "azure-native:keyvault:Vault", "azure-native:keyvault:AccessPolicy"
# Microsoft's own first-party applications (Microsoft Graph 00000003-0000-0000-c000-000000000000, Exchange
# Online, SharePoint Online): the platform's services, whose principals the tenant's grants name.
_MICROSOFT_APP = re.compile(r"^0000000[0-9a-f]-0000-0(000-c000|ff1-ce00)-000000000000$", re.I)
# Round 34: Azure services' own first-party applications, the same in every tenant, whose principal a stack
# grants access to its own resources (App Service reading a certificate from the stack's vault): the service
# acts where the stack's resource is. Any other literal client id must be declared.
_AZURE_SERVICE_APPS = frozenset({
    "abfa0a7c-a6b6-4736-8310-5855508787cd",  # Microsoft Azure App Service (Microsoft.Web)
    "cfa8b339-82a2-471a-a3c9-0fc0be7a4093",  # Azure Key Vault
    "e406a681-f3d4-42a8-90b6-c2b029497af1",  # Azure Storage
    "022907d3-0f1b-48f7-badc-1ba6abab6d66",  # Azure SQL Database
})


def azure_parties(view: ResourceView) -> list[Found]:
    """Tenants an Azure or Entra input lets act on the data: a federated credential's `issuer` of another
    Entra tenant (its workloads act as the identity), a ForeignGroup principal (round 31), a service principal
    of an application the stack does not create (round 33: a vendor's multi-tenant app runs where its owner
    runs it; the stack's own application is passed by its `client_id` output, judged by its dependencies), an
    Event Grid partner destination's partner (round 35: named only by its registration's immutable id, it
    receives the events wherever its SaaS runs)."""
    own = view.provider.inputs.get("tenantId") if view.provider is not None else None
    own = own.lower() if isinstance(own, str) else None
    inputs = view.memo.get("_inputs")  # unwrapped already, or (most views) read through the proxies
    out = _azure(view.inputs, "", own) if _may_name_parties(view.raw if inputs is None else inputs) else []
    if view.type == _SERVICE_PRINCIPAL:
        client = view.input("clientId")
        if is_unknown(client):
            out.append(("clientId", "unknown", ""))
        elif isinstance(client, str) and not microsoft_app(client):
            out.append(("clientId", "azure-id", f"/applications/{client.strip().lower()}"))
    out += _compound_apps(view)
    if view.type == _PARTNER_DESTINATION:
        key = "partnerRegistrationImmutableId"
        partner = view.input(key)
        if is_unknown(partner):
            out.append((key, "unknown", ""))
        elif isinstance(partner, str):
            out.append((key, "azure-id", f"/partnerregistrations/{partner.strip().lower()}"))
    return out


def _compound_apps(view: ResourceView) -> list[Found]:
    """Round 37: a Key Vault access policy's `applicationId` (a compound identity: the principal acts only
    through that application) lets the application at the vault, run by its owner wherever it runs; like a
    service principal's client id, a literal one other than Microsoft's must be declared."""
    if view.type == _VAULT:
        entries = [(f"properties.accessPolicies.{i}", p) for i, p in enumerate(
            view.get("properties.accessPolicies") or ())]
    else:
        entries = [("policy", view.get("policy"))] if view.type == _ACCESS_POLICY else []
    out: list[Found] = []
    for at, policy in entries:
        app = policy.get("applicationId") if isinstance(policy, dict) else None
        if is_unknown(app):
            out.append((f"{at}.applicationId", "unknown", ""))
        elif isinstance(app, str) and app.strip() and not microsoft_app(app):
            out.append((f"{at}.applicationId", "azure-id", f"/applications/{app.strip().lower()}"))
    return out


def microsoft_app(client: str) -> bool:
    """A Microsoft first-party application: the platform's own, not another party's."""
    c = client.strip().lower()
    return _MICROSOFT_APP.match(c) is not None or c in _AZURE_SERVICE_APPS


# The keys _azure judges, as their JSON text ends, lowered: a key `k` is judged only where str(k).lower()
# ends in `issuer` or is `authority` or `tenantid`, or k is `principalType`, and no other character lowers
# into those words (`İ` lowers to `i` and a combining dot). The text of the raw inputs holds every key of
# every container plain() would give (and more: a secret's signature object, tuples, a dict subclass's
# keys), so inputs whose text holds none of these hold no party _azure finds (most Azure resources):
# neither unwrapped nor walked. The four texts are tested in `_may_name_parties` one after the other.


def _may_name_parties(raw: Any) -> bool:
    """False only when no key of `raw` (at any depth, through proxies and secrets) is one _azure judges."""
    # round 30: the state's own containers as they are (no converted copy per container); where a secret,
    # asset or archive is inside (its signature key in the text) or orjson refuses a value (an integer beyond
    # 64 bits), what the proxies hand out, as before: the same keys, the same answer
    text = _json_text(raw, _held_json)
    if text is None or _SIG_TEXT in text:
        text = _json_text(raw, _json_of)
        if text is None:  # another type, a non-string key, a surrogate: unwrapped and walked
            return True
    # four tests in a row, not a generator over a tuple (two views of most Azure resources ask; round 28)
    return (b'issuer":' in text or b'"authority":' in text or b'"tenantid":' in text
            or b'"principaltype":' in text)


_SIG_TEXT = SECRET_SIG_KEY.encode()


def _json_text(raw: Any, default: Any) -> bytes | None:
    try:
        return orjson.dumps(raw, default=default).lower()
    except TypeError:
        return None


def _held_json(value: Any) -> Any:
    if type(value) is _Secret:
        return [value.value]
    if isinstance(value, PROXIES):
        return held(value)
    raise TypeError(type(value).__name__)


def _json_of(value: Any) -> Any:
    if type(value) is _Secret:
        return [value.value]
    plain = unproxied(value)
    if plain is value:
        raise TypeError(type(value).__name__)
    return plain


_ISSUER, _PRINCIPAL_TYPE, _TENANT_ID = 1, 2, 3
_KEY_KINDS: dict[Any, int] = {}


def _key_kind(k: Any) -> int:
    """Which test a string under key `k` gets (0: none); remembered per key (a bounded table)."""
    kind = _KEY_KINDS.get(k)
    if kind is None:
        key = str(k).lower()
        # `issuer`, (round 36) Easy Auth's `openIdIssuer` and (round 49) Health Data Services' `authority`:
        # the tenant whose identities get tokens for the resource
        kind = (_ISSUER if key.endswith("issuer") or key == "authority"
                else _PRINCIPAL_TYPE if k == "principalType" else _TENANT_ID if key == "tenantid" else 0)
        if len(_KEY_KINDS) < 4096:
            _KEY_KINDS[k] = kind
    return kind


def _azure(value: Any, path: str, own: str | None) -> list[Found]:
    # Only strings are judged and only containers walked: a path is formatted for those alone (this walks
    # every input of every Azure resource, twice per resource).
    if isinstance(value, dict):
        out: list[Found] = []
        for k, v in value.items():
            if isinstance(v, str):
                kind = _key_kind(k)
                if not kind:
                    continue
                if kind == _ISSUER and (issuer := _ENTRA_ISSUER.match(v)):
                    tenant = issuer.group(1).lower()
                    if tenant != own:
                        out.append((f"{path}.{k}" if path else str(k), "azure-id", f"/tenants/{tenant}"))
                elif kind == _PRINCIPAL_TYPE and v.lower() == "foreigngroup":
                    out.append((f"{path}.{k}" if path else str(k), "site", _FOREIGN_GROUP))
                elif kind == _TENANT_ID and own and _GUID.match(v.strip()):
                    # round 35: a tenant other than the one the provider pins (a vault's, a server's Entra
                    # admin's) authenticates its own identities to the data (access policies: read_grants.py)
                    tenant = v.strip().lower()
                    if tenant != own:
                        out.append((f"{path}.{k}" if path else str(k), "azure-id", f"/tenants/{tenant}"))
            elif k != "accessPolicies" and isinstance(v, (dict, list)):
                out += _azure(v, f"{path}.{k}" if path else str(k), own)
        return out
    if isinstance(value, list):
        return [f for i, v in enumerate(value) if isinstance(v, (dict, list))
                for f in _azure(v, f"{path}.{i}", own)]
    return []
