"""Round-64 classes (docs/pia-conditions.md, round 64). A private link whose target was fed from any top-level
store or control of the stack passed, a network security group or a public IP included, though no private
link connects to them; an Application Gateway's backend pools and host header and an API Management backend's
URL were not read, so they forwarded to another party's account. Each test fails on the code before the round
(9953ec5e)."""

from __future__ import annotations

import pytest
from ruletest import case, only, patch, run

PUBLIC = "disallow-public-data-access"
NO_LINK = "which no private link connects to"
PARTNER = "stpartner.blob.core.windows.net"


@pytest.mark.parametrize("stem, name, kind", [
    ("r64p-01", "pe-export", "azure-native:network:NetworkSecurityGroup"),
    ("r64p-02", "search-spl", "azure-native:network:PublicIPAddress"),
])
def test_a_link_fed_from_a_type_without_private_link_blocks(stem, name, kind):
    only(run(PUBLIC, case(stem)), name, f"fed only from {kind}, {NO_LINK}")


def test_a_link_fed_from_a_store_offering_private_link_passes():
    assert run(PUBLIC, case("r64p-50")) == [] and run(PUBLIC, case("r64p-51")) == []
    to_nsg = [{**r, "refs": {**r["refs"], "privateLinkServiceConnections": "nsg"}}
              if r["name"] == "vault-pe" else r for r in case("r64p-50")]
    nsg = {"name": "nsg", "type": "azure-native:network:NetworkSecurityGroup", "refs": {},
           "inputs": {"resourceGroupName": "rg-corpus", "networkSecurityGroupName": "nsg-corpus"}}
    only(run(PUBLIC, [*to_nsg, nsg]), "vault-pe", NO_LINK)


def test_an_application_gateway_forwards_only_to_the_stack_or_declared_hosts():
    found = run(PUBLIC, case("r64p-10"))
    assert sorted(m.split("`")[1] for n, m in found if n == "agw") == [
        "backendAddressPools[0].backendAddresses[0].fqdn", "backendHttpSettingsCollection[0].hostName",
    ]
    only(run(PUBLIC, case("r64p-11")), "agw", "`backendHttpSettingsCollection[0].hostName` sends")
    assert run(PUBLIC, case("r64p-60")) == []
    pools = [{"name": "uploads", "backendAddresses": [{"fqdn": "stcorpus.blob.core.windows.net"}]}]
    named = patch(case("r64p-10"), "agw", backendAddressPools=pools, backendHttpSettingsCollection=None)
    assert run(PUBLIC, named) == []  # the stack's account by its global name
    unfed = [{**r, "refs": {}} if r["name"] == "agw" else r for r in case("r64p-60")]
    assert len(run(PUBLIC, unfed)) == 2


def test_an_api_management_backend_calls_only_the_stack_or_declared_hosts():
    only(run(PUBLIC, case("r64p-12")), "backend", "`url` sends the requests")
    assert run(PUBLIC, case("r64p-61")) == []
    declared = patch(case("r64p-12"), "backend", url="https://corpusoffvendor.blob.core.windows.net/x")
    assert run(PUBLIC, declared) == []  # declared in the corpus endpoints record
    broken = patch(case("r64p-12"), "backend", url="https://[stpartner/x")
    only(run(PUBLIC, broken), "backend", "to 'https://[stpartner/x'")
    assert PARTNER in run(PUBLIC, case("r64p-12"))[0][1]


def test_a_literal_id_of_the_stacks_resource_without_private_link_blocks():
    """Found while fixing lead 1 (r64p-03, before its fix): the stack's own NSG, named by its recorded id."""
    nsg = "azure-native:network:NetworkSecurityGroup"
    only(run(PUBLIC, case("r64p-03")), "pe-export", f"names this stack's {nsg}, {NO_LINK}")
    fed = [{**r, "refs": {**r["refs"], "privateLinkServiceConnections": "nsg"}}
           if r["name"] == "pe-export" else r for r in case("r64p-03")]
    assert len(run(PUBLIC, fed)) == 1  # made by the resource it is fed from: the same
    assert run(PUBLIC, case("r62p-51")) == []  # the stack's storage account by its recorded id
