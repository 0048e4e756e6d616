"""The references of a provider's inputs: where a provider sends its API traffic (endpoint overrides,
proxies, assumed roles, Azure metadata hosts). Judged by require-eea-provider-endpoints for every resource
that uses the provider; an input the pack cannot read outside the provider's identity fails closed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy.secret import Secret as _Secret

from policies.core.documents import unproxied
from policies.core.references import REDACTED, Ref, scan
from policies.core.view import SECRET_SIG_KEY, UNKNOWN_VALUES, ResourceView


def provider_references(view: ResourceView) -> list[Ref]:
    """The references of the inputs of the provider a resource uses (computed once per provider)."""
    p = view.provider
    if p is None:
        return []
    d = p.__dict__
    refs = d.get("_refs")
    if refs is None:  # its own region/location is judged by require-eea-location
        own = {k: v for k, v in p.inputs.items() if k not in ("region", "location", "version")}
        refs = [r for r in scan(own, "provider") if r.kind != "opaque"]  # _opaque below judges those
        seen = {r.path for r in refs if r.kind in ("unknown", "secret")}
        for key, value in own.items():
            if key not in PROVIDER_IDENTITY_KEYS:
                refs += [r for r in _opaque(value, f"provider.{key}") if r.path not in seen]
        d["_refs"] = refs
    return refs


# Provider inputs that say who the provider acts as, not where it sends traffic: an unknown or secret value
# there is normal (credentials from a vault). Anywhere else (an endpoint override, a proxy, an assumed role,
# an Azure metadata host) a value the pack cannot read could send the traffic anywhere: it fails closed.
PROVIDER_IDENTITY_KEYS = frozenset(
    {
        "accessKey", "secretKey", "token", "profile", "sharedCredentialsFiles", "sharedConfigFiles",
        "allowedAccountIds", "forbiddenAccountIds", "defaultTags", "ignoreTags",
        "clientId", "clientSecret", "clientCertificatePassword", "clientCertificate", "oidcToken",
        "tenantId", "subscriptionId", "auxiliaryTenantIds", "useMsi", "useOidc", "partnerId",
    }
)


def _opaque(value: Any, path: str) -> Iterator[Ref]:
    """Unknown and unreadable secret values inside `value`, as references that cannot be placed."""
    value = unproxied(value)
    t = type(value)
    if t is str:
        if value in UNKNOWN_VALUES:
            yield Ref(path, "unknown", value)
        elif value == REDACTED:
            yield Ref(path, "secret", "")
    elif t is _Secret:
        yield from _opaque(value.value, path)
    elif t is dict:
        if SECRET_SIG_KEY in value:
            yield from _opaque(value.get("value", REDACTED), path)
        else:
            for k, v in value.items():
                yield from _opaque(v, f"{path}.{k}")
    elif t is list:
        for i, v in enumerate(value):
            yield from _opaque(v, f"{path}.{i}")
