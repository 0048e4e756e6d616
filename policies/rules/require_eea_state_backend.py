"""The stack's state (every input, output and config value) lives in the EEA and its secrets are encrypted
with a key the controller holds in the EEA (DPA art. 12, CLOUD "Servers").

Judged once per stack from the project's files (policies/core/backend.py): the backend URL(s) and the
secrets provider. Pulumi Cloud (the default when nothing is chosen) is outside the EEA unless an EEA-hosted
instance is declared in stacks/records/endpoints.yaml; a `${{ ... }}` value in a workflow is decided outside
the repository and cannot be judged; passphrase/default secrets are refused for confidential stacks.
"""

from __future__ import annotations

from policies.core.backend import (
    CONFIDENTIAL,
    PROJECT_DIRS_SCHEMA,
    parse_backend,
    project_dir,
    state_settings,
    unlisted,
)
from policies.core.destinations import judge_local, region_of
from policies.core.location import allowed, region_verdict
from policies.core.records import load_pia
from policies.core.references import Ref
from policies.core.rule import Rule, RuleContext
from policies.core.view import StackGraph


def _place(what: str, scheme: str, host: str, region: str | None, ctx: RuleContext) -> str | None:
    if region:
        placed = region_of(region)
        return region_verdict(*placed, what, allowed(ctx)) if placed else f"{what}: {region!r} is no region"
    if host:
        o = judge_local(Ref(what, "host", host), ctx, "the state is kept there")
        return o.problem or (
            f"{what}: {host} is not a declared endpoint with a region" if o.deferred else None
        )
    return f"{what}: the {scheme or 'given'} location states no region, so the state cannot be placed"


def _backend(source: str, url: str, ctx: RuleContext) -> str | None:
    what = f"state backend {url!r} ({source})"
    if "${{" in url or url.startswith("$"):
        return f"{what} is decided outside the repository; set it in Pulumi.yaml backend.url"
    scheme, host, region = parse_backend(url)
    if scheme in ("file", ""):
        return f"{what} keeps the state on whatever machine runs Pulumi, which no policy can place"
    return _place(what, scheme, host, region, ctx)


def _secrets(
    provider: str | None, salt: bool, source: str, classification: str, ctx: RuleContext
) -> str | None:
    if provider is None or provider in ("passphrase", "default") or provider.startswith("passphrase"):
        if classification not in CONFIDENTIAL:
            return None
        how = "a passphrase" if salt or provider == "passphrase" else "the backend's default key"
        return (
            f"{source}: secrets of this {classification} stack are encrypted with {how}, not a key the "
            "controller holds; set `secretsprovider` to an awskms:// or azurekeyvault:// key in the EEA"
        )
    scheme, host, region = parse_backend(provider)
    if scheme not in ("awskms", "azurekeyvault"):
        return f"{source}: secrets provider {scheme}:// cannot be placed in the EEA"
    return _place(f"secrets provider {provider!r} ({source})", scheme, host, region, ctx)


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    where = project_dir(ctx.config)
    if where is None:
        return [("", unlisted() + ", so where its state and secrets are kept cannot be judged")]
    s = state_settings(str(where), ctx.stack)
    out = [("", p) for p in s.problems]
    if not s.backends:
        out.append(
            (
                "",
                "no state backend is chosen (Pulumi.yaml backend.url), so the CLI's default, the hosted "
                "Pulumi Cloud outside the EEA, would keep the state",
            )
        )
    out += [("", m) for src, url in s.backends if (m := _backend(src, url, ctx))]
    msg = _secrets(s.secrets_provider, s.encryption_salt, s.source, _classification(graph, ctx), ctx)
    return out + ([("", msg)] if msg else [])


def _classification(graph: StackGraph, ctx: RuleContext) -> str:
    """The stack's PIA classification, raised by any resource tagged `classification: vertrouwelijk` (or
    above): its config and state hold that data's settings and secrets even without a PIA record."""
    recorded = load_pia(ctx.stack).classification
    if recorded in CONFIDENTIAL:
        return recorded
    for r in graph.resources:
        tags = r.tag_info[0]
        if isinstance(tags, dict) and tags.get("classification") in CONFIDENTIAL:
            return tags["classification"]
    return recorded


RULE = Rule(
    id="require-eea-state-backend",
    title="The stack's state and the key of its secrets are kept in allowed EEA regions.",
    severity="critical",
    remediation="Set Pulumi.yaml backend.url to a bucket/container in an allowed region (stacks/bootstrap "
    "creates them), the stack's `secretsprovider` to an EEA KMS/Key Vault key, and no other backend in CI.",
    controls=("LOC-02",),
    check=check,
    module=__name__,
    scope="stack",
    config_schema={**PROJECT_DIRS_SCHEMA, "allowedRegions": {"type": "array", "items": {"type": "string"}}},
    waivable=False,
)
