"""Round-71 class (docs/pia-conditions.md, round 71). An API Management API that asks no subscription key
relies on the token check of its own policy; `<inbound>` runs in order, so what stands before the check —
a `<send-request>` answered by `<return-response>`, a `<cache-lookup>` — serves data to callers the check
never sees. Each test fails on the code before the round (the commit of its cases)."""

from __future__ import annotations

import pytest
from ruletest import case, messages_of, only, patch, run

PUBLIC = "disallow-public-data-access"
JWT = ('<validate-jwt header-name="Authorization" failed-validation-httpcode="401" require-scheme="Bearer">'
       '<openid-config url="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0/'
       '.well-known/openid-configuration" /><audiences><audience>api://dosis-status</audience></audiences>'
       '</validate-jwt>')
AD_TOKEN = ('<validate-azure-ad-token tenant-id="00000000-0000-0000-0000-000000000001"><audiences>'
            '<audience>api://dosis-status</audience></audiences></validate-azure-ad-token>')


def _policy(inbound: str) -> str:
    return (f"<policies><inbound><base />{inbound}</inbound><backend><forward-request /></backend>"
            "<outbound><base /></outbound><on-error><base /></on-error></policies>")


def _with_inbound(inbound: str, **inputs: str) -> list[dict]:
    return patch(case("r71p-60"), "api-policy", value=_policy(inbound), **inputs)


@pytest.mark.parametrize("stem, element", [("r71p-01", "send-request"), ("r71p-02", "cache-lookup")])
def test_what_answers_before_the_token_check_blocks(stem, element):
    """The case blocks on the API naming the element; the token check first (r71p-60), or only elements that
    neither call out nor answer before it, passes."""
    only(run(PUBLIC, case(stem)), "api", f"runs <{element}> before its token check")
    assert run(PUBLIC, case("r71p-60")) == []
    inert = ('<set-header name="X-Forwarded-For" exists-action="delete" /><rate-limit calls="10" '
             'renewal-period="60" /><ip-filter action="allow"><address>10.20.1.4</address></ip-filter>')
    assert run(PUBLIC, _with_inbound(inert + JWT)) == []
    assert run(PUBLIC, _with_inbound(AD_TOKEN)) == []


@pytest.mark.parametrize("before, element", [
    ('<return-response><set-status code="200" reason="OK" /></return-response>', "return-response"),
    ('<mock-response status-code="200" content-type="application/json" />', "mock-response"),
    ('<send-one-way-request mode="new"><set-url>https://app-corpus.azurewebsites.net/audit</set-url>'
     '</send-one-way-request>', "send-one-way-request"),
    ('<include-fragment fragment-id="precheck" />', "include-fragment"),
    ('<frobnicate />', "frobnicate"),  # closed world: an element not known to neither call out nor answer
    (f'<choose><when condition="@(true)">{JWT}</when></choose>', "choose"),  # a check on one branch only
])
def test_an_element_before_the_token_check_that_may_answer_blocks(before, element):
    found = run(PUBLIC, _with_inbound(before + JWT))
    assert f"runs <{element}> before its token check" in " ".join(messages_of(found, "api"))


def test_a_policy_that_does_not_parse_places_no_token_check():
    """`rawxml` with an unescaped expression names `validate-jwt` in its text but cannot be read in order."""
    value = _policy('<set-variable name="v" value="@(1 < 2)" />' + JWT)
    found = run(PUBLIC, patch(case("r71p-60"), "api-policy", value=value, format="rawxml"))
    assert any("does not parse as XML" in m for m in messages_of(found, "api"))
