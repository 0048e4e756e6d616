"""The index and the stack views share what the loader made one object instead of copying it per resource
(docs/gate-performance.md, round 10): the same values as building them afresh."""

from __future__ import annotations

from gate.policy_views import views_of
from gate.state_view import index_state, plain, proxied
from gate.wire import SECRET_SIG, SIG_KEY
from pulumi_policy.proxy import _DictProxy, _ListProxy

from policies.core.proxy_attrs import proxy_target

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


def test_a_proxy_below_the_top_holds_the_state_s_own_container():
    """Round 19 made tags and lists of strings the proxies' targets; round 29 every container below a view's
    top level (one holding a container, an integer or a secret too). Every proxy reads as a copy would:
    integers as floats, containers as proxies, a secret as its value; the top level is the view's own dict."""
    tags, names, mixed = {"env": "prod", "on": True, "n": 1.5, "none": None}, ["a", "b"], {"k": 1, "s": "x"}
    secret = {SIG_KEY: SECRET_SIG, "value": "v"}
    inputs = {"tags": tags, "names": names, "mixed": mixed, "deep": {"tags": tags}, "secret": secret,
              "counts": [1, 2]}
    top = proxied(inputs)
    target = top._DictProxy__target
    assert target["tags"]._DictProxy__target is tags and proxy_target(target["tags"]) is tags
    assert target["names"]._ListProxy__target is names and proxy_target(target["names"]) is names
    assert target["deep"]._DictProxy__target is inputs["deep"]
    assert target["deep"]["tags"]._DictProxy__target is tags
    assert target["mixed"]._DictProxy__target is mixed and target["mixed"]["k"] == 1.0
    assert type(target["mixed"]["k"]) is float and type(proxy_target(target["mixed"])["k"]) is float
    assert proxy_target(target["counts"]) == [1.0, 2.0]
    assert target["counts"]._ListProxy__target is inputs["counts"]
    assert target["secret"] == "v"
    assert top._DictProxy__target is not inputs
    assert isinstance(target["tags"], _DictProxy) and isinstance(target["names"], _ListProxy)
    assert target["deep"]["tags"]["env"] == "prod" and list(target["names"]) == names
    assert tags == {"env": "prod", "on": True, "n": 1.5, "none": None} and mixed == {"k": 1, "s": "x"}
    assert plain(inputs)["counts"] == [1.0, 2.0]


def test_stack_views_without_a_list_share_one_empty_list():
    """Round 19: no option list (ignored changes, aliases, secret outputs) and no dependencies is one shared
    empty list, equal to a fresh one; a resource that has some keeps its own."""
    state = _state([{}])
    state["deployment"]["resources"][1] |= {"aliases": ["urn:old"], "ignoreChanges": ["tags"],
                                            "dependencies": [f"{P}azure-native:resources:ResourceGroup::rg"]}
    rg, vault, key = _views(state)
    for view in (rg, key):
        assert view.opts.ignore_changes == [] and view.opts.aliases == [] and view.dependencies == []
        assert view.opts.additional_secret_outputs == []
    assert rg.opts.aliases is key.opts.aliases is key.opts.ignore_changes is key.dependencies
    assert vault.opts.aliases == ["urn:old"] and vault.opts.ignore_changes == ["tags"]
    assert vault.dependencies == [rg] and vault.dependencies is not rg.dependencies
