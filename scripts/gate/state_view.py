"""A read-only view of a checkpoint (the `pulumi stack export` shape, version 3) for the policy host.

Both evaluation modes read resources through this view, so they see the same resources, providers,
options and property values: numbers as floats and secrets unwrapped, exactly as a policy sees them
after the CLI sent them through a protobuf Struct.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

from pulumi_policy.proxy import _DictProxy, _ListProxy, _raise_if_unknown

from gate.errors import UsageError
from gate.redaction import REDACTED
from gate.wire import SECRET_SIG, SIG_KEY

STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(slots=True)
class StateResource:
    """One live (not pending-delete) resource of the checkpoint."""

    index: int
    urn: str
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent: str
    provider_urn: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    raw: dict[str, Any]

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")


def index_state(state: Any, source: str = "state") -> list[StateResource]:
    """The checkpoint's live resources in order; a file that is not a checkpoint is bad input."""
    deployment = state.get("deployment") if isinstance(state, dict) else None
    if not isinstance(deployment, dict):
        raise UsageError(f"{source}: not a Pulumi checkpoint (no `deployment` object)")
    resources = deployment.get("resources")
    resources = [] if resources is None else resources
    if not isinstance(resources, list):
        raise UsageError(f"{source}: deployment.resources: expected a list")
    out: list[StateResource] = []
    providers: dict[str, str] = {}   # provider reference -> its URN, one string for all its resources
    for i, r in enumerate(resources):
        if not isinstance(r, dict) or not isinstance(r.get("urn"), str) or not isinstance(r.get("type"), str):
            raise UsageError(f"{source}: deployment.resources[{i}]: expected an object with `urn` and `type`")
        if r.get("delete"):
            continue
        provider = r.get("provider")
        if isinstance(provider, str) and "::" in provider:
            if provider not in providers:
                providers[provider] = provider.rsplit("::", 1)[0]
            provider = providers[provider]
        else:
            provider = ""
        out.append(StateResource(
            index=len(out),
            urn=r["urn"],
            type=r["type"],
            name=r["urn"].rsplit("::", 1)[-1],
            custom=bool(r.get("custom", False)),
            inputs=_as_dict(r.get("inputs")),
            outputs=_as_dict(r.get("outputs")),
            parent=r.get("parent") or "",
            provider_urn=provider,
            dependencies=_strings(r.get("dependencies")),
            property_dependencies=_property_dependencies(r.get("propertyDependencies")),
            raw=r,
        ))
    return out


_NONE: dict[str, list[str]] = {}
_STR = {str}


def _property_dependencies(value: Any) -> dict[str, list[str]]:
    """URN lists per property: the checkpoint's own object where every value is a list of strings (the
    usual case, empty lists included: every reader skips those), else a copy of the non-empty string
    lists. No copy per resource of a realistic state. Read-only, like the rest of the state."""
    if not value or not isinstance(value, dict):
        return _NONE
    if all(type(v) is list and set(map(type, v)) <= _STR for v in value.values()):
        return value
    return {k: _strings(v) for k, v in value.items() if v}


def _strings(value: Any) -> list[str]:
    if not value or not isinstance(value, list):
        return []
    return value if all(type(x) is str for x in value) else [x for x in value if isinstance(x, str)]


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def stack_props(r: StateResource) -> dict[str, Any]:
    """What a stack policy sees: the outputs (inputs propagate to outputs during preview)."""
    return {**r.inputs, **r.outputs} if r.outputs else r.inputs


def wire_value(value: Any) -> Any:
    """The value as the CLI marshals it (KeepSecrets): a secret without a readable value is redacted."""
    t = type(value)
    if t is dict:
        if value.get(SIG_KEY) == SECRET_SIG and "value" not in value:
            return {SIG_KEY: SECRET_SIG, "value": REDACTED}
        return {k: wire_value(v) for k, v in value.items()}
    if t is list:
        return [wire_value(v) for v in value]
    return value


def plain(value: Any) -> Any:
    """The value as a policy sees it after a Struct round trip and pulumi_policy's deserialization."""
    t = type(value)
    if t is str or t is bool or value is None or t is float:
        return value
    if t is int:
        return float(value)
    if t is list:
        return [plain(v) for v in value]
    if t is dict:
        sig = value.get(SIG_KEY)
        if sig is None:
            return {k: plain(v) for k, v in value.items()}
        if sig == SECRET_SIG:
            return plain(value["value"]) if "value" in value else REDACTED
        from pulumi_policy.deserialize import _deserialize_property  # assets and archives, rare

        return _deserialize_property(wire_value(value))
    return value


# The property path each proxy carries is only read (copied when an unknown value is reported), so one
# list serves every proxy at that path, in every resource (`tags`, `tags.0`, ...): not one list each.
_PATHS: dict[tuple[str, ...], list[str]] = {}
_ROOT: list[str] = []


def _path(path: list[str], key: Any) -> list[str]:
    key = (*path, str(key))
    found = _PATHS.get(key)
    if found is None:
        found = _PATHS[key] = list(key)
    return found


