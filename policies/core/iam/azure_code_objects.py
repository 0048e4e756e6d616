"""Round 83: Azure code a managed identity runs that is an object a person may write, as iam/code_objects.py
does for AWS. App Service mounts the ZIP a `WEBSITE_RUN_FROM_PACKAGE` URL names at each start ("Run your app
in Azure App Service directly from a ZIP package", through `search`); a Flex Consumption app's instances load
the package of its deployment blob container (`functionAppConfig.deployment.storage`); a container app's
replicas and a web app for containers pull their image by tag from the registry when they start. Whoever may
write such a blob (`blobs/write`, a data action) or push to such a registry (`registries/push/write`, AcrPush)
runs code as the app's identities, without any operation on the app. What cannot be placed (a URL or image
unknown at preview, an account or registry outside the stack) counts for every holder of the operation; an
image pinned by digest, `WEBSITE_RUN_FROM_PACKAGE=1` (a package kept in the app itself) and hosts outside
Azure Storage and Container Registry (written outside Azure RBAC) count for none."""

from __future__ import annotations

import re
from typing import Any

from policies.core.iam.azure_runs_as import _runs, identities
from policies.core.iam.azure_scope import reaches
from policies.core.view import ResourceView, StackGraph, is_unknown

ANY = "*"
PACKAGE = "WEBSITE_RUN_FROM_PACKAGE"
STORAGE, REGISTRY = "azure-native:storage:StorageAccount", "azure-native:containerregistry:Registry"
SETTINGS = ("azure-native:web:WebAppApplicationSettings", "azure-native:web:WebAppApplicationSettingsSlot")
APPS = ("azure-native:web:WebApp", "azure-native:web:WebAppSlot")
CONTAINER_APPS = ("azure-native:app:ContainerApp", "azure-native:app:Job")
# target kind -> (operations that write it, the type holding it, the input naming it)
WRITES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "blob": (("data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",), STORAGE,
             "accountName"),
    "image": (
        (
            "Microsoft.ContainerRegistry/registries/push/write",
            "data:Microsoft.ContainerRegistry/registries/repositories/content/write",
        ),
        REGISTRY,
        "registryName",
    ),
}
_BLOB = re.compile(r"^https://([a-z0-9]+)\.blob\.core\.windows\.net/", re.IGNORECASE)
_ACR = re.compile(r"^([a-z0-9]+)\.azurecr\.io/", re.IGNORECASE)
Targets = dict[str, dict[str, set[str]]]  # kind -> account or registry name (or ANY) -> identity URNs


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v and not is_unknown(v) else None


def _account(value: Any) -> list[str]:
    """The storage account a package or deployment URL lies in: none for `0`/`1` (no URL) or an HTTPS host
    outside Azure Storage; ANY for a value unknown at preview or that is no URL the rule reads (a Key Vault
    reference resolves to a URL only at start)."""
    if value is None:
        return []
    text = (_text(value) or "\0").strip()  # unknown at preview: no URL the rule reads
    if text in ("", "0", "1"):
        return []
    if not text.lower().startswith("https://"):
        return [ANY]
    m = _BLOB.match(text)
    return [m.group(1).lower()] if m else []


def _registry(image: Any) -> list[str]:
    """The registry a tag of `image` may be pushed to (ANY unknown at preview; none pinned by digest)."""
    if _text(image) is None:
        return [ANY] if image is not None else []
    image = image.strip().split("|", 1)[-1]  # `DOCKER|<image>` of a web app's linuxFxVersion
    m = _ACR.match(image)
    return [m.group(1).lower()] if m and "@sha256:" not in image else []


def _package_settings(graph: StackGraph) -> dict[str, list[Any]]:
    """WEBSITE_RUN_FROM_PACKAGE values of the settings resources, by the app's URN or lower-case name."""
    out: dict[str, list[Any]] = {}
    for s in graph.by_type(*SETTINGS):
        props = s.input("properties")
        value = props.get(PACKAGE) if isinstance(props, dict) else None
        keys = [d.urn for d in graph.dependency_of(s, "name")] or [str(s.input("name")).lower()]
        for k in keys:
            out.setdefault(k, []).append(value)
    return out


def _app_objects(app: ResourceView, settings: dict[str, list[Any]]) -> list[tuple[str, str]]:
    site = app.input("siteConfig")
    site = site if isinstance(site, dict) else {}
    values = [*settings.get(app.urn, ()), *settings.get(str(app.input("name")).lower(), ())]
    pairs = site.get("appSettings")
    pairs = pairs if isinstance(pairs, list) else []
    values += [p.get("value") for p in pairs if isinstance(p, dict) and p.get("name") == PACKAGE]
    config = app.input("functionAppConfig")
    storage = (config.get("deployment") or {}).get("storage") if isinstance(config, dict) else None
    values += [storage.get("value")] if isinstance(storage, dict) else []
    out = [("blob", a) for v in values for a in _account(v)]
    images = [site.get("linuxFxVersion"), site.get("windowsFxVersion")]
    return out + [("image", r) for i in images if _text(i) and "|" in i for r in _registry(i)]


def _container_objects(app: ResourceView) -> list[tuple[str, str]]:
    template = app.input("template")
    if not isinstance(template, dict):
        return [("image", ANY)] if template is not None else []
    containers = [*(template.get("containers") or ()), *(template.get("initContainers") or ())]
    return [("image", r) for c in containers if isinstance(c, dict) for r in _registry(c.get("image"))]


def _targets(graph: StackGraph) -> Targets:
    """Every package, container or image an identity runs, by kind and name, once per stack."""
    def build() -> Targets:
        out: Targets = {kind: {} for kind in WRITES}
        settings = _package_settings(graph)
        for app in graph.by_type(*APPS, *CONTAINER_APPS):
            ids = identities(graph, app)
            objects = _app_objects(app, settings) if app.type in APPS else _container_objects(app)
            for kind, name in objects if ids else ():
                out[kind].setdefault(name, set()).update(ids)
        return out

    return graph.once("azure-code-objects", build)


def _holders(graph: StackGraph, kind: str, name: str) -> list[ResourceView]:
    """The stack's accounts or registries of that name (none: outside the stack, or ANY), indexed once."""
    def build() -> dict[str, list[ResourceView]]:
        _, type_, fld = WRITES[kind]
        out: dict[str, list[ResourceView]] = {}
        for r in graph.by_type(type_):
            out.setdefault(str(r.input(fld)).lower(), []).append(r)
        return out

    return graph.once(f"azure-code-holders:{kind}", build).get(name, [])


def inherit_written(graph: StackGraph, roles: dict[str, list], workloads: dict[str, set[str]],
                    held: dict[str, set[str]], uses: dict[str, bool]) -> None:
    """Add to each person the functions and key use of the identities whose code it may write (cost: the
    operations judged once per role and kind; per person holding one, the targets of that kind)."""
    targets = _targets(graph)
    for key, assigned in roles.items():
        for kind, (ops, _, _) in WRITES.items():
            able = [a for perms, a in assigned if _runs(perms, ops)] if targets[kind] else []
            for name, ids in targets[kind].items() if able else ():
                holders = _holders(graph, kind, name)
                if holders and not any(reaches(graph, a, h) for a in able for h in holders):
                    continue
                for i in ids:
                    got = workloads.get(i, set())
                    held.setdefault(key, set()).update(got - {"use"})
                    uses[key] = uses.get(key, False) or "use" in got
