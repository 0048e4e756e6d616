"""Performance round 24 (docs/gate-performance.md): each new structure answers what the direct computation
answers, and the walk it replaces is made once per graph, not once per question (counted, not timed)."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.asset import Archive, Asset
from pulumi_policy.proxy import _DictProxy, _ListProxy
from pulumi_policy.secret import Secret as _Secret

from policies.core import hashed_keys
from policies.core.graph_index import GraphIndex, _namespace_free
from policies.core.iam.azure_runs_as import UAI, identities
from policies.core.proxy_attrs import proxy_target
from policies.core.recorded_ids import made_by, own_resource
from policies.core.view import UNKNOWN, ProviderView, ResourceView, StackGraph, plain
from tests.policies.test_memory_r23 import FIXED, _graph
from tests.policies.test_references_ascii import _documents

VM = "azure-native:compute:VirtualMachine"
ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"


def _direct(views: list[ResourceView], r: ResourceView) -> set[str]:
    """identities() asked of the stack with one identity at a time (and with none): with one, the index by
    name is a walk of every identity, so the union is what walking every identity per question answers."""
    others = [v for v in views if v.type != UAI]
    out = identities(StackGraph(others), r)
    for u in (v for v in views if v.type == UAI):
        out |= identities(StackGraph([*others, u]), r)
    return out


_NAMES = ["id-a", "ID-A", "id-b", "Id-C", "none", None, UNKNOWN, 7, "", "id-a "]


def _stack(rng: random.Random) -> list[ResourceView]:
    uais = [ResourceView(UAI, {} if (n := rng.choice(_NAMES)) is None else {"resourceName": n},
                         urn=f"urn:uai-{i}") for i in range(rng.randint(0, 12))]
    vms = []
    for i in range(6):
        picked = [rng.choice(_NAMES) for _ in range(rng.randint(0, 3))]
        listed = {f"{ID}{n}" if isinstance(n, str) else n: {} for n in picked if n is not UNKNOWN}
        kind = rng.choice(["SystemAssigned", "UserAssigned", "None"])
        ident = {"type": kind, "userAssignedIdentities": listed}
        profile = {"kubeletidentity": {"resourceId": f"{ID}{rng.choice(_NAMES)}"}}
        fed = tuple(u.urn for u in uais[: rng.randint(0, 2)])
        vms.append(ResourceView(VM, {"identity": ident, "identityProfile": profile}, urn=f"urn:vm-{i}",
                                property_dependencies={"identity": fed}))
    return uais + vms


def test_identities_by_name_answers_as_the_walk_of_every_identity() -> None:
    rng = random.Random(24)
    for _ in range(300):
        views = _stack(rng)
        graph = StackGraph(views)
        for r in graph.by_type(VM):
            assert identities(graph, r) == _direct(views, r)


def test_identities_by_name_fixed() -> None:
    """Names compared lower-cased as text (a missing name reads `none`), listed or the kubelet's."""
    uais = [ResourceView(UAI, {"resourceName": n} if n is not None else {}, urn=f"urn:{i}")
            for i, n in enumerate(["Id-A", "id-a", "ID-B", None, "7", "", "id-c"])]
    listed = {f"{ID}ID-a": {}, f"{ID}none": {}, 7: {}, f"{ID}": {}, UNKNOWN: {}}
    ident = {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": listed}
    kubelet = {"kubeletidentity": {"resourceId": f"{ID}ID-C"}}
    vm = ResourceView(VM, {"identity": ident, "identityProfile": kubelet}, urn="urn:vm")
    graph = StackGraph([*uais, vm])
    assert identities(graph, vm) == {"urn:vm", "urn:0", "urn:1", "urn:3", "urn:4", "urn:5", "urn:6"}


class _Counting(StackGraph):
    walks = 0

    def by_type(self, *types: str) -> list[ResourceView]:
        self.walks += UAI in types
        return super().by_type(*types)


def test_the_identities_are_walked_once_per_graph() -> None:
    """Fails before round 24: a walk of every identity per resource asked about (quadratic at 100k)."""
    views = [ResourceView(UAI, {"resourceName": f"id-{i}"}, urn=f"urn:uai-{i}") for i in range(50)]
    views += [ResourceView(VM, {"identity": {"userAssignedIdentities": {f"{ID}ID-{i}": {}}}},
                           urn=f"urn:vm-{i}") for i in range(50)]
    graph = _Counting(views)
    assert [identities(graph, r) for r in graph.by_type(VM)] == [{f"urn:uai-{i}"} for i in range(50)]
    assert graph.walks == 1


def _same_as_a_copy(inputs: list[Any]) -> None:
    """Each view's `input(key)` equals plain's copy of that key; a flat container is the proxy's own."""
    for r in _graph(inputs).resources:
        target, copy = proxy_target(r.raw), plain(r.raw)
        for key in target:
            value, expected = r.input(key), copy.get(key)
            assert _assets_by_value(value) == _assets_by_value(expected) and type(value) is type(expected)
            assert r.input(key) is value                       # kept: asked again, the same object
            inner = target[key]
            if isinstance(inner, (_DictProxy, _ListProxy)):   # the gate's state proxies too (round 29)
                held = proxy_target(inner)
                inside = held.values() if isinstance(held, dict) else held
                flat = not any(isinstance(v, (_DictProxy, _ListProxy, _Secret, dict)) for v in inside)
                own = getattr(inner, "_DictProxy__target", None) or getattr(inner, "_ListProxy__target", None)
                if held is own or type(inner) in (_DictProxy, _ListProxy):
                    assert (value is held) == flat             # flat: the proxy's own target, not a copy
                else:   # integers read as floats: a copy, the only one the view keeps (round 29)
                    assert value is not own and _assets_by_value(value) == _assets_by_value(plain(inner))
        assert r.input("missing", 7) == 7


def _assets_by_value(value: Any) -> Any:
    """Assets and archives as their type and fields: one inside a state container is deserialized when read
    (round 29), a new object equal to the last."""
    if isinstance(value, dict):
        return {k: _assets_by_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_assets_by_value(v) for v in value]
    if isinstance(value, Asset | Archive):
        return (type(value), {k: _assets_by_value(v) for k, v in vars(value).items()})
    return value


TAGGED = [{"tags": {"classification": "vertrouwelijk", "owner": "AIV"}, "names": ["a", "b"], "n": 3,
           "nested": {"tags": {"x": "y"}, "list": [1, "a"]}, "secret": {"k": "v"}, "empty": {}, "none": None}]


def test_a_kept_input_equals_plains_copy() -> None:
    _same_as_a_copy(TAGGED + FIXED + _documents())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=4), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8), max_size=4), max_size=4))
