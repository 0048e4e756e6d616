"""Round-66 classes (docs/pia-conditions.md, round 66). Links to PostgreSQL flexible servers, Managed HSMs,
API Management, Container Apps environments and Managed Grafana blocked whatever group they asked for, as
their groups were not confirmed (an over-block); a literal link target in a subscription the PIA record names
was not asked its type or group, so a link to a network security group, a `vault` link to a storage account or
a link to a type whose groups are unknown passed; an API Management pool's members and an Application
Gateway backend's `ipAddress` were not read, so they forwarded to another party. Each test fails on the code
before the round (da89a897)."""

from __future__ import annotations

import pytest
from ruletest import case, only, patch, run

from policies.core import private_link_types as plt

PUBLIC = "disallow-public-data-access"
FED = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
RECORDED = "/subscriptions/5a1c0d2e-0000-4000-8000-00000000c0a1/resourceGroups/rg-network/providers"
PARTNER_BACKEND = (
    "/subscriptions/9f9f9f9f-1111-4222-8333-444444444444/resourceGroups/rg-partner/providers/"
    "Microsoft.ApiManagement/service/apim-partner/backends/uploads"
)


@pytest.mark.parametrize("stem, name, asked, kind, compliant", [
    ("r66p-01", "pe-pg", "'mysqlServer'", "azure-native:dbforpostgresql:Server: postgresqlServer", "r66p-50"),
    ("r66p-02", "pe-hsm", "'vault'", "azure-native:keyvault:ManagedHsm: managedhsm", "r66p-51"),
])
def test_a_confirmed_type_takes_its_own_group_and_refuses_others(stem, name, asked, kind, compliant):
    only(run(PUBLIC, case(stem)), name, f"asks for group {asked}, which its target does not offer ({kind})")
    assert run(PUBLIC, case(compliant)) == []  # the group the type offers


@pytest.mark.parametrize("kind, group", [
    ("apimanagement:ApiManagementService", "Gateway"),
    ("app:ManagedEnvironment", "managedEnvironments"),
    ("dashboard:Grafana", "grafana"),
])
def test_the_groups_confirmed_this_round_are_offered(kind, group):
    assert plt.GROUP_IDS[f"azure-native:{kind}"] == (group,)


def test_every_confirmed_type_has_the_arm_type_its_ids_spell():
    """A literal id is read by its ARM type: each type whose groups are confirmed has one, and only those."""
    assert sorted(plt.ARM_TYPES.values()) == sorted(plt.GROUP_IDS)
    assert all(a == a.lower() and a.startswith("microsoft.") and a.count("/") == 1 for a in plt.ARM_TYPES)


def test_a_literal_target_in_a_recorded_subscription_is_asked_its_type_and_group():
    unconfirmed = "in a subscription the PIA record names, but names no type whose private-link groups"
    only(run(PUBLIC, case("r66p-20")), "pe-nsg", unconfirmed)  # a network security group
    only(run(PUBLIC, case("r66p-21")), "pe-st", "asks for group 'vault', which its target does not offer")
    only(run(PUBLIC, case("r66p-22")), "pe-ase", unconfirmed)  # an App Service Environment
    for stem in ("r66p-70", "r66p-71"):
        assert run(PUBLIC, case(stem)) == [], stem
    for target, found in (
        (f"{RECORDED}/microsoft.storage/STORAGEACCOUNTS/stnetwork", 0),  # ARM ids compare without case
        (f"{RECORDED}/Microsoft.Storage/storageAccounts/stnetwork/blobServices/default", 1),  # a child
        (f"{RECORDED}/Microsoft.Storage/storageAccounts", 1),  # no name
    ):
        link = [{"name": "pe-st", "privateLinkServiceId": target, "groupIds": ["blob"]}]
        assert len(run(PUBLIC, patch(case("r66p-70"), "pe-st", privateLinkServiceConnections=link))) == found


def test_an_api_management_pool_forwards_only_to_backends_of_the_stack():
    only(run(PUBLIC, case("r66p-10")), "pool", f"`pool.services[0].id` puts '{PARTNER_BACKEND}' in the pool")
    only(run(PUBLIC, case("r66p-11")), "pool",
         "fed only from azure-native:storage:StorageAccount, none an API Management backend")
    assert run(PUBLIC, case("r66p-60")) == []
    unfed = [{**r, "refs": {}} if r["name"] == "pool" else r for r in case("r66p-60")]
    only(run(PUBLIC, unfed), "pool", "which backend of the stack the pool forwards to")
    whole = patch(unfed, "pool", pool=FED)  # the whole pool unknown and fed from nothing
    only(run(PUBLIC, whole), "pool", "`pool.services` is unknown during preview")


def test_an_application_gateway_backend_ip_address_is_read():
    only(run(PUBLIC, case("r66p-12")), "agw",
         "`backendAddressPools[0].backendAddresses[0].ipAddress` sends the requests")
    assert run(PUBLIC, case("r66p-61")) == []  # a private address of the stack's network (round 68)
    backends = [{"address": "10.40.2.4", "backendHostHeader": "stcorpus.blob.core.windows.net"}]
    private_fd = patch(case("r65p-60"), "fd", backendPools=[{"name": "uploads", "backends": backends}])
    # round 68: a private address anywhere is judged by where it lies (the case has no network of the stack)
    only(run(PUBLIC, private_fd), "fd", "`backendPools[0].backends[0].address` forwards")
