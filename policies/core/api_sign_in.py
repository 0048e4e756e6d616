"""Who may sign up to the identity provider an API Gateway authorizer trusts (round 98). A Cognito user-pool
or JWT authorizer checks that a token was signed by its pool or issuer, not who the caller is: a pool with
self sign-up (Cognito's default) or a public issuer (a Google account, Entra's multi-tenant `common`) hands
a valid token to anyone who registers. D36 §77-78 limits access to the persons whose dossier one handles,
so such a provider is no authentication for a data API, unless the API is public-facing by design (the
e-loket's users are the public's enterprises) and the PIA record says so.

Cognito user pools hold personal data without a customer-managed key, so no stack of this project creates
one (require-customer-managed-keys): every pool and issuer is outside the program, and who may sign up to it
is the PIA record's statement (`api_sign_in`: `sign_up: closed`, or `public` with the `apis` that may trust
it). Closed world: an authorizer the program does not show, a provider the record does not describe, or a
public one trusted by an API it does not name blocks. A Cognito issuer URL and a pool's ARN name the same
pool by its id.

Round 99: AppSync applies the same judgement. A GraphQL API's primary mode and each additional provider, and
an Event API's providers, name their Cognito pool by its bare id (`userPoolId`) or their OpenID issuer; a
mode AppSync does not list blocks. A public-facing API is recorded by its `name`, so a recorded name that
more than one API of the stack carries blocks: the record could not say which one anyone may call."""

from __future__ import annotations

import re
from typing import Any

from policies.core.iam.breakglass import records
from policies.core.records import current_stack
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

RECORD_KEY = "api_sign_in"
_REST = ("aws:apigateway/authorizer:Authorizer", "aws:apigateway/restApi:RestApi", "restApi", "providerArns")
_HTTP = ("aws:apigatewayv2/authorizer:Authorizer", "aws:apigatewayv2/api:Api", "apiId",
         "jwtConfiguration.issuer")
# a pool's ARN, its issuer URL or (AppSync's `userPoolId`) its bare id
_POOL = re.compile(r"^(?:arn:aws[\w-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool/|https://cognito-idp\.[a-z0-9-]+"
                   r"\.amazonaws\.com/|(?=[a-z]{2}-[a-z]+-\d_))([a-z0-9-]+_[A-Za-z0-9]+)/?$")
_RECORD = "stacks/records/pia/<stack>.yaml"


def _key(provider: str) -> str:
    """One name for a provider: a pool's id (its ARN and issuer URL name it alike), else the issuer URL."""
    pool = _POOL.match(provider)
    return f"cognito:{pool.group(1)}" if pool else provider.rstrip("/").lower()


def _providers(r: ResourceView, graph: StackGraph, kinds: tuple[str, str, str, str]) -> list[str] | str:
    """The pools or issuers of the method's or route's authorizer, or why they cannot be read."""
    authorizer_type, _, _, fld = kinds
    found = [a for a in graph.dependency_of(r, "authorizerId") if a.type == authorizer_type]
    if not found:
        return (
            "`authorizerId` is not an output of an authorizer of this stack, so whom its identity provider "
            "signs in cannot be judged; create the authorizer in the program and pass its id"
        )
    out: list[str] = []
    for a in found:
        value = a.get(fld)
        if is_unknown(value) or (isinstance(value, list) and any(map(is_unknown, value))):
            return unknown_message(fld, "whom the authorizer signs in")
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str) and v for v in values):
            return f"the authorizer {a.name} names no `{fld}`, so whom it signs in cannot be judged; name it"
        out += values
    return out


def _api_name(r: ResourceView, graph: StackGraph, kinds: tuple[str, str, str, str]) -> Any:
    apis = [a for a in graph.dependency_of(r, kinds[2]) if a.type == kinds[1]]
    return apis[0].input("name") if len(apis) == 1 else None


def provider_problems(providers: list[str], api: Any, who: str = "its authorizer") -> list[str]:
    """Why each provider the API `api` (its name) trusts lets unknown callers in (none when recorded so)."""
    entries = {_key(str(e.get("provider", ""))): e for e in records(current_stack(), RECORD_KEY)}
    out = []
    for p in providers:
        e = entries.get(_key(p))
        if e is None:
            out.append(
                f"{who} trusts {p!r}, which the stack's PIA record does not describe "
                f"(`{RECORD_KEY}`): whether anyone may sign up there (a Cognito pool's self sign-up, a "
                "public issuer) and so who calls the API is not in the program; record who gets an account "
                f"({_RECORD}: provider, sign_up closed or public, who, verified_on)"
            )
        elif e.get("sign_up") != "closed" and (is_unknown(api) or api not in (e.get("apis") or ())):
            out.append(
                f"{who} trusts {p!r}, to which anyone may sign up (the PIA record: sign_up "
                f"public, for the APIs {e.get('apis')}), and the API {api!r} is not one of them: anyone who "
                "registers gets what the API serves (its integrations or data sources); trust a provider "
                "whose accounts the controller hands out (sign_up closed), or name the API there if it is "
                "public-facing by design"
            )
    return out


