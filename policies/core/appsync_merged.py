"""AppSync merged APIs (round 100). A merged API (`apiType: MERGED`) imports the schema, resolvers, functions
and data sources of the source APIs associated with it (`aws:appsync/sourceApiAssociation`) and serves them
on its own endpoint under its own modes (the installed SDK's docstrings; AWS's merged-API pages in the docs
corpus). So whoever the merged API signs in reaches what each source API reads: an association is judged by
the merged API's providers against the source API's name, as round 99 judges an API's providers against its
own (a public provider must be recorded for the source API too). Closed world: an association whose merged
or source API is not one GraphQL API of this stack blocks, and (round 101) so does one whose source API is
itself a merged API."""

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


def _merged_source(source: ResourceView) -> str | None:
    """Round 101: a source that is (or may be) a merged API serves its own sources, which an association is
    not judged against; AWS's pages describe a source as a GraphQL API and do not say whether a merged API may
    be one, so it blocks (closed world)."""
    kind = source.input("apiType")
    if kind is None or (not is_unknown(kind) and str(kind).upper() == "GRAPHQL"):
        return None
    what = f"has the `apiType` {kind!r}, which the pack does not know"
    if is_unknown(kind):
        what = "has an `apiType` known only at update (it may be a merged API)"
    elif str(kind).upper() == "MERGED":
        what = f"is itself a merged API (`apiType: {kind}`)"
    return (
        f"the source API {source.input('name')!r} ({source.name}) {what}: the sources merged into it are "
        "not judged through a second merge, so what the merged API serves cannot be judged; associate each "
        "source API with the merged API directly"
    )


def association(r: ResourceView, graph: StackGraph) -> list[str]:
    merged, source = _end(r, graph, "merged"), _end(r, graph, "source")
    if isinstance(merged, str) or isinstance(source, str):
        return [m for m in (merged, source) if isinstance(m, str)][:1]
    if why := _merged_source(source):
        return [why]
    providers = graphql_providers(merged)
    if providers is None:
        return [unknown_message("authenticationType", "whom the merged API signs in")]
    found = api_sign_in.appsync_problems(providers, "userPoolConfig", source.input("name"))
    return [
        f"the merged API {merged.input('name')!r} ({merged.name}) serves the source API "
        f"{source.input('name')!r} ({source.name}) under its own modes: {m}"
        for m in found
    ]
