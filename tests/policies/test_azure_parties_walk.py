"""bare_parties._azure (speed round 15: paths formatted, keys classified and values walked only where needed)
finds what the plain walk it replaced found, in the same order, on ordinary and odd inputs."""

from __future__ import annotations

from typing import Any

import pytest

from policies.core import bare_parties as bp

OWN = "11111111-2222-3333-4444-555555555555"
OTHER = "99999999-8888-7777-6666-555555555555"
ISSUER = f"https://login.microsoftonline.com/{OTHER}/v2.0"


def _plain_walk(value: Any, path: str, own: str | None) -> list[Any]:
    """The walk before round 15, kept as the reference."""
    if isinstance(value, dict):
        out: list[Any] = []
        for k, v in value.items():
            at = f"{path}.{k}" if path else str(k)
            issuer = isinstance(v, str) and str(k).lower().endswith("issuer") and bp._ENTRA_ISSUER.match(v)
            if issuer:
                tenant = issuer.group(1).lower()
                out += [] if tenant == own else [(at, "azure-id", f"/tenants/{tenant}")]
            elif k == "principalType" and isinstance(v, str) and v.lower() == "foreigngroup":
                out.append((at, "site", bp._FOREIGN_GROUP))
            elif own and str(k).lower() == "tenantid" and isinstance(v, str) and bp._GUID.match(v.strip()):
                tenant = v.strip().lower()
                out += [] if tenant == own else [(at, "azure-id", f"/tenants/{tenant}")]
            elif k == "accessPolicies":
                continue
            else:
                out += _plain_walk(v, at, own)
        return out
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _plain_walk(v, f"{path}.{i}", own)]
    return []


CASES = [
    {},
    {"issuer": ISSUER, "openIdIssuer": ISSUER.upper(), "IssuerX": ISSUER, "tokenIssuer": "not a url"},
    {"principalType": "ForeignGroup", "PrincipalType": "ForeignGroup", "principalType ": "foreigngroup"},
    {"tenantId": f" {OTHER.upper()} ", "TENANTID": OWN, "tenantid": "not-a-guid", "tenant_id": OTHER},
    {"accessPolicies": [{"tenantId": OTHER}], "AccessPolicies": [{"tenantId": OTHER}]},
    {"a": [{"b": {"issuer": ISSUER}}, [{"principalType": "foreignGroup"}], "s", 1, None, 2.5, True],
     "c": {"d": [[{"tenantId": OTHER}]]}, "e": "text", 3: {"issuer": ISSUER}, None: [{"tenantId": OTHER}]},
    {"issuer": 5, "principalType": ["ForeignGroup"], "tenantId": {"x": OTHER}},
    [{"issuer": ISSUER}, "x", [{"tenantId": OTHER}]],
    "a string",
    None,
]


@pytest.mark.parametrize("own", [None, OWN, OTHER])
@pytest.mark.parametrize("value", CASES)
def test_the_walk_finds_what_the_plain_walk_found(value: Any, own: str | None) -> None:
    assert bp._azure(value, "", own) == _plain_walk(value, "", own)
    assert bp._azure(value, "p", own) == _plain_walk(value, "p", own)
