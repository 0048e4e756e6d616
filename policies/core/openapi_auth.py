"""Who may call an API an OpenAPI body defines (round 96). A REST or HTTP API imported from a body has no
Method or Route resource in the program: each operation's authorisation is in the body, and API Gateway
imports an operation that names no security requirement with authorization NONE. An HTTP API made by quick
create (`target`) gets a catch-all `$default` route with no authorization and no Route resource either.

An operation is authorised when `x-amazon-apigateway-auth` says AWS_IAM (REST APIs only), or when every
alternative of its security requirement (its own `security`, else the document's) names a scheme API Gateway
authenticates with: `x-amazon-apigateway-authtype` awsSigv4, cognito_user_pools or custom, or an
`x-amazon-apigateway-authorizer` of type token, request, cognito_user_pools or jwt (OpenAPI 3
`components.securitySchemes`, Swagger 2 `securityDefinitions`). An empty alternative (`{}`) lets anyone in;
a plain API key identifies no one. Only MOCK integrations may be open (round 97: an OPTIONS operation
too, as for Method resources in `pia_api_auth`). Path items, operations, integrations and security
schemes are read through their local `$ref`s (`openapi_refs`). An unreadable body is reported by the
integrations' check (`pia_aws_paths.openapi_reads`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policies.core import api_sign_in
from policies.core.openapi_refs import INTEGRATION, follow, operations
from policies.core.pia_api_auth import PREFLIGHT
from policies.core.pia_aws_paths import openapi_doc, openapi_reads
from policies.core.view import ResourceView, StackGraph

HTTP_API = "aws:apigatewayv2/api:Api"
_VERBS = ("get", "put", "post", "delete", "patch", "head", "trace", "options")
_VERBS += ("x-amazon-apigateway-any-method",)
_AUTH_TYPES = frozenset({"awssigv4", "cognito_user_pools", "custom"})
_AUTHORIZERS = frozenset({"token", "request", "cognito_user_pools", "jwt"})
_FIX = (
    "name a security scheme that authenticates (x-amazon-apigateway-authtype awsSigv4, or a Cognito, JWT or "
    "Lambda x-amazon-apigateway-authorizer), or `x-amazon-apigateway-auth` AWS_IAM (only the CORS preflight "
    "OPTIONS and MOCK integrations may be open)"
)


def _authenticates(scheme: Any) -> bool:
    if not isinstance(scheme, dict):
        return False
    authorizer = scheme.get("x-amazon-apigateway-authorizer")
    kind = authorizer.get("type") if isinstance(authorizer, dict) else None
    return (
        str(scheme.get("x-amazon-apigateway-authtype", "")).lower() in _AUTH_TYPES
        or str(kind or "").lower() in _AUTHORIZERS
    )


def _schemes(doc: dict[str, Any]) -> dict[str, list[Any]]:
    """Each scheme name's definitions, Swagger 2's and OpenAPI 3's (round 97: a body may carry both, and
    API Gateway reads the one its version names: a name authenticates only if every definition does)."""
    components = doc.get("components")
    found = components.get("securitySchemes") if isinstance(components, dict) else None
    legacy = doc.get("securityDefinitions")
    out: dict[str, list[Any]] = {}
    for section in (legacy, found):
        for name, scheme in section.items() if isinstance(section, dict) else ():
            out.setdefault(name, []).append(follow(doc, scheme, "a security scheme")[0])
    return out


def _sign_up(op: dict[str, Any], doc: dict[str, Any], api: Any) -> str | None:
    """Round 98: a Cognito or JWT scheme authenticates only when whom its provider lets sign up is recorded
    (`api_sign_in`), as for Method and Route resources."""
    schemes = _schemes(doc)
    required = op.get("security", doc.get("security"))
    for alternative in required if isinstance(required, list) else ():
        for name in alternative if isinstance(alternative, dict) else ():
            for scheme in schemes.get(name, ()):
                auth = scheme.get("x-amazon-apigateway-authorizer") if isinstance(scheme, dict) else None
                providers = api_sign_in.body_providers(auth)
                if providers is not None and not all(isinstance(p, str) and p for p in providers):
                    return f"names scheme {name!r}, whose authorizer names no provider (pool or issuer)"
                if found := api_sign_in.provider_problems(providers or [], api):
                    return f"names scheme {name!r}: {found[0]}"
    return None


def _open_because(op: dict[str, Any], doc: dict[str, Any], rest: bool) -> str | None:
    """Why anyone may call the operation (None when every way in authenticates)."""
    auth = op.get("x-amazon-apigateway-auth")  # a REST extension: HTTP APIs do not document it
    if rest and isinstance(auth, dict) and str(auth.get("type", "")).upper() == "AWS_IAM":
        return None
    required = op.get("security", doc.get("security"))
    if not isinstance(required, list) or not required:
        return "names no security requirement (neither its own `security` nor the document's)"
    schemes = _schemes(doc)
    for alternative in required:
        if not isinstance(alternative, dict) or not alternative:
            return "lists an empty security alternative (`{}`): a caller without credentials is let in"
        if not any(name in schemes and all(map(_authenticates, schemes[name])) for name in alternative):
            return (
                f"requires only {sorted(alternative)}, no scheme API Gateway authenticates with (an API key "
                "identifies no one; a scheme the body does not define is unknown)"
            )
    return None


def body_callers(r: ResourceView) -> list[str]:
    """The operations of the API's OpenAPI body that anyone may call (`$ref`s followed, round 97; one that
    cannot be followed is reported by the integrations' check)."""
    doc, problem = openapi_doc(r.input("body"))
    if problem or not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        return []  # no body, or one the integrations' check reports
    out = []
    for path, verb, op in operations(doc)[0]:
        integration = op.get(INTEGRATION)
        if verb.lower() not in _VERBS or (
            isinstance(integration, dict) and str(integration.get("type", "")).lower() == "mock"
        ):
            continue
        name = "ANY" if verb.startswith("x-") else verb.upper()
        if not (why := _open_because(op, doc, rest=r.type != HTTP_API)):
            if who := _sign_up(op, doc, r.input("name")):
                out.append(f"`body`: operation {name} {path} {who}")
            continue
        if verb.lower() == "options":  # round 97: an open preflight reaches its integration unless MOCK
            out.append(
                f"`body`: operation OPTIONS {path} {why}, and no MOCK integration answers it: a caller "
                f"reaches its integration (a function need not look at the verb); {PREFLIGHT}"
            )
            continue
        out.append(
            f"`body`: operation {name} {path} {why}: API Gateway imports it with authorization NONE, "
            f"so anyone who reaches the API gets what its integration reads; {_FIX}"
        )
    return out


def quick_create(r: ResourceView) -> list[str]:
    """An HTTP API made by quick create: API Gateway adds a `$default` route without authorization."""
    if r.input("target") is None:
        return []
    return [
        "`target` makes a quick-create API: API Gateway adds a catch-all `$default` route with no "
        "authorization and a stage, so anyone who reaches the API gets what the target reads; leave "
        "`target` unset and declare the integration and each route (apigatewayv2.Route with "
        "authorizationType JWT, AWS_IAM or CUSTOM)"
    ]


def api_checks(unknown_ok: bool = False) -> Callable[[ResourceView, StackGraph], list[str]]:
    """The body's integrations (`openapi_reads`), then who may call its operations and a quick create."""
    reads = openapi_reads(unknown_ok)

    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        return reads(r, graph) + body_callers(r) + quick_create(r) + api_sign_in.shared_name(r, graph)

    return judge
