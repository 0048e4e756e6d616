"""Round-65 classes (docs/pia-conditions.md, round 65). A private link's group id was not compared with the
groups its target offers, so a `vault` link to the stack's storage account, a `blob` link to its Key Vault or
a link naming no group passed, though Azure refuses each and what the program connects to is then not what
the check read; the private-link target types were written by hand, so a new SDK's private endpoint
connection type went unnoticed; a classic Front Door's backends and an Application Gateway's TLS-proxy host
names were not read, so they forwarded to another party's account. Each test fails on the code before the
round (ac3d1e10)."""

from __future__ import annotations

import pytest
from ruletest import case, only, patch, run

from policies.core import private_link_types as plt
from policies.core.sdk_inventory import installed_sdks

PUBLIC = "disallow-public-data-access"
FED = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
STORAGE, VAULT, SQL = (
    f"azure-native:{t}" for t in ("storage:StorageAccount", "keyvault:Vault", "sql:Server")
)


@pytest.mark.parametrize("stem, name, asked, kind", [
    ("r65p-01", "pe-export", "group 'vault'", STORAGE),
    ("r65p-02", "pe-kv", "group 'blob'", VAULT),
    ("r65p-03", "search-spl", "group 'blob'", VAULT),
    ("r65p-04", "store-pe", "group 'sqlServer'", STORAGE),
    ("r65p-05", "pe-sql", "group 'Sql'", SQL),
])
def test_a_link_asking_for_a_group_its_target_does_not_offer_blocks(stem, name, asked, kind):
    only(run(PUBLIC, case(stem)), name, f"asks for {asked}, which its target does not offer ({kind}: ")


def test_a_link_naming_no_group_blocks_unless_its_target_offers_none():
    only(run(PUBLIC, case("r65p-06")), "adf-mpe",
         f"names no group, and its target offers only named ones ({STORAGE}:")
    assert run(PUBLIC, case("r65p-53")) == []  # the stack's private link service: Azure's "empty"
    grouped = [{"name": "pls", "privateLinkServiceId": FED, "groupIds": ["blob"]}]
    only(run(PUBLIC, patch(case("r65p-53"), "pe-pls", privateLinkServiceConnections=grouped)), "pe-pls",
         "which its target does not offer (azure-native:network:PrivateLinkService: none)")


def test_a_link_asking_for_a_group_its_target_offers_passes():
    for stem in ("r65p-50", "r65p-51", "r65p-52", "r64p-50", "r64p-51", "r62p-51", "r62p-70"):
        assert run(PUBLIC, case(stem)) == [], stem
    unknown = patch(case("r65p-52"), "adf-mpe", properties={"privateLinkResourceId": FED, "groupId": FED})
    only(run(PUBLIC, unknown), "adf-mpe", "which group of the resource it links to")  # unknown in preview


def test_a_link_to_a_type_whose_groups_are_not_confirmed_blocks():
    agw = {"name": "agw", "type": "azure-native:network:ApplicationGateway", "refs": {},
           "inputs": {"resourceGroupName": "rg-corpus", "applicationGatewayName": "agw"}}
    to_agw = [{**r, "refs": {**r["refs"], "privateLinkServiceConnections": "agw"}}
              if r["name"] == "pe-export" else r for r in case("r65p-01")]
    only(run(PUBLIC, [*to_agw, agw]), "pe-export", "ApplicationGateway, whose private-link groups are not")
    assert agw["type"] in plt.PRIVATE_LINK_TYPES and agw["type"] not in plt.GROUP_IDS


def test_every_private_endpoint_connection_type_of_the_sdk_is_decided():
    """Closed by test: a new SDK's private endpoint connection type fails here until its parent is traced (or
    it is listed with none, so links to it block)."""
    sdk = {t.split(":", 1)[1] for s in installed_sdks() if s.package == "azure-native" for t in s.tokens}
    connections = {t for t in sdk if "PrivateEndpointConnection" in t}
    assert connections and set(plt.CONNECTION_PARENTS) == connections
    for conn, parents in plt.CONNECTION_PARENTS.items():
        assert all(p in sdk and p.split(":")[0] == conn.split(":")[0] for p in parents), conn
    assert set(plt.GROUP_IDS) <= plt.PRIVATE_LINK_TYPES


def test_a_classic_front_door_forwards_only_to_the_stack_or_declared_hosts():
    found = run(PUBLIC, case("r65p-10"))
    assert sorted(m.split("`")[1] for n, m in found if n == "fd") == [
        "backendPools[0].backends[0].address", "backendPools[0].backends[0].backendHostHeader",
    ]
    only(run(PUBLIC, case("r65p-11")), "fd", "`backendPools[0].backends[0].backendHostHeader` sends")
    assert run(PUBLIC, case("r65p-60")) == []
    unfed = [{**r, "refs": {}} if r["name"] == "fd" else r for r in case("r65p-11")]
    assert len(run(PUBLIC, unfed)) == 2  # an unknown address fed from nothing is unplaced


def test_an_application_gateways_tls_proxy_sends_only_to_the_stack_or_declared_hosts():
    only(run(PUBLIC, case("r65p-12")), "agw", "`backendSettingsCollection[0].hostName` sends")
    assert run(PUBLIC, case("r65p-61")) == []
    settings = [{"name": "uploads", "port": 443, "protocol": "Tls",
                 "hostName": "corpusoffvendor.blob.core.windows.net"}]
    declared = patch(case("r65p-12"), "agw", backendSettingsCollection=settings)
    assert run(PUBLIC, declared) == []  # declared in the corpus endpoints record
