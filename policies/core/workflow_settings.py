"""Endpoints a Logic App Standard assembles from its app settings (round 52).

A workflow app's `connections.json` (deployed in its zip, which the pack never sees) can join a service
endpoint from two settings: `@{appsetting('sqlServerName')}.@{appsetting('sqlServerSuffix')}`. Neither value
alone is a place: a bare name, and a service suffix (`database.windows.net`, also a token audience). A
setting holding only an Azure service suffix is read as such a join: with each setting of the same stem that
names a resource by a bare name (`sqlServerName`, not `sqlServerPort`), it makes the host judged
(`<name>.database.windows.net`: the stack's server, or blocked); with none, it blocks: the pack cannot tell
which name is joined to it. Settings applied on their own (`WebAppApplicationSettings`) do not say which app
they are for: read there as well. Round 53: the suffix setting is judged only so, not also as a host on its
own (`servicebus.windows.net` alone blocked the stack's own namespace joined to it). Round 54: a workflow app
hosted on Container Apps (`ContainerApp` of kind workflowapp) holds its settings as its containers' `env`.
"""

from __future__ import annotations

import re
from typing import Any

from policies.core.azure_hosts import AZURE_HOSTS
from policies.core.view import ResourceView, is_unknown

Found = list[tuple[str, str, str]]  # (path, kind, value)
_CONTAINER_APP = "azure-native:app:ContainerApp"
_APP_TYPES = frozenset({"azure-native:web:WebApp", "azure-native:web:WebAppSlot", _CONTAINER_APP})
_SETTINGS_TYPES = frozenset(
    {"azure-native:web:WebAppApplicationSettings", "azure-native:web:WebAppApplicationSettingsSlot"})
SETTINGS_TYPES = _APP_TYPES | _SETTINGS_TYPES
_SUFFIXES = frozenset(s[1:] for s in AZURE_HOSTS) | {"core.windows.net"}
_STEM_END = re.compile(r"(?i)[_-]?(?:endpoint|dns|host)?[_-]?(?:suffix|domain)$")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.I)
# What a setting of the suffix's stem is called when it holds the resource's name (not its port or pool size)
_NAME_ENDS = frozenset({"", "name", "namespace", "namespacename", "account", "accountname", "server",
                        "servername", "host", "hostname"})


def _settings(view: ResourceView) -> list[tuple[str, str, Any]]:
    """(path, name, value) of the app settings a workflow app (or a settings resource) holds."""
    if view.type in _SETTINGS_TYPES:
        props = view.input("properties")
        return [(f"properties.{k}", k, v) for k, v in props.items()] if isinstance(props, dict) else []
    if "workflowapp" not in str(view.input("kind") or "").lower():
        return []
    if view.type == _CONTAINER_APP:
        return [(f"template.containers.{i}.{path}", name, value) for i, c in enumerate(_containers(view))
                for path, name, value in _named(c.get("env"), "env")]
    return _named(view.get("siteConfig.appSettings"), "siteConfig.appSettings")


def _containers(view: ResourceView) -> list[dict[str, Any]]:
    listed = view.get("template.containers")
    return [c for c in listed if isinstance(c, dict)] if isinstance(listed, list) else []


def _named(listed: Any, at: str) -> list[tuple[str, str, Any]]:
    """(path, name, value) of a list of `{name, value}` settings."""
    return [(f"{at}.{i}.value", s["name"], s.get("value")) for i, s in enumerate(listed)
            if isinstance(s, dict) and isinstance(s.get("name"), str)] if isinstance(listed, list) else []


def _norm(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def _suffix(value: Any) -> str | None:
    """The Azure service suffix a setting's value holds alone, if it does."""
    suffix = value.strip().strip(".").lower() if isinstance(value, str) else None
    return suffix if suffix in _SUFFIXES else None


def without_suffix_settings(view: ResourceView, inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs scanned for references: a workflow app's settings holding only a service suffix are left
    out (split_endpoint_refs judges each joined with the names beside it, or blocks it alone)."""
    suffixes = {name for _, name, value in _settings(view) if _suffix(value)}
    if not suffixes:
        return inputs
    if view.type in _SETTINGS_TYPES:
        return {**inputs, "properties": {k: v for k, v in inputs["properties"].items() if k not in suffixes}}

    def kept(listed: list[Any]) -> list[Any]:
        return [s for s in listed if not (isinstance(s, dict) and s.get("name") in suffixes)]

    if view.type == _CONTAINER_APP:
        containers = [{**c, "env": kept(c["env"])} if isinstance(c, dict) and isinstance(c.get("env"), list)
                      else c for c in inputs["template"]["containers"]]
        return {**inputs, "template": {**inputs["template"], "containers": containers}}
    site = inputs["siteConfig"]
    return {**inputs, "siteConfig": {**site, "appSettings": kept(site["appSettings"])}}


def split_endpoint_refs(view: ResourceView) -> Found:
    """(path, kind, value) of the hosts a workflow app's settings make together, or why they cannot."""
    settings = _settings(view)
    found: Found = []
    for path, name, value in settings:
        if not (suffix := _suffix(value)):
            continue
        stem = _STEM_END.sub("", name)
        labels = [v for _, n, v in settings if n != name and stem and _norm(n).startswith(_norm(stem))
                  and _norm(n)[len(_norm(stem)):] in _NAME_ENDS
                  and isinstance(v, str) and not is_unknown(v) and _LABEL.match(v)]
        found += [(path, "host", f"{v}.{suffix}".lower()) for v in labels] or [(path, "site", (
            f"the app setting {name!r} holds only the service suffix {suffix!r}, which a workflow's "
            "connections.json joins to a name held elsewhere, so the endpoint cannot be judged; name the "
            f"endpoint whole in one setting, or its resource in a setting `{stem or 'x'}Name` beside it"
        ))]
    return found
