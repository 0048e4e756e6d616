"""bare_parties.azure_parties (speed round 16): inputs whose JSON text names none of the keys _azure judges
are neither unwrapped nor walked. The parties found are those of the unwrapped walk, on odd inputs (proxied,
plain, secret-wrapped, signature objects, other mappings, non-string keys, tuples) and on every document of
the corpora."""

from __future__ import annotations

from collections import UserDict
from typing import Any

import pytest
from gate.state_view import proxied
from pulumi_policy.proxy import unknown_checking_proxy
from pulumi_policy.secret import Secret

from policies.core import bare_parties as bp
from policies.core.view import SECRET_SIG_KEY, ProviderView, ResourceView
from tests.policies.test_azure_parties_walk import CASES, ISSUER, OTHER, OWN
from tests.policies.test_references_ascii import _documents

_SIG = {SECRET_SIG_KEY: "1b47061264138c4ac30d75fd1eb44270"}
ODD: list[Any] = [
    {"a": Secret({"tenantId": OTHER}), "b": Secret(ISSUER)},
    {"issuer": Secret(ISSUER), "x": {"principalType": Secret("ForeignGroup")}},
    {"x": {**_SIG, "value": {"tenantId": OTHER}}, "issuer": {**_SIG, "value": ISSUER}},
    {"x": UserDict({"tenantId": OTHER}), "y": [UserDict({"issuer": ISSUER})]},
    {"x": ({"tenantId": OTHER},), 7: {"issuer": ISSUER}},
    {"x": {"TenantID": OTHER, "OIDCISSUER": ISSUER, "principaltype": "ForeignGroup"}},
    {"t\u0130": {"tenant\u0130d": OTHER, "\u0130ssuer": ISSUER, "s\u017fuer": ISSUER}},
    {"x": "\ud800", "tenantId": OTHER},
    {"x": 2**70, "tenantId": OTHER},
    {"tags": {"issuer": "a tag"}, "description": "tenantId issuer principalType"},
]


def _view(raw: Any, type_: str = "azure-native:keyvault:Vault") -> ResourceView:
    provider = ProviderView("pulumi:providers:azure-native", {"tenantId": OWN})
    return ResourceView(type=type_, raw=raw, provider=provider)


def _pairs(inputs: Any) -> list[tuple[str, Any]]:
    """The same inputs as the gate hands them (its proxies), as the CLI does, and plain."""
    out = [("plain", inputs)]
    for name, wrap in (("gate", proxied), ("cli", unknown_checking_proxy)):
        try:
            out.append((name, wrap(dict(inputs))))
        except Exception:  # a value the proxies refuse is never handed to a policy
            continue
    return out


def _both(raw: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any]]:
    fast = bp.azure_parties(_view(raw))
    with monkeypatch.context() as m:
        m.setattr(bp, "_may_name_parties", lambda _raw: True)
        walked = bp.azure_parties(_view(raw))
    return fast, walked


@pytest.mark.parametrize("inputs", [c for c in CASES if isinstance(c, dict)] + ODD)
def test_the_prefilter_keeps_every_party(inputs: dict[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    for _name, raw in _pairs(inputs):
        fast, walked = _both(raw, monkeypatch)
        assert fast == walked


def test_the_prefilter_skips_inputs_without_those_keys() -> None:
    raw = proxied({"location": "westeurope", "properties": {"sku": {"name": "standard"}, "ids": ["a", "b"]}})
    assert not bp._may_name_parties(raw)
    assert bp._may_name_parties(proxied({"properties": {"TenantId": OTHER}}))
    assert bp._may_name_parties({"a": UserDict()})  # a type the text cannot hold: walked


def test_the_prefilter_keeps_every_party_of_the_corpora(monkeypatch: pytest.MonkeyPatch) -> None:
    found = 0
    for doc in _documents():
        for inputs in (doc if isinstance(doc, list) else [doc]):
            if not isinstance(inputs, dict):
                continue
            for _name, raw in _pairs(inputs):
                fast, walked = _both(raw, monkeypatch)
                assert fast == walked
                found += bool(walked)
    assert found  # the corpora hold parties: the comparison is not vacuous
