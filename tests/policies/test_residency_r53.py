"""Red-team round 53 of the residency pack: a workflow app joining the stack's own Service Bus namespace or
storage account to a service suffix that is no token audience, and the Lambdas of Athena external functions
(corpus cases: tests/corpus/residency/{evil,good}/r53-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, res

BUS = res("azure-native:servicebus:Namespace", "sb", {"name": "dosis-bus", "location": "westeurope"})


def _blocking(*views):
    """(resource, message) of both rules that judge a destination: per resource, and over the stack."""
    per_view = [(v.name, m) for v in views for m in messages(REPLICATION, v, ALLOWED)]
    return per_view + messages(RESOLVED, graph(*views), ALLOWED)


def _workflow_app(settings: dict[str, str]):
    listed = [{"name": k, "value": v} for k, v in settings.items()]
    return res("azure-native:web:WebApp", "la", {"name": "dosis-workflows", "location": "westeurope",
                                                 "kind": "functionapp,workflowapp",
                                                 "siteConfig": {"appSettings": listed}})


def test_a_service_suffix_setting_is_judged_joined_not_as_a_host_on_its_own():
    own = {"serviceBusNamespace": "dosis-bus", "serviceBusSuffix": "servicebus.windows.net"}
    assert _blocking(BUS, _workflow_app(own)) == []
    pair = {"busNamespace": "dosis-bus", "busSuffix": ".servicebus.windows.net"}
    settings = res("azure-native:web:WebAppApplicationSettings", "s", {"name": "la", "properties": pair})
    assert _blocking(BUS, settings) == []
    other = _blocking(BUS, _workflow_app({**own, "serviceBusNamespace": "partner-bus"}))
    assert other and all("partner-bus.servicebus.windows.net" in m for _, m in other)
    apart = {"partnerBus": "partner-bus", "blobSuffix": "blob.core.windows.net"}  # no name of its stem
    alone = _blocking(BUS, _workflow_app(apart))
    assert alone and all("holds only the service suffix" in m for _, m in alone)


def _named_query(sql: str):
    return res("aws:athena/namedQuery:NamedQuery", "q", {"name": "q", "database": "dossiers", "query": sql})


def test_an_athena_external_function_s_lambda_named_bare_must_be_the_stack_s():
    fn = res("aws:lambda/function:Function", "fn", {"name": "dosis-redact", "region": "eu-west-1"})
    sql = "USING EXTERNAL FUNCTION redact(v VARCHAR) RETURNS VARCHAR LAMBDA '{}' SELECT redact(dt) FROM e"
    found = _blocking(fn, _named_query(sql.format("partner-redact")))
    assert found and all("partner-redact" in m for _, m in found)
    assert _blocking(fn, _named_query(sql.format("dosis-redact"))) == []
