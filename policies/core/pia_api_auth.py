"""Who may call an API (round 18): a REST method or an HTTP API route without authorization hands whatever
its integration reads (a function's own credentials, a service integration's role) to anyone who reaches
the API. disallow-public-data-access merges PUBLIC_CHECKS. Closed world: only REST methods answered by a MOCK
integration of the stack (fixed content, no data; the CORS preflight's) and OPTIONS routes with no target may
be open (round 97: an OPTIONS method reaching a function is the function's); an unreadable setting blocks.
A Cognito or JWT authorizer authenticates only when whom its provider lets sign up is recorded (round 98,
`api_sign_in`)."""

from __future__ import annotations

from policies.core import api_sign_in, appsync_merged
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

METHOD = "aws:apigateway/method:Method"
ROUTE = "aws:apigatewayv2/route:Route"
_INTEGRATION = "aws:apigateway/integration:Integration"
_API_V2 = "aws:apigatewayv2/api:Api"
_FIX = "use AWS_IAM, a Cognito user-pool or JWT authorizer, or a custom (Lambda) authorizer"
PREFLIGHT = (
    "answer the CORS preflight with a MOCK integration (REST API) or the API's `corsConfiguration` (HTTP "
    "API: API Gateway then answers OPTIONS itself, with no route), or authorise the method"
)


def _same(a: ResourceView, b: ResourceView, fld: str) -> bool:
    """Two resources name the same API or API resource: the same literal, or computed from the same one."""
    deps = set(a.property_dependencies.get(fld, ())) & set(b.property_dependencies.get(fld, ()))
    return bool(deps) or (a.input(fld) is not None and a.input(fld) == b.input(fld))


def _mock_only(r: ResourceView, graph: StackGraph) -> bool:
    """The method's integrations in the stack (same API, resource and verb) are all MOCK, and there is one."""
    mine = [
        i
        for i in graph.by_type(_INTEGRATION)
        if i.input("httpMethod") == r.input("httpMethod")
        and _same(i, r, "restApi")
        and _same(i, r, "resourceId")
    ]
    return bool(mine) and all(i.input("type") == "MOCK" for i in mine)


def rest_method(r: ResourceView, graph: StackGraph) -> list[str]:
    auth, verb = r.input("authorization"), r.input("httpMethod")
    if is_unknown(auth) or is_unknown(verb):
        return [unknown_message("authorization", "who may call the method")]
    if str(auth).upper() == "COGNITO_USER_POOLS":  # round 98: whom the pool lets sign up
        return api_sign_in.rest_method(r, graph)
    if str(auth).upper() != "NONE" or _mock_only(r, graph):
        return []
    if str(verb).upper() == "OPTIONS":  # round 97: a preflight is open only when MOCK answers it
        return [
            "method OPTIONS has authorization NONE and no MOCK integration of this stack answers it: anyone "
            f"who reaches the API calls its integration (a function need not look at the verb); {PREFLIGHT}"
        ]
    key = (
        " (`apiKeyRequired` identifies a caller by a key that is handed around; it does not authenticate)"
        if r.input("apiKeyRequired") is True
        else ""
    )
    return [
        f"method {verb} has authorization NONE{key}: anyone who reaches the API gets what its integration "
        f"reads; {_FIX} (only the CORS preflight OPTIONS and MOCK integrations may be open)"
    ]


def _websocket(r: ResourceView, graph: StackGraph) -> bool:
    apis = graph.dependency_of(r, "apiId")
    return bool(apis) and all(a.type == _API_V2 and a.input("protocolType") == "WEBSOCKET" for a in apis)


def http_route(r: ResourceView, graph: StackGraph) -> list[str]:
    """WebSocket APIs authorise on `$connect` only; their other routes ride on an authorised connection."""
    auth, key = r.input("authorizationType"), r.input("routeKey")
    if is_unknown(auth) or is_unknown(key):
        return [unknown_message("authorizationType", "who may call the route")]
    if str(auth).upper() == "JWT":  # round 98: whom the issuer lets sign up
        return api_sign_in.http_route(r, graph)
    if auth is not None and str(auth).upper() != "NONE":
        return []
    if _websocket(r, graph) and key != "$connect":
        return []
    if str(key).upper().startswith("OPTIONS "):  # round 97: an open preflight route must reach nothing
        return [] if r.input("target") is None else [
            f"route {key!r} has authorizationType {auth or 'unset (NONE)'} and a `target`: anyone who "
            f"reaches the API calls its integration (a function need not look at the verb); {PREFLIGHT}"
        ]
    return [
        f"route {key!r} has authorizationType {auth or 'unset (NONE)'}: anyone who reaches the API gets what "
        f"its integration reads; {_FIX} (only the CORS preflight OPTIONS may be open)"
    ]




