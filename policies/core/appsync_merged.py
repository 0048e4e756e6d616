"""AppSync merged APIs (round 100). A merged API (`apiType: MERGED`) imports the schema, resolvers, functions
and data sources of the source APIs associated with it (`aws:appsync/sourceApiAssociation`) and serves them
on its own endpoint under its own modes (the installed SDK's docstrings; AWS's merged-API pages in the docs
corpus). So whoever the merged API signs in reaches what each source API reads: an association is judged by
the merged API's providers against the source API's name, as round 99 judges an API's providers against its
own (a public provider must be recorded for the source API too). Closed world: an association whose merged
or source API is not one GraphQL API of this stack blocks."""

from __future__ import annotations

from policies.core import api_sign_in
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

GRAPHQL = "aws:appsync/graphQLApi:GraphQLApi"
ASSOCIATION = "aws:appsync/sourceApiAssociation:SourceApiAssociation"
Provider = tuple[str, str, object, dict]


def graphql_providers(r: ResourceView) -> list[Provider] | None:
    """A GraphQL API's providers (where its kind is named, its settings' path, kind, settings): the primary
    and each additional one; None when a mode cannot be read."""
    extra = r.input("additionalAuthenticationProviders")
    if is_unknown(r.input("authenticationType")) or is_unknown(extra):
        return None
    more = [x if isinstance(x, dict) else {} for x in (extra if isinstance(extra, list) else [])]  # {} blocks
    own = {k: r.input(k) for k in ("userPoolConfig", "openidConnectConfig", "lambdaAuthorizerConfig")}
    providers: list[Provider] = [("`authenticationType`", "", r.input("authenticationType"), own)] + [
        (f"`{at}.authenticationType`", f"{at}.", p.get("authenticationType"), p)
        for i, p in enumerate(more)
        for at in [f"additionalAuthenticationProviders[{i}]"]
    ]
    return None if any(is_unknown(kind) for _, _, kind, _ in providers) else providers


def _end(r: ResourceView, graph: StackGraph, side: str) -> ResourceView | str:
    """The one GraphQL API of the stack the association's `<side>ApiId`/`<side>ApiArn` is computed from."""
    apis = {a.urn: a for f in (f"{side}ApiId", f"{side}ApiArn") for a in graph.dependency_of(r, f)}
    found = [a for a in apis.values() if a.type == GRAPHQL]
    if len(found) == 1 and len(apis) == 1:
        return found[0]
    what = "who may call the merged API" if side == "merged" else "what the merged API serves"
    return (
        f"the source API association's `{side}ApiId` (or `{side}ApiArn`) is not an output of one GraphQL API "
        f"of this stack, so {what} cannot be judged; create it with "
        f"`{side}_api_id=<the stack's GraphQLApi>.id`"
    )


def association(r: ResourceView, graph: StackGraph) -> list[str]:
    merged, source = _end(r, graph, "merged"), _end(r, graph, "source")
    if isinstance(merged, str) or isinstance(source, str):
        return [m for m in (merged, source) if isinstance(m, str)][:1]
    providers = graphql_providers(merged)
    if providers is None:
        return [unknown_message("authenticationType", "whom the merged API signs in")]
    found = api_sign_in.appsync_problems(providers, "userPoolConfig", source.input("name"))
    return [
        f"the merged API {merged.input('name')!r} ({merged.name}) serves the source API "
        f"{source.input('name')!r} ({source.name}) under its own modes: {m}"
        for m in found
    ]
