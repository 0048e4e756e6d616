"""The index and the stack views share what the loader made one object instead of copying it per resource
(docs/gate-performance.md, round 10): the same values as building them afresh."""

from __future__ import annotations

from gate.policy_views import views_of
from gate.state_view import index_state

P = "urn:pulumi:test::proj::"


def _state(property_dependencies: list[dict]) -> dict:
    rg, vault = f"{P}azure-native:resources:ResourceGroup::rg", f"{P}azure-native:keyvault:Vault::kv"
    shared = [rg]            # the loader makes equal URN lists one list
    resources = [
        {"urn": rg, "type": "azure-native:resources:ResourceGroup", "custom": True, "inputs": {}},
        {"urn": vault, "type": "azure-native:keyvault:Vault", "custom": True, "inputs": {"x": 1}},
    ]
    for i, deps in enumerate(property_dependencies):
        deps = {k: (shared if v == "shared" else v) for k, v in deps.items()}
        resources.append({"urn": f"{P}azure-native:keyvault:Key::k{i}", "type": "azure-native:keyvault:Key",
                          "custom": True, "inputs": {"name": f"k{i}"}, "propertyDependencies": deps})
    return {"version": 3, "deployment": {"resources": resources}}


def test_index_keeps_the_checkpoint_property_dependencies_when_they_are_string_lists():
    own = {"resourceGroupName": [f"{P}azure-native:resources:ResourceGroup::rg"], "tags": [], "name": []}
    odd = {"resourceGroupName": [f"{P}azure-native:resources:ResourceGroup::rg", 3], "tags": [], "x": "no"}
    state = _state([own, odd, {}])
    first, second, empty = index_state(state)[2:]
    assert first.property_dependencies is state["deployment"]["resources"][2]["propertyDependencies"]
    assert first.property_dependencies == own
    rg = f"{P}azure-native:resources:ResourceGroup::rg"
    assert second.property_dependencies == {"resourceGroupName": [rg], "x": []}
    assert empty.property_dependencies == {}


def _views(state: dict) -> list:
    resources = index_state(state)
    return views_of(resources, {r.urn: r for r in resources}, True)[2]


def test_stack_views_share_the_view_list_of_one_urn_list_and_equal_a_fresh_build():
    vault = f"{P}azure-native:keyvault:Vault::kv"
    deps = [{"resourceGroupName": "shared", "vaultName": [vault], "tags": []},
            {"resourceGroupName": "shared", "vaultName": [vault]},
            {"scope": [vault, f"{P}gone::missing"]}]
    views = _views(_state(deps))
    by_urn = {v.urn: v for v in views}
    keys = views[2:]
    first, second = keys[0].property_dependencies, keys[1].property_dependencies
    assert first["resourceGroupName"] is second["resourceGroupName"]
    assert first["vaultName"] is not second["vaultName"]
    # what a fresh build per resource gives: non-empty lists, views of the URNs the stack has, in order
    for view, given in zip(keys, deps, strict=True):
        given = {k: ([f"{P}azure-native:resources:ResourceGroup::rg"] if v == "shared" else v)
                 for k, v in given.items()}
        assert view.property_dependencies == {k: [by_urn[u] for u in v if u in by_urn]
                                              for k, v in given.items() if v}