def test_a_kept_input_equals_plains_copy_on_generated_inputs(values: Any) -> None:
    _same_as_a_copy(values)


def test_flat_tags_are_not_copied() -> None:
    """Fails before round 24: `input("tags")` kept a copy of every view's tags for the run."""
    r = _graph(TAGGED).resources[0]
    assert r.input("tags") is r.raw._DictProxy__target["tags"]._DictProxy__target
    assert r.input("names") is r.raw._DictProxy__target["names"]._ListProxy__target
    assert r.tag_info == ({"classification": "vertrouwelijk", "owner": "AIV"}, None)


AZ = "azure-native:storage:StorageAccount"
_IDS = ["/subscriptions/s/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/sa",
        "/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/storageaccounts/SA",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/storageAccounts/sa",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sb",
        "/subscriptions/t/resourceGroups/rg/providers/Microsoft.Sql/servers/db",
        "/subscriptions/s/resourceGroups/rg", "/subscriptions/s", "not-an-id"]


def _azure_views(rng: random.Random) -> list[ResourceView]:
    return [ResourceView(AZ, {"id": rng.choice(_IDS), "name": f"n{i}"}, urn=f"urn:az-{i}",
                         provider=ProviderView("pulumi:providers:azure-native", {}))
            for i in range(rng.randint(0, 8))]


def _old_keys(graph: StackGraph) -> dict[str, ResourceView]:
    """GraphIndex's `id:`/`idn:` keys as they were before round 24: strings in one dict, first set wins."""
    out: dict[str, ResourceView] = {}
    for r in graph.resources:
        rid = r.input("id")
        if isinstance(rid, str) and rid.startswith("/subscriptions/"):
            out.setdefault(f"id:{rid.lower()}", r)
            if (bare := _namespace_free(rid.lower())) is not None:
                out.setdefault(f"idn:{bare}", r)
    return out


def _queries() -> list[str]:
    out = []
    for rid in _IDS:
        out += [rid, rid.lower(), rid.upper(), f"{rid}/blobServices/default".lower()]
    return [q.lower() for q in out]


def _check_ids(monkeypatch: Any, collide: bool) -> None:
    if collide:   # every key one of three hashes: the check against the resource's own key decides
        monkeypatch.setattr(hashed_keys, "_hash", lambda key: len(key) % 3)
    rng, hits = random.Random(7), 0
    for _ in range(200):
        graph = StackGraph(_azure_views(rng))
        index, old = GraphIndex(graph), _old_keys(graph)
        for q in _queries():
            assert index.azure_ids.get(q) is old.get(f"id:{q}")
            bare = _namespace_free(q)
            if bare is not None:
                assert index.bare_ids.get(bare) is old.get(f"idn:{bare}")
            hit = old.get(f"id:{q}")
            assert own_resource(graph, q) is (hit if hit is not None and made_by(hit, q) else None)
            hits += hit is not None
    assert hits > 1000


def test_azure_ids_by_hash_answer_as_the_dict_of_strings(monkeypatch: Any) -> None:
    _check_ids(monkeypatch, collide=False)


def test_azure_ids_by_hash_answer_as_the_dict_of_strings_when_hashes_collide(monkeypatch: Any) -> None:
    _check_ids(monkeypatch, collide=True)


def test_the_index_holds_no_lowered_id() -> None:
    """Fails before round 24: `id:<lowered id>` and `idn:<…>` strings per Azure resource of the stack."""
    graph = StackGraph([ResourceView(AZ, {"id": f"{_IDS[0]}{i}"}, urn=f"urn:az-{i}",
                                     provider=ProviderView("pulumi:providers:azure-native", {}))
                        for i in range(20)])
    index = GraphIndex(graph)
    assert not [k for k in index.by_key if k.startswith(("id:", "idn:"))]
    assert [index.azure_ids.get(f"{_IDS[0]}{i}".lower()) for i in range(20)] == graph.resources