# Round 31: AppSync GraphQL APIs. An API key is no sign-in: it ships in the front end and identifies a caller
# by a value anyone can copy (as `apiKeyRequired` above); the other modes (IAM, Cognito user pools, OIDC,
# a Lambda authorizer) authenticate. A data source puts a store behind an API, judged by that API's modes.
GRAPHQL = "aws:appsync/graphQLApi:GraphQLApi"
DATA_SOURCE = "aws:appsync/dataSource:DataSource"
# Round 33: AppSync Event APIs, their channel namespaces (which may override the API's publish and subscribe
# modes) and API keys (inert unless their API accepts API_KEY, which is judged on the API: round 101, an
# API_KEY provider counts only when a mode of the API or of one of its namespaces names it).
EVENT_API = "aws:appsync/api:Api"
NAMESPACE = "aws:appsync/channelNamespace:ChannelNamespace"
API_KEY = "aws:appsync/apiKey:ApiKey"
_APIS = (GRAPHQL, EVENT_API)
# Round 100: a merged API's source API association (appsync_merged).
CONTROLS = frozenset({GRAPHQL, DATA_SOURCE, EVENT_API, NAMESPACE, API_KEY, appsync_merged.ASSOCIATION})
_MODES_FIX = "use AWS_IAM, AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT or AWS_LAMBDA only"


def graphql_api(r: ResourceView, graph: StackGraph) -> list[str]:
    extra = r.input("additionalAuthenticationProviders")
    if is_unknown(r.input("authenticationType")) or is_unknown(extra):
        return [unknown_message("authenticationType", "who may call the API")]
    modes = [r.input("authenticationType")] + [
        p.get("authenticationType") for p in (extra if isinstance(extra, list) else []) if isinstance(p, dict)
    ]
    if any(is_unknown(m) for m in modes):
        return [unknown_message("additionalAuthenticationProviders", "who may call the API")]
    if "API_KEY" in modes:
        return [
            "the GraphQL API accepts API_KEY: a key handed to the front end identifies no one, so anyone "
            "who copies it reads what the API's data sources read; use AWS_IAM, AMAZON_COGNITO_USER_POOLS, "
            "OPENID_CONNECT or AWS_LAMBDA only"
        ]
    providers = appsync_merged.graphql_providers(r) or []  # round 99: readable, as checked above
    found = api_sign_in.appsync_problems(providers, "userPoolConfig", r.input("name"))
    return [f"the GraphQL API: {m}" for m in found] + api_sign_in.shared_name(r, graph)


def _of_api(r: ResourceView, graph: StackGraph, what: str) -> list[str]:
    """A data source, namespace or key is judged through its API, which must be an API of the stack."""
    if any(a.type in _APIS for a in graph.dependency_of(r, "apiId")):
        return []
    return [
        f"the {what}'s `apiId` is not an output of a GraphQL or Event API of this stack, so who may call the "
        "API cannot be judged; create it with `api_id=<the stack's GraphQLApi or Api>.id`"
    ]


def data_source(r: ResourceView, graph: StackGraph) -> list[str]:
    return _of_api(r, graph, "data source")


def api_key(r: ResourceView, graph: StackGraph) -> list[str]:
    return _of_api(r, graph, "API key")


def _types(r: ResourceView, *paths: str) -> list[object] | str:
    """The `authType`s listed under the paths, or the first path that cannot be read."""
    out: list[object] = []
    for p in paths:
        v = r.get(p)
        if v is not None and not isinstance(v, list):
            return p
        for m in v or []:
            t = m.get("authType") if isinstance(m, dict) else None
            if t is None or is_unknown(t):
                return p
            out.append(t)
    return out


def _unreadable(r: ResourceView, path: str, what: str) -> str:
    v = r.get(path)
    if is_unknown(v) or any(isinstance(m, dict) and is_unknown(m.get("authType")) for m in v or []):
        return unknown_message(path, what)
    return f"`{path}` is not a list of `authType` modes, so {what} cannot be judged; list each mode"


_MODES = ("connectionAuthModes", "defaultPublishAuthModes", "defaultSubscribeAuthModes")
_NS_MODES = ("publishAuthModes", "subscribeAuthModes")


