"""A provider sends its API traffic (and with it every resource's data) only to allowed EEA endpoints:
`endpoints` overrides, proxies, assume-role targets in other partitions, STS regions, Azure environments and
metadata hosts are locations too, and so is where the plugin binary comes from (DPA art. 12, CLOUD
"Servers"). A bad provider blocks every resource that uses it, before it is created (resource scope:
CrossGuard hands each resource its provider's inputs).
"""

from __future__ import annotations

from policies.core.destinations import LocalJudge
from policies.core.location import ALLOWED_REGIONS_SCHEMA
from policies.core.provider_refs import provider_references
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView

_AZURE_PUBLIC = frozenset({"", "public", "global", "azurecloud", "azurepubliccloud"})
# Providers that choose a Microsoft cloud by `environment`: azure-native, azuread (`global`/`public` is the
# public cloud; `china`, `usgovernment*` are national clouds), azure classic.
_AZURE_FAMILY = frozenset(
    {"pulumi:providers:azure-native", "pulumi:providers:azuread", "pulumi:providers:azure"}
)
_WHAT = "the provider sends API traffic there"


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    p = view.provider
    if p is None:
        return []
    out: list[str] = []
    judge = LocalJudge(ctx, _WHAT)
    for ref in provider_references(view):
        o = judge(ref)
        if o.problem:
            out.append(o.problem)
        elif o.deferred:
            shown = repr(ref.value) if ref.kind not in ("unknown", "secret") else f"({ref.kind})"
            out.append(
                f"`{ref.path}` = {shown} is not a regional endpoint of an allowed region nor a "
                "declared external endpoint, so where the provider sends traffic cannot be judged"
            )
    url = p.inputs.get("pluginDownloadURL")
    if url:  # the provider binary itself: a build from elsewhere can send API traffic and data anywhere
        out.append(
            f"`provider.pluginDownloadURL` = {url!r}: the provider plugin is not Pulumi's release of "
            f"{p.type.rsplit(':', 1)[-1]}, and what a provider binary from elsewhere sends where cannot be "
            "judged; use the released plugin (no pluginDownloadURL)"
        )
    if p.type in _AZURE_FAMILY:
        env = p.inputs.get("environment")
        if isinstance(env, str) and env.lower().replace(" ", "") not in _AZURE_PUBLIC:
            out.append(
                f"`provider.environment` = {env!r}: a sovereign/national Azure cloud outside the EEA "
                "public regions"
            )
    return out


RULE = Rule(
    id="require-eea-provider-endpoints",
    title="Every provider sends its API traffic to endpoints in allowed EEA regions.",
    severity="critical",
    remediation="Remove the provider's endpoint/proxy overrides or point them at regional endpoints of an "
    "allowed region (or a declared EEA endpoint); assume roles in the `aws` partition; use the public "
    "Azure cloud.",
    controls=("LOC-02",),
    check=check,
    module=__name__,
    config_schema=ALLOWED_REGIONS_SCHEMA,
    waivable=False,
)
