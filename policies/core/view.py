"""A pure, read-only view of one resource (and of the whole stack) for rules.

Built from pulumi_policy arguments (real CLI or the offline gate) or directly in tests. pulumi_policy
wraps inputs in a proxy that raises on values unknown during preview, and the CLI then only prints an
advisory "can't run policy" note: it fails open. The view unwraps the proxy to the raw values so rules
see the unknown sentinels themselves and fail closed with a message naming the field.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pulumi.runtime.rpc import _special_sig_key as SECRET_SIG_KEY
from pulumi_policy import proxy as _proxy
from pulumi_policy.proxy import _DictProxy, _ListProxy
from pulumi_policy.secret import Secret as _Secret

from policies.core.flat_targets import flat_target
from policies.core.one_or_many import RefIndex, add, values
from policies.core.proxy_attrs import PROXIES, proxy_target

# The wire values come from the SDKs (one home): pulumi_policy's sentinels for a value that preview could
# not know yet (one per kind: boolean, number, string, array, asset, archive, object), and the Pulumi
# signature key that marks a secret.
UNKNOWN_VALUES: frozenset[str] = frozenset(
    getattr(_proxy, n) for n in dir(_proxy) if n.startswith("UNKNOWN_") and n.endswith("_VALUE")
)
UNKNOWN: str = _proxy.UNKNOWN_STRING_VALUE
_NAME_KEYS = (
    "name",
    "resourceGroupName",
    "accountName",
    "serverName",
    "vaultName",
    "bucket",
    "workspaceName",
    "identifier",
)
_PLAIN_LEAVES = frozenset({str, float, bool, int, type(None)})  # what plain() returns as it is
_SCALARS = (str, int, float, bool, list)
_PLAIN_SCALARS = frozenset({str, int, float, bool})  # plain() returns these as they are
_MISSING = object()
_NO_TAGS = (None, None)


def is_unknown(value: Any) -> bool:
    """True for a preview-unknown sentinel."""
    return isinstance(value, str) and value in UNKNOWN_VALUES


def plain(value: Any) -> Any:
    """The raw value behind pulumi_policy's unknown-checking proxies (and secret wrappers).

    Plain dicts/lists are returned as they are (no copy): only proxies are unwrapped. Hot path of every
    evaluation: type checks by identity, the proxies' private target read directly.
    """
    tv = type(value)
    if tv is _DictProxy or tv is _ListProxy:
        return _plain_proxy(value)
    if tv is dict:
        if SECRET_SIG_KEY in value:
            return plain(value.get("value"))
        return value
    if tv is _Secret:
        return plain(value.value)
    if tv in _SCALARS or value is None:
        return value
    if isinstance(value, PROXIES):  # the gate's proxies over the state's own containers (round 29)
        return _plain_proxy(value)
    if isinstance(value, Mapping):  # another mapping type: copy it plainly
        return {k: plain(value[k]) for k in value}
    return value


def _plain_proxy(value: Any) -> Any:
    held = proxy_target(value)   # what the proxy hands out, without its unknown check
    if type(held) is dict:
        return {k: (v if type(v) in _PLAIN_LEAVES else plain(v)) for k, v in held.items()}
    return [v if type(v) in _PLAIN_LEAVES else plain(v) for v in held]


def get_path(data: Any, path: str) -> Any:
    """Value at a dotted path ('a.b.0.c'); None when absent."""
    cur = data
    for part in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return None
        if cur is None:
            return None
    return cur


def unknown_paths(data: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every unknown value inside `data` (in document order)."""
    out: list[str] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(unknown_paths(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list):
        if any(is_unknown(v) or isinstance(v, dict | list) for v in data):
            for i, v in enumerate(data):
                out.extend(unknown_paths(v, f"{prefix}.{i}" if prefix else str(i)))
    elif is_unknown(data):
        out.append(prefix or "<value>")
    return out


def unknown_message(field_path: str, what: str) -> str:
    """The fail-closed message for a value preview could not know."""
    return (
        f"`{field_path}` is unknown during preview, so {what} cannot be judged; "
        "the resource is treated as non-compliant (fail closed)"
    )


def cloud_of(type_token: str) -> str:
    """'aws', 'azure' (azure-native), 'azuread', 'pulumi', ... from a type token."""
    pkg = type_token.split(":", 1)[0]
    if pkg == "azure-native":
        return "azure"
    if pkg == "pulumi" and type_token.startswith("pulumi:providers:"):
        return type_token[len("pulumi:providers:") :].replace("azure-native", "azure")
    return pkg


@dataclass
class ProviderView:
    """The provider a resource is managed by (explicit, or the default provider from stack config)."""

    type: str
    inputs: dict[str, Any]
    urn: str = ""
    name: str = ""


@dataclass(slots=True)   # no instance dict: a view per resource of a large stack (120 bytes, not 520)
class ResourceView:
    """Everything a resource rule may look at.

    `raw` is the inputs as given (a plain dict, or pulumi_policy's proxy); `inputs` unwraps them on first use
    and `input(key)` unwraps one top-level key only, so rules that need one field stay cheap.
    """

    type: str
    raw: Any
    urn: str = ""
    name: str = ""
    provider: ProviderView | None = None
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    protect: bool = False
    custom: bool = True
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Values computed once from (type, raw, provider): shared by every view of the same inputs object
    (the gate hands a resource's inputs to the resource policies and to the stack policies)."""

    # Lazily computed values live in `memo` (functools.cached_property takes a lock per access in 3.11).
    @property
    def inputs(self) -> dict[str, Any]:
        """All inputs, unwrapped (computed once)."""
        m = self.memo
        value = m.get("_inputs")
        if value is None:
            value = plain(self.raw)
            value = m["_inputs"] = value if isinstance(value, dict) else {}
        return value

    def unwrapped(self) -> dict[str, Any]:
        """`inputs`, without keeping the copy when none was made yet: for a walk over every input of every
        view once (the stack's Azure views would each keep a copy to the end of the run, round 23)."""
        value = self.memo.get("_inputs")
        if value is None:
            value = plain(self.raw)
            value = value if isinstance(value, dict) else {}
        return value

    def input(self, key: str, default: Any = None) -> Any:
        """One top-level input, unwrapped without unwrapping the others (each key once)."""
        one = self.memo.get("_one")  # the hot path: a key asked before (proxied inputs only)
        if one is not None:
            value = one.get(key)
            if value is not None:
                return value
        return self._input(key, default)

    def _input(self, key: str, default: Any) -> Any:
        m = self.memo
        inputs = m.get("_inputs")
        if inputs is None:
            raw = self.raw
            if type(raw) is _DictProxy:  # immutable for the evaluation: unwrapped values are kept
                value = proxy_target(raw).get(key)
                if value is None:
                    return default
                one = m.get("_one")
                if one is None:
                    one = m["_one"] = {}
                if type(value) not in _PLAIN_SCALARS:  # a flat container is kept as is (round 24)
                    target = flat_target(value)
                    value = plain(value) if target is None else target
                one[key] = value
                return value
            return self.inputs.get(key, default)
        return inputs.get(key, default)

    def input_keys(self) -> list[str]:
        """The top-level input keys, without unwrapping the values (no copy of the inputs)."""
        raw = self.raw
        if type(raw) is _DictProxy and "_inputs" not in self.memo:
            return list(proxy_target(raw))
        return list(self.inputs)

    @property
    def cloud(self) -> str:
        m = self.memo
        value = m.get("_cloud")
        if value is None:
            value = m["_cloud"] = cloud_of(self.type)
        return value

    def get(self, path: str) -> Any:
        """Input at a dotted path (None when absent; may be an unknown sentinel)."""
        got = self.memo.get("_got")
        if got is not None:
            value = got.get(path, _MISSING)
            if value is not _MISSING:
                return value
        head, _, rest = path.partition(".")
        value = self.input(head)
        value = get_path(value, rest) if rest and value is not None else value
        if type(self.raw) is _DictProxy:  # immutable for the evaluation: several rules ask the same paths
            if got is None:
                got = self.memo["_got"] = {}
            got[path] = value
        return value

    @property
    def tags(self) -> Any:
        """The resource's tags input (dict, None, or an unknown sentinel)."""
        return self.input("tags")

    @property
    def tag_info(self) -> tuple[dict[str, Any] | None, str | None]:
        """(tags, problem) computed once per view: several rules look at the tags."""
        m = self.memo
        value = m.get("_tag_info")
        if value is None:
            value = self._tag_info()
            if value != _NO_TAGS:  # no tags: as cheap to ask again as to keep (a memo entry, round 25)
                m["_tag_info"] = value
        return value

    def _tag_info(self) -> tuple[dict[str, Any] | None, str | None]:
        tags = self.input("tags")
        defaults = provider_default_tags(self.provider)
        if tags is None and not defaults:
            return _NO_TAGS
        if defaults and (tags is None or isinstance(tags, dict)):
            tags = {**defaults, **(tags or {})}  # the provider's default_tags reach every resource it manages
        if is_unknown(tags):
            return None, unknown_message("tags", "the classification")
        if isinstance(tags, dict):
            for k, v in tags.items():
                if is_unknown(v):
                    return None, unknown_message(f"tags.{k}", "the classification")
            return tags, None
        return None, None

    def unknowns(self, *paths: str) -> list[str]:
        """Unknown fields under the given input paths (all inputs when none given)."""
        if not paths:
            return unknown_paths(self.inputs)
        out: list[str] = []
        for p in paths:
            v = self.get(p)
            out.extend(unknown_paths(v, p))
        return out


def provider_default_tags(provider: ProviderView | None) -> dict[str, Any] | None:
    """`defaultTags.tags` of an AWS provider (a dict, or JSON-encoded as providers send non-strings)."""
    if provider is None or not provider.type.endswith(":aws"):
        return None
    value = provider.inputs.get("defaultTags")
    if isinstance(value, str) and not is_unknown(value):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    tags = value.get("tags") if isinstance(value, dict) else None
    return tags if isinstance(tags, dict) else None


_T = TypeVar("_T")


class StackGraph:
    """All resources of a stack with lookups by URN, type and name, for stack rules."""

    def __init__(self, resources: Iterable[ResourceView]):
        self.resources: list[ResourceView] = list(resources)
        self.by_urn: dict[str, ResourceView] = {r.urn: r for r in self.resources}
        self._by_type: dict[str, list[ResourceView]] = {}
        for r in self.resources:
            self._by_type.setdefault(r.type, []).append(r)
        self._by_name: dict[str, Any] | None = None
        self._refs: dict[tuple[tuple[str, ...], str], RefIndex] = {}
        self._once: dict[str, Any] = {}

    def once(self, key: str, compute: Callable[[], _T]) -> _T:
        """A value derived from the whole graph, computed on first use: the rules of a run share one graph,
        and a per-resource check that recomputed it would be quadratic in the stack's size."""
        try:
            return self._once[key]
        except KeyError:
            value = self._once[key] = compute()
            return value

    def by_type(self, *types: str) -> list[ResourceView]:
        out: list[ResourceView] = []
        for t in types:
            out.extend(self._by_type.get(t, ()))
        return out

    def get(self, urn: str | None) -> ResourceView | None:
        return self.by_urn.get(urn) if urn else None

    def named(self, name: str) -> list[ResourceView]:
        """Resources whose Pulumi name or physical `name`/`resourceName`-like input equals `name`."""
        if self._by_name is None:
            idx: dict[str, Any] = {}   # a view, or a list of views (one_or_many)
            for r in self.resources:
                src = r.memo.get("_inputs")
                if src is None:  # names are plain strings: read them without unwrapping the proxy
                    src = proxy_target(r.raw) if isinstance(r.raw, PROXIES) else r.raw
                keys = {r.name}
                if isinstance(src, dict):
                    for k in _NAME_KEYS:
                        v = src.get(k)
                        if type(v) is str and v not in UNKNOWN_VALUES:
                            keys.add(v)
                for key in keys:
                    add(idx, key, r)
            self._by_name = idx
        return values(self._by_name, name)

    def referring(
        self, types: tuple[str, ...], field: str, urn: str, names: Iterable[str]
    ) -> list[ResourceView]:
        """Resources of `types` whose input `field` refers to `urn` (property dependency) or holds one of
        `names`, alone or as the last path segments of an id (`…/<name>`); in graph order.

        Indexed once per (types, field), so a rule that links every bucket to its settings stays linear.
        """
        idx = self._refs.get((types, field))
        if idx is None:
            idx = self._refs[(types, field)] = RefIndex(self.by_type(*types), field)
        return [idx.members[i] for i in idx.positions(urn, names)]

    def dependency_of(self, view: ResourceView, prop: str) -> list[ResourceView]:
        """Resources the input `prop` of `view` was computed from (property dependencies)."""
        return [r for u in view.property_dependencies.get(prop, ()) if (r := self.by_urn.get(u))]


def json_document(value: Any) -> tuple[Any, str | None]:
    """A policy document given as JSON string or dict -> (parsed, error); unknown -> (None, 'unknown')."""
    if is_unknown(value):
        return None, "unknown"
    if isinstance(value, dict):
        if unknown_paths(value):
            return None, "unknown"
        return value, None
    if isinstance(value, str):
        if any(s in value for s in UNKNOWN_VALUES):
            return None, "unknown"
        try:
            return json.loads(value), None
        except ValueError as e:
            return None, f"not valid JSON ({e.msg})"
    return None, f"not a JSON document ({type(value).__name__})"