def _namespaces(r: ResourceView, graph: StackGraph) -> list[ResourceView]:
    return [n for n in graph.by_type(NAMESPACE) if r.urn in n.property_dependencies.get("apiId", ())]


def _used(r: ResourceView, graph: StackGraph) -> set[object] | None:
    """Round 100: the kinds the API's modes and its namespaces' name; None (every provider counts) when a
    namespace's modes cannot be read (the namespace blocks itself)."""
    used = set(_types(r, *(f"eventConfig.{m}" for m in _MODES)))
    for n in _namespaces(r, graph):
        kinds = _types(n, *_NS_MODES)
        if isinstance(kinds, str):
            return None
        used |= set(kinds)
    return used


def _unconfigured(modes: list[object], providers: list[dict], where: str) -> list[str]:
    """Closed world: a mode naming a kind no provider of the API configures (whom it signs in is unknown)."""
    kinds = {p.get("authType") for p in providers}
    return [
        f"{where} names {m}, which no `eventConfig.authProviders` entry of its Event API configures, so whom "
        "it signs in cannot be judged; configure that provider or drop the mode"
        for m in dict.fromkeys(modes) if m not in kinds
    ][:1]


def event_api(r: ResourceView, graph: StackGraph) -> list[str]:
    cfg, what = "eventConfig", "who may connect, publish and subscribe"
    modes = _types(r, f"{cfg}.authProviders", *(f"{cfg}.{m}" for m in _MODES))
    if isinstance(modes, str):
        return [_unreadable(r, modes, what)]
    if not r.get(f"{cfg}.authProviders"):
        return [f"the Event API lists no `{cfg}.authProviders`, so {what} cannot be judged; list its modes"]
    if why := next(filter(None, (api_sign_in.unknown_kind("an Event API mode", m) for m in modes)), None):
        return [why]
    listed, own = r.get(f"{cfg}.authProviders"), _types(r, *(f"{cfg}.{m}" for m in _MODES))
    used = _used(r, graph)  # round 100: a provider no mode names signs no one in (round 101: API_KEY too)
    counted = [(i, p) for i, p in enumerate(listed) if used is None or p.get("authType") in used]
    if "API_KEY" in own or any(p.get("authType") == "API_KEY" for _, p in counted):
        return [
            "the Event API accepts API_KEY: a key handed to the front end identifies no one, so anyone who "
            f"copies it connects, publishes and subscribes to the API's channels; {_MODES_FIX}"
        ]
    if why := _unconfigured(own, listed, "a mode of the Event API"):
        return why
    providers = [(f"`{cfg}.authProviders[{i}]`", f"{cfg}.authProviders[{i}].", p.get("authType"), p)
                 for i, p in counted]  # fmt: skip
    found = api_sign_in.appsync_problems(providers, "cognitoConfig", r.input("name"))
    return [f"the Event API: {m}" for m in found] + api_sign_in.shared_name(r, graph)


def namespace(r: ResourceView, graph: StackGraph) -> list[str]:
    modes = _types(r, *_NS_MODES)
    if isinstance(modes, str):
        return [_unreadable(r, modes, "who may publish and subscribe on the namespace")]
    if "API_KEY" in modes:
        return [
            "the channel namespace overrides its API's modes with API_KEY: anyone who copies the key "
            f"publishes or subscribes to its channels; {_MODES_FIX}"
        ]
    if why := next(filter(None, (api_sign_in.unknown_kind("a namespace mode", m) for m in modes)), None):
        return [why]  # round 99: closed world, as on its API
    if why := _of_api(r, graph, "channel namespace"):
        return why
    apis = [a for a in graph.dependency_of(r, "apiId") if a.type == EVENT_API]
    listed = [a.get("eventConfig.authProviders") for a in apis]
    if not listed or any(not isinstance(x, list) for x in listed):
        return []  # not an Event API's namespace, or its API's providers cannot be read (the API blocks)
    return _unconfigured(modes, [p for x in listed for p in x if isinstance(p, dict)], "a namespace mode")


PUBLIC_CHECKS = {
    METHOD: rest_method,
    ROUTE: http_route,
    GRAPHQL: graphql_api,
    DATA_SOURCE: data_source,
    EVENT_API: event_api,
    NAMESPACE: namespace,
    API_KEY: api_key,
    appsync_merged.ASSOCIATION: appsync_merged.association,
}