def proxied(value: Any, path: list[str] | None = None) -> Any:
    """`unknown_checking_proxy(plain(value))` as a policy reads it, without copying the state (round 29).

    The top-level value of a view is a `_DictProxy` over a fresh dict of its converted values; each container
    below it is a `StateDict`/`StateList` over the state's own container, converting what is read: an integer
    as a float (the CLI's Struct has only doubles), a container as a proxy carrying its property path (an
    unknown value raises UnknownValueError naming it), a secret as its value. Before round 29 every container
    holding a container or an integer was copied, so most of the state existed twice.
    """
    path = _ROOT if path is None else path
    t = type(value)
    if t is dict and SIG_KEY in value:
        value = plain(value)
        t = type(value)
    if t is dict:
        return _DictProxy({k: _read(v, path, k) for k, v in value.items()}, path)
    if t is list:
        return _ListProxy([_read(v, path, i) for i, v in enumerate(value)], path)
    return plain(value)


def _read(v: Any, path: list[str], key: Any) -> Any:
    """A value of the state's container as its proxy hands it out (no unknown check)."""
    t = type(v)
    if t is dict:
        if SIG_KEY in v:   # a secret: its value (a copy, plain has no signature left), an asset, an archive
            return _read(plain(v), path, key)
        return StateDict(v, _path(path, key))
    if t is list:
        return StateList(v, _path(path, key))
    if t is int:
        return float(v)
    return v


def _plain_inside(values: Any) -> bool:
    """Nothing in it would read differently: no container, integer or secret (tags, lists of strings)."""
    for v in values:
        t = type(v)
        if t is dict or t is list or t is int:
            return False
    return True


class StateDict(_DictProxy):
    """pulumi_policy's dict proxy over the state's own dict, converting each value when it is read (`_read`).

    `proxy["__target"]` (pulumi_policy's own escape hatch, which the pack's accessor
    `policies.core.proxy_attrs.proxy_target` reads) is the dict a copying proxy would have held: the state's
    own when nothing in it converts, else a fresh shallow copy. Read-only: the state is never written through
    it.
    """

    def __getitem__(self, key: Any) -> Any:
        if key == "__target":
            target = self._DictProxy__target
            if _plain_inside(target.values()):
                return target
            path = self._DictProxy__props_acc
            return {k: _read(v, path, k) for k, v in target.items()}
        path = self._DictProxy__props_acc
        return _raise_if_unknown(key, _read(self._DictProxy__target[key], path, key), path)

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError("the state is read-only: a policy cannot set an input")


class StateList(_ListProxy):
    """pulumi_policy's list proxy over the state's own list, converting each item when read (`_read`)."""

    def __getitem__(self, key: Any) -> Any:
        target = self._ListProxy__target
        path = self._ListProxy__props_acc
        if type(key) is slice:   # a list of what the items read as, as a copying proxy's slice was
            return [_read(v, path, i) for i, v in enumerate(target)][key]
        if key == "__target":
            return target if _plain_inside(target) else [_read(v, path, i) for i, v in enumerate(target)]
        i = operator.index(key)
        value = target[i]          # IndexError ends a Sequence's iteration, as on a list
        return _raise_if_unknown(key, _read(value, path, i + len(target) if i < 0 else i), path)


_MISSING = object()


def inputs_view(r: StateResource, merged: Any) -> Any:
    """`proxied(r.inputs)`, reusing the sub-proxies of the stack view (`proxied(stack_props(r))`) for every
    input its output did not replace (absent, or the same object: gate.state_load shares equal ones)."""
    target = merged._DictProxy__target
    outputs = r.outputs
    props = {}
    for k, v in r.inputs.items():
        o = outputs.get(k, _MISSING)
        props[k] = target[k] if o is _MISSING or o is v else _read(v, _ROOT, k)
    return _DictProxy(props, [])


def resource_option(r: StateResource, key: str, default: Any) -> Any:
    value = r.raw.get(key)
    return default if value is None else value


def custom_timeouts(r: StateResource) -> tuple[float, float, float]:
    ct = r.raw.get("customTimeouts")
    if not ct or not isinstance(ct, dict):
        return (0.0, 0.0, 0.0)
    return tuple(_seconds(ct.get(k)) for k in ("create", "update", "delete"))  # type: ignore[return-value]


def _seconds(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def aliases(r: StateResource) -> list[str]:
    found = r.raw.get("aliases")
    return [a for a in found if isinstance(a, str)] if found and isinstance(found, list) else []


def summarize(resources: list[StateResource]) -> tuple[dict[str, int], dict[str, int]]:
    """Resources per type, and per effective region for custom non-provider resources.

    Region = the resource's own `region`/`location` input, else its provider's; "unknown" when neither.
    """
    by_urn = {r.urn: r for r in resources}
    types: dict[str, int] = {}
    regions: dict[str, int] = {}
    for r in resources:
        types[r.type] = types.get(r.type, 0) + 1
        if not r.custom or r.is_provider:
            continue
        region = _region_of(r.inputs)
        if region is None and r.provider_urn in by_urn:
            region = _region_of(by_urn[r.provider_urn].inputs)
        key = region or "unknown"
        regions[key] = regions.get(key, 0) + 1
    return dict(sorted(types.items())), dict(sorted(regions.items()))


def _region_of(inputs: dict[str, Any]) -> str | None:
    for key in ("region", "location"):
        value = inputs.get(key)
        if isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
            value = value.get("value")
        if isinstance(value, str) and value and not value.startswith("04da6b54-"):
            return _normalize_region(value) if key == "location" else value
    return None


def _normalize_region(location: str) -> str:
    """Azure takes display names ("West Europe") and names ("westeurope") alike; show the name."""
    return location.replace(" ", "").replace("-", "").lower()
