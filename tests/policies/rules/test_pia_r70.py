"""Round-70 classes (docs/pia-conditions.md, round 70). The redirects round 69 left unread — a Front
Door Standard/Premium or CDN delivery rule's `UrlRedirect`, a web app's ramp-up rule, App Service sign-in's
external redirect URLs —, an API Management API's `serviceUrl` and the targets an API Management policy's
XML names (`set-backend-service`, `send-request`, `proxy`) sent users or calls to another party's host
unjudged. Each test fails on the code before the round (the commit of its cases)."""

from __future__ import annotations

import pytest
from ruletest import case, only, patch, res, run, with_

PUBLIC = "disallow-public-data-access"
JWT = ('<validate-jwt header-name="Authorization" failed-validation-httpcode="401" require-scheme="Bearer">'
       '<openid-config url="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0/'
       '.well-known/openid-configuration" /><audiences><audience>api://dosis-status</audience></audiences>'
       '</validate-jwt>')


def _policy(inbound: str) -> str:
    return (f"<policies><inbound><base />{JWT}{inbound}</inbound><backend><forward-request /></backend>"
            "<outbound><base /></outbound><on-error><base /></on-error></policies>")


@pytest.mark.parametrize("stem, name, where, fragment, ok", [
    ("r70p-10", "rule", "actions[0].parameters.customHostname", "'uploads.partner.example'", "r70p-60"),
    ("r70p-11", "cdn-endpoint", "deliveryPolicy.rules[0].actions[0].parameters.customHostname",
     "'uploads.partner.example'", "r70p-61"),
    ("r70p-12", "app", "siteConfig.experiments.rampUpRules[0].actionHostName", "'app.partner.example'",
     "r70p-62"),
    ("r70p-13", "app-auth", "login.allowedExternalRedirectUrls[0]", "'https://login.partner.example/done'",
     "r70p-63"),
    ("r70p-14", "api-policy", "value <set-backend-service base-url>", "'https://api.partner.example/v1'",
     "r70p-64"),
    ("r70p-15", "api-policy", "value <send-request> <set-url>", "'https://collect.partner.example/in'",
     "r70p-64"),
    ("r70p-16", "api", "serviceUrl", "'https://api.partner.example/v1'", "r70p-64"),
    ("r70p-17", "api-policy", "value <set-backend-service backend-id>", "backend 'partner-files'", "r70p-64"),
    ("r70p-18", "api-policy", "value", "fetched from 'https://policies.partner.example/dosis.xml'",
     "r70p-64"),
    ("r70p-19", "api-policy", "value", "does not parse as XML", "r70p-64"),
    ("r70p-24", "api-policy", "value <include-fragment fragment-id>", "policy fragment 'partner-forward'",
     "r70p-64"),
])
def test_redirects_and_api_management_targets_are_read_as_where_requests_go(stem, name, where, fragment, ok):
    """Another party's host, a backend the stack does not create or a policy that cannot be read blocks;
    the same field naming a resource of the stack (its account, app, slot or backend) passes."""
    found = run(PUBLIC, case(stem))
    only(found, name, f"`{where}`")
    assert fragment in found[0][1]
    assert run(PUBLIC, case(ok)) == []


@pytest.mark.parametrize("inbound, where, fragment", [
    ('<set-backend-service base-url="@(context.Request.Headers.GetValueOrDefault(&quot;X-Target&quot;))" />',
     "value <set-backend-service base-url>", "computed by the gateway for each call"),
    ('<set-backend-service base-url="{{partner-url}}" />', "value <set-backend-service base-url>",
     "computed by the gateway for each call"),
    ("<set-backend-service />", "value <set-backend-service base-url>", "names no target"),
    ('<send-request mode="new" response-variable-name="r"><set-url>https://stcorpus.blob.core.windows.net/a'
     '</set-url><proxy url="http://proxy.partner.example:8080" /></send-request>', "value <proxy url>",
     "'http://proxy.partner.example:8080'"),
    ('<send-one-way-request mode="new"><set-url>https://10.50.2.4/in</set-url></send-one-way-request>',
     "value <send-one-way-request> <set-url>", "a private address in no subnet"),
])
def test_a_target_the_gateway_computes_or_another_party_holds_blocks(inbound, where, fragment):
    """Escaped expressions and named values parse but say nothing of where calls go; a proxy and a one-way
    request are targets as a `set-url` is; a private address is placed as in round 68."""
    found = run(PUBLIC, patch(case("r70p-64"), "api-policy", value=_policy(inbound)))
    only(found, "api-policy", f"`{where}`")
    assert fragment in found[0][1]


def test_a_document_type_declaration_blocks():
    """Entities declared in the policy could spell any host after the check read it."""
    value = '<!DOCTYPE p [<!ENTITY h "partner.example">]>' + _policy("")
    found = run(PUBLIC, patch(case("r70p-64"), "api-policy", value=value))
    only(found, "api-policy", "document type declaration")



def test_a_fragment_of_the_stack_is_included_and_its_own_targets_read():
    """`include-fragment` naming a fragment the stack creates passes; the fragment's own targets are judged
    as any policy's are (the fragment type itself is still outside the judged controls: a lead)."""
    fragment = res("fragment", "azure-native:apimanagement:PolicyFragment", {
        "resourceGroupName": "rg-corpus", "serviceName": "apim-corpus", "id": "partner-forward",
        "format": "xml", "value": '<fragment><set-backend-service backend-id="uploads" /></fragment>'})
    assert run(PUBLIC, with_(case("r70p-24"), fragment)) == []
    foreign = '<fragment><set-backend-service base-url="https://api.partner.example/v1" /></fragment>'
    found = run(PUBLIC, patch(with_(case("r70p-24"), fragment), "fragment", value=foreign))
    only(found, "fragment", "`value <set-backend-service base-url>`")
