"""Round 97 (docs/pia-conditions.md): an OpenAPI body's `$ref`s are followed inside the body and block when
they point outside it or at nothing; an open OPTIONS is the CORS preflight only when MOCK answers it (a
method, a body's operation) or when the route has no target. Cases: the round's first commit (a test failing
before the fix says so); every mutation turns one compliant fixture non-compliant, and must block with its
check's message."""

from __future__ import annotations

import json

import pytest
from ruletest import case, patch, res, run, says

PUBLIC, TLS = "disallow-public-data-access", "require-tls-1-2"
OUTSIDE = "outside the body: what it defines (who may call it, what its integration reads) is not in the"
NOTHING = "which names nothing the body defines"
PREFLIGHT = "answer the CORS preflight with a MOCK integration (REST API) or the API's `corsConfiguration`"


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [
        ("r97p-01", "operation GET /dossiers/{id} names no security requirement"),
        ("r97p-02", "path item /dossiers/{id} is `$ref` 'https://specs.vendor.example/dossiers.json"),
        ("r97p-03", "`integrationSubtype` 'SQS-ReceiveMessage' reads or deletes queue messages"),
        ("r97p-04", "a direct dynamodb integration (action/GetItem) reads or deletes the store"),
        ("r97p-05", "operation OPTIONS /dossiers/{id} names no security requirement"),
        ("r97p-06", NOTHING),
        ("r97p-07", "method OPTIONS has authorization NONE and no MOCK integration of this stack answers it"),
        ("r97p-08", "operation GET /dossiers/{id} requires only ['sigv4'], no scheme API Gateway"),
        ("r97p-09", "`body` names the key 'get' twice in one object (line 1): which one API Gateway imports"),
        ("r97p-10", "`integrationSubtype` 'SQS-ReceiveMessage' reads or deletes queue messages"),
        ("r97p-11", "a direct dynamodb integration (action/GetItem) reads or deletes the store"),
    ],
)
def test_the_evasions_block(stem, fragment):
    """Fails before: -01 to -09 passed every rule on main's code (a body's `$ref`'d path items and
    integrations were not read, an OPTIONS method or operation was open whatever its integration reached, a
    scheme name read as its OpenAPI 3 definition alone, a key named twice as its last value); -10 and -11,
    the probe of the fix, passed on 8c3926a3's code, which dropped a `$ref`'s siblings main's code read."""
    assert says(run(PUBLIC, case(stem)), fragment)


@pytest.mark.parametrize("stem", ["r97p-50", "r97p-51", "r97p-52", "r97p-53"])
def test_the_look_alikes_pass(stem):
    for rule in (PUBLIC, TLS):
        assert run(rule, case(stem)) == [], rule


def _body(resources: list[dict], name: str) -> dict:
    return json.loads(next(r for r in resources if r["name"] == name)["inputs"]["body"])


def _with_body(resources: list[dict], body: dict, name: str) -> list[dict]:
    return patch(resources, name, body=json.dumps(body))


def test_mutation_a_path_item_ref_is_followed_and_must_stay_in_the_body():
    ok = case("r97p-50")
    body = _body(ok, "rest-api")
    item = body["x-dossier-paths"]["dossier"]
    item["get"].pop("security")
    assert says(run(PUBLIC, _with_body(ok, body, "rest-api")), "names no security requirement")
    item["get"]["security"] = [{"sigv4": []}]
    body["paths"]["/dossiers/{id}"]["$ref"] = "#/x-dossier-paths/missing"
    assert says(run(PUBLIC, _with_body(ok, body, "rest-api")), "path item /dossiers/{id} is `$ref` ")
    assert says(run(PUBLIC, _with_body(ok, body, "rest-api")), NOTHING)
    body["paths"]["/dossiers/{id}"]["$ref"] = "dossiers.yaml#/dossier"  # a relative file is outside too
    assert says(run(PUBLIC, _with_body(ok, body, "rest-api")), OUTSIDE)
    # a path item with its own operation beside the `$ref`: OpenAPI leaves the merge undefined, both judged
    body["paths"]["/dossiers/{id}"] = {"$ref": "#/x-dossier-paths/dossier", "delete": {}}
    assert says(run(PUBLIC, _with_body(ok, body, "rest-api")), "operation DELETE /dossiers/{id} names no")


def test_mutation_an_integration_ref_is_followed():
    ok = case("r97p-51")
    body = _body(ok, "http-api")
    integrations = body["components"]["x-amazon-apigateway-integrations"]
    integrations["dossier"] = {"type": "aws_proxy", "integrationSubtype": "SQS-ReceiveMessage"}
    assert says(run(PUBLIC, _with_body(ok, body, "http-api")), "'SQS-ReceiveMessage' reads or deletes")
    integrations["dossier"] = {"type": "http_proxy", "uri": "http://backend.vlaio.be/dossiers"}
    assert says(run(TLS, _with_body(ok, body, "http-api")), "reaches its backend in plain text")
    integrations["dossier"] = {"$ref": "#/components/x-amazon-apigateway-integrations/dossier"}  # a loop
    assert says(run(PUBLIC, _with_body(ok, body, "http-api")), "a chain of references that does not end")


