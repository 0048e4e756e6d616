"""Which AWS account / Azure subscription a resource is created in, read from its provider.

Segregation (another team's account or subscription) can only be judged when both sides name theirs:
a default provider or an explicit one without `allowedAccountIds` / `subscriptionId` deploys wherever the
ambient credentials point, so it places nothing. Providers send non-string inputs JSON-encoded.
"""

from __future__ import annotations

import json
import re
from typing import Any

from policies.core.iam.statements import as_list, conditions, principals, statement_actions
from policies.core.view import ProviderView, ResourceView, is_unknown

_ROLE_ACCOUNT = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/")
_ACCOUNT_ID = re.compile(r"^(\d{12})$")
_ACCOUNT_ARN = re.compile(r"^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):")
_SUBSCRIPTION = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and not is_unknown(value) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _label(provider: ProviderView | None) -> str:
    if provider is None or not provider.name or provider.name.startswith("default"):
        return "the default provider"
    return f"provider {provider.name!r}"


def is_account_id(text: str) -> bool:
    """A bare AWS account id (twelve digits)."""
    return _ACCOUNT_ID.match(text) is not None


def account_of(principal: Any) -> str | None:
    """The account a principal names: a bare account id, or an IAM/STS ARN's account."""
    text = str(principal).strip()
    m = _ACCOUNT_ID.match(text) or _ACCOUNT_ARN.match(text)
    return m.group(1) if m else None


def aws_account(provider: ProviderView | None) -> tuple[str | None, str | None]:
    """(account, problem): the one account `allowedAccountIds` pins, checked against the assumed role."""
    where = _label(provider)
    ids = _decoded(provider.inputs.get("allowedAccountIds")) if provider is not None else None
    if not isinstance(ids, list) or len(ids) != 1 or not is_account_id(str(ids[0])):
        return None, (
            f"{where} does not pin one account (allowedAccountIds: ['<12 digits>']), so the account it "
            "deploys into cannot be placed"
        )
    account = str(ids[0])
    roles = _decoded(provider.inputs.get("assumeRoles")) or []
    roles = roles if isinstance(roles, list) else [roles]
    for role in roles:
        arn = role.get("role_arn") or role.get("roleArn") if isinstance(role, dict) else None
        m = _ROLE_ACCOUNT.match(str(arn or ""))
        if m is None:
            return None, f"{where} assumes {arn!r}, not an IAM role ARN, so it cannot be placed"
        if m.group(1) != account:
            return None, f"{where} assumes a role in account {m.group(1)} but pins account {account}"
    return account, None


def aws_region(r: ResourceView) -> str | None:
    """The AWS region a resource is created in: its own `region` input, else its provider's (None:
    unknown)."""
    own = r.input("region")
    if own is None and r.provider is not None:
        own = r.provider.inputs.get("region")
    return own if isinstance(own, str) and own and not is_unknown(own) else None


def azure_subscription(provider: ProviderView | None) -> tuple[str | None, str | None]:
    """(subscription id, problem): the subscription an azure-native provider names explicitly."""
    sub = provider.inputs.get("subscriptionId") if provider is not None else None
    if not isinstance(sub, str) or is_unknown(sub) or not _SUBSCRIPTION.match(sub):
        return None, (
            f"{_label(provider)} names no subscriptionId, so the subscription it deploys into (the ambient "
            "credentials') cannot be placed; set subscriptionId on the provider"
        )
    return sub.lower(), None


def denied_to_accounts(stmts: list[dict[str, Any]], actions: frozenset[str], accounts: set[str],
                       resource: str = "") -> frozenset[str]:
    """The `actions` (catalogue names) that Deny statements of a resource policy deny to every principal of
    `accounts`. Counted: Principal `*` with no condition, `StringEquals aws:PrincipalAccount` naming every
    one of them, or `StringNotEquals aws:PrincipalAccount` naming none of them; and a Resource that is `*`
    or names `resource`. Any other condition might not match, so it denies nothing here (fail closed)."""
    denied: set[str] = set()
    for s in stmts:
        who = principals(s)
        if s.get("Effect") != "Deny" or ("*" not in who and "*" not in who.get("AWS", [])):
            continue
        res = [str(r) for r in as_list(s.get("Resource"))]
        named = any(resource and resource in r for r in res)
        if "NotResource" in s or (res and "*" not in res and not named):
            continue
        conds = conditions(s)
        ok = not conds
        if list(conds) == ["StringEquals"] and list(conds["StringEquals"]) == ["aws:principalaccount"]:
            ok = accounts <= set(conds["StringEquals"]["aws:principalaccount"])
        if list(conds) == ["StringNotEquals"] and list(conds["StringNotEquals"]) == ["aws:principalaccount"]:
            ok = not accounts & set(conds["StringNotEquals"]["aws:principalaccount"])
        if ok:
            denied |= statement_actions(s) & actions
    return frozenset(denied)
