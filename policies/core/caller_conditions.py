"""Whom a resource policy's `Principal: *` or service-principal grant admits, read from its conditions (round
75; the accounts they name are judged by policies/core/read_grants.py).

Condition blocks hold together (a request must meet each), so one block that admits only named accounts bounds
the grant to them whatever the others say. Only a positive operator bounds (IAM condition operator reference):
a negated one (`StringNotEquals`, `ArnNotLike`, their `ForAllValues:`/`ForAnyValue:` and `…IfExists` forms)
holds for every value it does not list and when the key is absent, so it admits every other account; `Null`
asks only whether the key is there. `…IfExists` and `ForAllValues:` also hold when the key is absent, which
for the caller's own keys (every signed request carries them) adds only anonymous callers (public access,
pia-conditions'), while a service's source keys are absent from every principal's own call.

A grant with conditions none of which bounds it to named accounts, an organisation or an origin of the stack
blocks: keys that say who calls without its account (`aws:userid`, `aws:SourceIdentity`, a principal tag, a
service name) admit any account whose principal fits them, and a key the pack does not know cannot be told
from those. A `Principal: *` grant with no condition at all is public access, judged by pia-conditions; a
service's with none reads for every account that uses the service (the confused deputy), and blocks here.

Round 76: the accounts several conditions name are the ones they name in common (a request meets each), so
the own account and another's role admit no one. A positive `kms:GranteePrincipal` condition lets a
`CreateGrant` hand decryption to the principals it names (KMS developer guide, "Controlling access to
grants"), whoever creates the grant, so they, not the callers, are who reads; `kms:RetiringPrincipal` names
only who may retire the grant and bounds nothing.

Round 77: a grant may go to a service principal (`kms:GranteeServicePrincipal`), which names no account; a
positive `kms:GrantConstraintSourceArn` then bounds it to the accounts of the resources it names. Grantee and
source bounds are each judged (every account either names must be allowed), not intersected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from policies.core.accounts import is_account_id
from policies.core.iam.statements import as_list
from policies.core.view import is_unknown

Found = tuple[str, str, str]
Grantee = Callable[[object], "tuple[str, str] | None"]

# Keys every signed request carries: absent only for an anonymous caller.
_OWN_KEYS = frozenset({"aws:principalaccount", "kms:calleraccount", "aws:principalarn"})
# Keys naming the account a service acts for (present only when a service principal calls) and the account
# whose access points a bucket delegates to.
_SOURCE_KEYS = frozenset({"aws:sourceaccount", "aws:sourceowner", "aws:sourcearn"})
_ACCESS_POINT_KEYS = frozenset({"s3:dataaccesspointaccount", "s3:dataaccesspointarn"})
_ACCOUNT_VALUED = frozenset({"aws:principalaccount", "kms:calleraccount", "aws:sourceaccount",
                             "aws:sourceowner", "s3:dataaccesspointaccount"})
# The resource a service encrypts for (`kms:EncryptionContext:aws:logs:arn`, the log group): the account whose
# resources the service may decrypt for. Any principal passes any context, so it bounds only a service.
_CONTEXT_ARN = re.compile(r"^kms:encryptioncontext:aws:[a-z0-9-]+:arn$")
_ORG_KEYS = frozenset({"aws:principalorgid", "aws:principalorgpaths", "aws:sourceorgid",
                       "aws:sourceorgpaths"})
# Round 37: the network a request must come through, by the VPC endpoint's or the VPC's id: whoever owns it
# (another account's VPC, in any region its endpoint serves) reads; it must be a resource of this stack.
ORIGIN_TYPES = {"aws:sourcevpce": "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:sourcevpc": "aws:ec2/vpc:Vpc"}
# The principal a `CreateGrant` names as grantee: it decrypts through the grant (a Decrypt carries no such
# key, so a positive condition on it admits only grant creations).
_GRANTEE = "kms:granteeprincipal"
# Round 77: a grant's SourceArn constraint lets the grant be used only on behalf of that resource
# ("effectively the same as having the aws:SourceArn global condition key in the grant", KMS API reference,
# GrantConstraints): with a grant to a service principal (`kms:GranteeServicePrincipal`, which names no
# account) the account in the ARN is whose resources the service decrypts for.
_GRANT_SOURCE = "kms:grantconstraintsourcearn"
_GRANT_KINDS = ("grantee", "grant-source")
_POSITIVE = frozenset({"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"})
_NAME_IT = ("name the accounts that read by a positive condition (StringEquals aws:PrincipalAccount or "
            "kms:CallerAccount with account ids, ArnEquals aws:PrincipalArn with the account in the ARN, "
            "aws:SourceAccount for a service): the stack's own, pinned by allowedAccountIds, or one declared "
            "with its region in stacks/records/endpoints.yaml")


def _bound(op: str, key: str, service: bool) -> str | None:
    """What a condition bounds the grant to ('accounts', 'org', 'origin'), or None when it admits callers
    beyond the values it names."""
    base = op.lower().removeprefix("forallvalues:").removeprefix("foranyvalue:")
    absent_passes = base.endswith("ifexists") or op.lower().startswith("forallvalues:")
    if base.removesuffix("ifexists") not in _POSITIVE or (absent_passes and key not in _OWN_KEYS):
        return None
    if key == _GRANTEE:
        return "grantee"
    if key == _GRANT_SOURCE:
        return "grant-source"
    if key in _SOURCE_KEYS or (service and _CONTEXT_ARN.match(key)):
        return "accounts"
    if key in _ORG_KEYS:
        return "org"
    if service:
        return None
    if key in _OWN_KEYS or key in _ACCESS_POINT_KEYS:
        return "accounts"
    return "origin" if key in ORIGIN_TYPES else None


def narrowed(cond: Any, path: str, grantee: Grantee, service: bool = False,
             open_calls: bool = False) -> list[Found]:
    """The parties a `Principal: *` (or, `service`, a service principal's) grant admits by its conditions.
    `open_calls` (an API's front door, round 77): conditions that bound the callers to no account leave the
    API open to callers, access control judged as public access is, by pia-conditions."""
    blocks = _conditions(cond)
    bounds: dict[str, list[tuple[str, list[Any]]]] = {}
    for op, key, values in blocks:
        kind = _bound(op, key, service)
        if kind is not None:
            bounds.setdefault(kind, []).append((key, values))
    if "grantee" in bounds or "grant-source" in bounds:  # each bounds the grants, both are judged
        return [f for kind in _GRANT_KINDS for f in _admitted(bounds.get(kind, []), path, grantee)]
    if "accounts" in bounds:
        return _admitted(bounds["accounts"], path, grantee)
    if "org" in bounds:
        return [(path, "site", f"a grant narrowed to the organisation {bounds['org'][0][1][0]!r} lets every "
                 "account of it read, in whatever region it runs (accounts the pack cannot list); "
                 + _NAME_IT)]
    if "origin" in bounds:
        return [(path, "unknown", "") if is_unknown(v) else (path, "named", f"{ORIGIN_TYPES[k]}|{v}")
                for k, vs in bounds["origin"] for v in vs]
    if (not blocks and not service) or open_calls:
        return []  # no condition: public access, judged by pia-conditions
    if not blocks:
        return [(path, "site", "the grant lets the service read for whichever account uses it (no condition "
                 "names the account it acts for): every account's use of the service reads, from wherever it "
                 "runs; " + _NAME_IT)]
    op, key, _ = blocks[0]
    return [(path, "site", f"the grant's conditions ({op} {key!r} first) name no account it is bounded to: a "
             "negated operator, `…IfExists`, `Null` or a key that says who calls without its account (or one "
             "the pack does not read) admits principals of every other account, from wherever they run; "
             + _NAME_IT)]


def grant_grantees(cond: Any, path: str, grantee: Grantee) -> list[Found]:
    """The grantees a named principal may create a grant for, by a positive `kms:GranteePrincipal` condition,
    and the resources a grant's SourceArn constraint names: the principal is judged by its own account, the
    grantees decrypt through the grant (for those resources)."""
    found = _conditions(cond)
    return [f for kind in _GRANT_KINDS
            for f in _admitted([(k, v) for op, k, v in found if _bound(op, k, False) == kind], path, grantee)]


def _admitted(conds: list[tuple[str, list[Any]]], path: str, grantee: Grantee) -> list[Found]:
    """Who the bounding conditions admit together: the accounts that every condition naming only account ids
    names (none in common: no one); with no such condition, each value's account or why it names none."""
    if not conds:
        return []
    exact = [ids for key, values in conds
             if (ids := {_account_id(key, v) for v in values}) and None not in ids]
    if exact:
        common = set.intersection(*exact)
        return [(path, *g) for a in sorted(common) if (g := grantee(a)) is not None]
    found = [_account(k, v, grantee) for k, values in conds for v in values]
    return [(path, *g) for g in found if g is not None]


def _conditions(cond: Any) -> list[tuple[str, str, list[Any]]]:
    """(operator, key, values) of each condition; one that cannot be read so is kept as a condition on no key,
    which bounds nothing."""
    if cond is None:
        return []
    if not isinstance(cond, dict):
        return [("Condition", "(unreadable)", [])]
    return [c for op, block in cond.items() for c in (
        [(str(op), str(k).lower(), as_list(v)) for k, v in block.items()] if isinstance(block, dict)
        else [(str(op), "(unreadable)", [])])]


def _account(key: str, value: object, grantee: Grantee) -> tuple[str, str] | None:
    """The account a bounding value names, or why it cannot be placed: a pattern (`4444*`,
    `arn:aws:iam::*:role/reader`) or no account field names every account."""
    account = _account_id(key, value)
    if account is not None:
        return grantee(account)
    if isinstance(value, bool) or not isinstance(value, str | int) or is_unknown(value):
        return ("unknown", "")
    return ("site", f"the grant is narrowed by {key} {value!r}, whose account is no account id (a pattern "
            "or no account field): principals of every account it matches read, from wherever they run; "
            + _NAME_IT)


def _account_id(key: str, value: object) -> str | None:
    """The account id a value names: itself for an account key, the account field of an ARN otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # IAM compares a JSON number as its digits
    if not isinstance(value, str) or is_unknown(value):
        return None
    fields = value.split(":")
    account = (value if key in _ACCOUNT_VALUED else fields[4] if len(fields) > 5 else "").strip()
    return account if is_account_id(account) else None