def test_mutation_a_security_scheme_ref_is_followed():
    ok = case("r97p-50")
    body = _body(ok, "rest-api")
    schemes = body["components"]["securitySchemes"]
    schemes["signed"], schemes["sigv4"] = schemes["sigv4"], {"$ref": "#/components/securitySchemes/signed"}
    assert run(PUBLIC, _with_body(ok, body, "rest-api")) == []
    schemes["signed"] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
    assert says(run(PUBLIC, _with_body(ok, body, "rest-api")), "requires only ['sigv4'], no scheme")


def test_mutation_every_definition_of_a_scheme_must_authenticate():
    ok = case("r97p-53")
    body = _body(ok, "rest-api")
    body["components"] = {"securitySchemes": {"sigv4": {"type": "apiKey", "name": "k", "in": "header"}}}
    assert says(run(PUBLIC, _with_body(ok, body, "rest-api")), "requires only ['sigv4'], no scheme")
    body["components"]["securitySchemes"] = body["securityDefinitions"]  # the same definition twice
    assert run(PUBLIC, _with_body(ok, body, "rest-api")) == []


def test_mutation_a_key_named_twice_blocks_anywhere_in_the_body():
    ok = case("r97p-53")
    text = next(r for r in ok if r["name"] == "rest-api")["inputs"]["body"]
    twice = text.replace('"swagger":"2.0",', '"swagger":"2.0","info":{},', 1)  # a second `info`
    assert says(run(PUBLIC, patch(ok, "rest-api", body=twice)), "`body` names the key 'info' twice")
    yaml_twice = "swagger: '2.0'\npaths:\n  /a:\n    get: {}\n    get: {}\n"
    found = run(PUBLIC, patch(ok, "rest-api", body=yaml_twice))
    assert says(found, "names the key 'get' twice in one object (line 5)")


def test_mutation_an_open_options_operation_must_be_mock():
    ok = case("r97p-52")
    body = _body(ok, "rest-api")
    options = body["paths"]["/dossiers/{id}"]["options"]
    options["x-amazon-apigateway-integration"] = {"type": "http_proxy", "uri": "https://cors.vlaio.be"}
    found = run(PUBLIC, _with_body(ok, body, "rest-api"))
    assert says(found, "and no MOCK integration answers it") and says(found, PREFLIGHT)
    options["security"] = [{"sigv4": []}]  # an authorised OPTIONS is judged as any operation
    assert run(PUBLIC, _with_body(ok, body, "rest-api")) == []


def _route(**inputs):
    return res("r", "aws:apigatewayv2/route:Route", {"apiId": "a", "routeKey": "OPTIONS /dossiers", **inputs})


def test_mutation_an_open_options_route_must_have_no_target():
    bare = case("r97p-51")
    assert run(PUBLIC, [*bare, _route()]) == []
    found = run(PUBLIC, [*bare, _route(target="integrations/abc123")])
    assert found == [
        (
            "r",
            "route 'OPTIONS /dossiers' has authorizationType unset (NONE) and a `target`: anyone who reaches "
            "the API calls its integration (a function need not look at the verb); answer the CORS preflight "
            "with a MOCK integration (REST API) or the API's `corsConfiguration` (HTTP API: API Gateway then "
            "answers OPTIONS itself, with no route), or authorise the method",
        )
    ]
    # round 98: a JWT route needs an authorizer of the stack whose issuer the record describes; AWS_IAM signs
    assert run(PUBLIC, [*bare, _route(target="integrations/abc123", authorizationType="AWS_IAM")]) == []
    assert says(run(PUBLIC, [*bare, _route(target="integrations/abc123", authorizationType="JWT")]),
                "`authorizerId` is not an output of an authorizer of this stack")


def test_follow_reads_json_pointers_as_rfc_6901_escapes_them():
    from policies.core.openapi_refs import follow, operations  # new this round (the others run on main)

    doc = {"paths": {"/a/{id}": {"get": {"x": 1}}}, "list": [{"y": 2}]}
    assert follow(doc, {"$ref": "#/paths/~1a~1{id}/get"}, "w") == ({"x": 1}, None)
    assert follow(doc, {"$ref": "#/paths/~1a~1%7Bid%7D/get"}, "w") == ({"x": 1}, None)  # URI-encoded
    assert follow(doc, {"$ref": "#/list/0"}, "w") == ({"y": 2}, None)
    assert follow(doc, {"$ref": "#/list/1"}, "w")[1] and follow(doc, {"$ref": 7}, "w")[1]
    ops, problems = operations({"paths": {"/x": {"$ref": "#/nowhere"}}})
    assert ops == [] and len(problems) == 1 and NOTHING in problems[0]


def test_the_one_person_role_limits_hold():
    """Round 96's lead 4, written as limits (the rule is not changed): a role one IAM user or one SAML
    subject alone may assume is role-based access by `user_grants`' design; the DPA owner decides."""
    for stem in ("r97p-60", "r97p-61"):
        assert run("disallow-direct-user-grants", case(stem)) == []

