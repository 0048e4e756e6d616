"""Parties an input names by a bare id rather than by an ARN or host: an AWS account or organisation given
access to the data, an Entra tenant or a foreign group acting on it. The grantee reads or copies from wherever
it runs, so it is judged like the typed grants of policies/core/outside_parties.py (declared accounts and
tenants pass; an organisation, whose accounts the pack cannot list, blocks).

Round 29 read a bare account id under `principal`, round 30 under any key that says "account". Round 31: a key
need not say so (`ValuesToAdd` of an SDK call sharing a snapshot, `UserId` in a scheduler's input, a Glue
`catalogId`, an environment variable or parameter value the code shares with), so any AWS value that is one or
a comma-separated list of account ids is a party, at any depth and inside JSON documents held in strings;
so is an organisation id or ARN under any key (a Lambda layer's `organizationId`).
"""

from __future__ import annotations

import re
from typing import Any

from policies.core.accounts import is_account_id
from policies.core.reference_text import json_doc
from policies.core.view import ResourceView, is_unknown

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
            if _no_party(key, name, typed):
                continue
            ids = _ids(v) if _ACCOUNT_KEY.search(name) or (typed and key in ("id", "value")) else []
            out += [(at, "grantee", a) for a in ids if a != own] if ids else aws_parties(v, at, own)
        return out
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in aws_parties(v, f"{path}.{i}", own)]
    if not isinstance(value, str) or is_unknown(value):
        return []
    s = value.strip()
    if s[:1] in "[{" and (doc := json_doc(s)) is not None:
        return aws_parties(doc, f"{path}(json)", own)
    if _ORG.match(s):
        return [(path, "site", _ORG_SITE.format(v=s))]
    parts = [p.strip() for p in s.split(",")]
    if all(is_account_id(p) for p in parts):
        return [(path, "grantee", a) for a in parts if a != own]
    return []


def _no_party(key: str, name: str, typed: bool) -> bool:
    """A key under which no account is a party; a condition key `kms:CallerAccount` under `Principal: *` is
    one (every principal of that account may use the key), though `caller…` keys elsewhere narrow."""
    narrows = _NOT_A_PARTY.search(name) is not None and not (":" in key and name.lower() == "calleraccount")
    return narrows or _DESCRIBING.search(name) is not None or (_PLACED.search(name) is not None and not typed)


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


def azure_parties(view: ResourceView) -> list[Found]:
    """Tenants an Azure or Entra input lets act on the data: a federated credential's `issuer` of another
    Entra tenant (its workloads act as the identity), a ForeignGroup principal (round 31)."""
    own = view.provider.inputs.get("tenantId") if view.provider is not None else None
    own = own.lower() if isinstance(own, str) else None
    return _azure(view.inputs, "", own)


def _azure(value: Any, path: str, own: str | None) -> list[Found]:
    if isinstance(value, dict):
        out: list[Found] = []
        for k, v in value.items():
            at = f"{path}.{k}" if path else str(k)
            if k == "issuer" and isinstance(v, str) and (m := _ENTRA_ISSUER.match(v.strip())):
                tenant = m.group(1).lower()
                out += [] if tenant == own else [(at, "azure-id", f"/tenants/{tenant}")]
            elif k == "principalType" and isinstance(v, str) and v.lower() == "foreigngroup":
                out.append((at, "site", _FOREIGN_GROUP))
            else:
                out += _azure(v, at, own)
        return out
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _azure(v, f"{path}.{i}", own)]
    return []