def body_providers(authorizer: Any) -> list[Any] | None:
    """The pools or issuer of an OpenAPI body's Cognito or JWT authorizer (None for another kind)."""
    kind = str(authorizer.get("type", "")).lower() if isinstance(authorizer, dict) else ""
    if kind == "cognito_user_pools":
        found = authorizer.get("providerARNs")
    elif kind == "jwt":
        jwt = authorizer.get("jwtConfiguration")
        found = jwt.get("issuer") if isinstance(jwt, dict) else None
    else:
        return None
    return found if isinstance(found, list) else [found]


def _problems(r: ResourceView, graph: StackGraph, kinds: tuple[str, str, str, str]) -> list[str]:
    providers = _providers(r, graph, kinds)
    if isinstance(providers, str):
        return [providers]
    return provider_problems(providers, _api_name(r, graph, kinds))


def rest_method(r: ResourceView, graph: StackGraph) -> list[str]:
    return [f"method {r.input('httpMethod')}: {m}" for m in _problems(r, graph, _REST)]


def http_route(r: ResourceView, graph: StackGraph) -> list[str]:
    return [f"route {r.input('routeKey')!r}: {m}" for m in _problems(r, graph, _HTTP)]


# Round 99: AppSync's authentication types (the SDK's docstrings list these five) and where each names whom
# it trusts; IAM and a Lambda authorizer authenticate as on API Gateway, an API key is judged by its caller.
APPSYNC_KINDS = ("API_KEY", "AWS_IAM", "AMAZON_COGNITO_USER_POOLS", "OPENID_CONNECT", "AWS_LAMBDA")
_API_TYPES = ("aws:apigateway/restApi:RestApi", "aws:apigatewayv2/api:Api",
              "aws:appsync/graphQLApi:GraphQLApi", "aws:appsync/api:Api")


def unknown_kind(where: str, kind: Any) -> str | None:
    """Why an AppSync mode the pack does not know blocks (closed world), or None."""
    if kind in APPSYNC_KINDS:
        return None
    return (
        f"{where} is {kind!r}, an authentication type the pack does not know (AppSync takes "
        f"{', '.join(APPSYNC_KINDS)}), so who may call the API cannot be judged; name one of those"
    )


def appsync_problems(providers: list[tuple[str, str, Any, dict]], pool_cfg: str, api: Any) -> list[str]:
    """Whom each AppSync provider (where its kind is named, the path of its settings, kind, settings) signs
    in, judged as an authorizer's pool or issuer; `pool_cfg` is the block naming a Cognito pool
    (`userPoolConfig`, an Event API's `cognitoConfig`)."""
    found: list[str] = []
    for where, at, kind, p in providers:
        if why := unknown_kind(where, kind):
            return [why]
        fld = {"AMAZON_COGNITO_USER_POOLS": (pool_cfg, "userPoolId"),
               "OPENID_CONNECT": ("openidConnectConfig", "issuer"),
               "AWS_LAMBDA": ("lambdaAuthorizerConfig", "authorizerUri")}.get(kind)  # fmt: skip
        if fld is None:
            continue
        cfg = p.get(fld[0])
        value = cfg.get(fld[1]) if isinstance(cfg, dict) else None
        if is_unknown(cfg) or is_unknown(value):
            return [unknown_message(f"{at}{'.'.join(fld)}", "whom the API signs in")]
        if not isinstance(value, str) or not value:
            return [f"{where} is {kind} and names no `{'.'.join(fld)}`, so whom it signs in cannot be "
                    "judged; name its pool, issuer or function"]  # fmt: skip
        if kind != "AWS_LAMBDA":  # round 100: a function must be named; whom it admits is its code
            found.append(value)
    return provider_problems(found, api, who="it")


def shared_name(r: ResourceView, graph: StackGraph) -> list[str]:
    """A public-facing API is recorded by its `name`: another API of the stack (of any kind) that carries, or
    may carry, that name would be judged alike, so neither can be told apart (fail closed)."""
    name = r.input("name")
    public = {a for e in records(current_stack(), RECORD_KEY) if e.get("sign_up") != "closed"
              for a in (e.get("apis") or ()) if isinstance(a, str)}  # fmt: skip
    if is_unknown(name) or name not in public:
        return []
    same = sorted(a.name for t in _API_TYPES for a in graph.by_type(t)
                  if a.input("name") == name or is_unknown(a.input("name")))  # fmt: skip
    if len(same) < 2:
        return []
    return [
        f"the PIA record names the API {name!r} public-facing by design (`{RECORD_KEY}`), and {len(same)} "
        f"APIs of this stack are (or may be) named so ({', '.join(same)}): which one anyone who registers "
        "may call is not in the program; give the public-facing API a name no other API of the stack carries"
    ]
