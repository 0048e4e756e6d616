"""The dosis-prod stack, recorded offline from its real config file (stacks/Pulumi.dosis-prod.yaml)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest
from gate.recording import Graph, record_program

sys.path.insert(0, str(Path(__file__).parents[1] / "components" / "azure"))
from azure_support import (
    assert_in_regions,
    assert_tagged,
    custom,
    diagnosed,
    locked_ids,
)

from components.azure.common import ROLES
from components.azure.identity import TRIAD

PROJECT = Path(__file__).parents[2]
REGIONAL = (
    "vpnGatewayPublicIps",
    "vpnGatewayId",
    "vpnGatewayBgpPeeringAddresses",
    "vpnGatewayIpConfigurationIds",  # optional in the contract: pins the APIPA BGP addresses per instance
    "dosisUitPrivateIp",
    "dosisUitHostName",
    "dosisUitSubnetCidr",
    "resourceGroupName",
    "location",
    "privateEndpointNsgName",
)
CONTRACT_OUTPUTS = {
    *REGIONAL,
    *(f"{k}Failover" for k in REGIONAL),
    "vpnGatewayBgpAsn",
    "vpnApipaSlots",
    "vnetCidrs",
    "logAnalyticsWorkspaceId",
    "actionGroupId",
}
# Resources that hold DOSIS data or its keys: protected by Pulumi and by an Azure CanNotDelete lock.
STATEFUL = {
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:ManagedHsm",
    "azure-native:sql:Server",
    "azure-native:sql:Database",
    "azure-native:storage:StorageAccount",
    "azure-native:operationalinsights:Workspace",
}
KEYS = "azure-native:keyvault:Key"


def _record(**overrides: Any) -> Graph:
    return record_program(PROJECT, "dosis-prod", config=overrides or None)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return _record()


def test_every_resource_in_dosis_regions_and_tagged(graph):
    # DOSIS's off-vendor copies live in eu-west-1 by design (docs/sovereignty.md); judged below.
    azure_side = [r for r in graph.resources if not r.type.startswith("aws:")]
    on_site = dataclasses.replace(graph, resources=azure_side)
    assert_in_regions(on_site)
    assert {graph.region(r) for r in custom(graph) if r.type.startswith("aws:")} == {"eu-west-1"}
    assert_tagged(graph)
    regions = {graph.region(r) for r in custom(graph)}
    assert {"westeurope", "northeurope"} <= regions


def test_outputs_follow_the_contract(graph):
    out = graph.outputs
    assert set(out) == CONTRACT_OUTPUTS
    assert out["location"] == "westeurope" and out["vnetCidrs"] == ["10.10.0.0/16", "10.11.0.0/16"]
    assert out["locationFailover"] == "northeurope" and out["dosisUitPrivateIpFailover"] == "10.11.1.10"
    assert out["dosisUitHostName"] == "dosis-uit-weu.azurewebsites.net"
    assert out["dosisUitPrivateIp"] == "10.10.1.10" and out["dosisUitSubnetCidr"] == "10.10.1.0/24"
    assert out["vpnGatewayBgpAsn"] == 65515
    # by region, not registration order (the two regions' layers register concurrently)
    gateways = {g.inputs["location"]: g for g in graph.by_type("azure-native:network:VirtualNetworkGateway")}
    gw, gw_neu = gateways["westeurope"], gateways["northeurope"]
    assert out["vpnGatewayId"] == gw.id
    assert out["vpnGatewayIpConfigurationIds"] == [f"{gw.id}/ipConfigurations/instance{i}" for i in (0, 1)]
    names = [c["name"] for c in gw.inputs["ipConfigurations"]]
    assert names == ["instance0", "instance1"]
    peering = gw.inputs["bgpSettings"]["bgpPeeringAddresses"]
    assert [p["customBgpIpAddresses"] for p in peering] == [
        ["169.254.21.2", "169.254.22.2"],
        ["169.254.21.6", "169.254.22.6"],
    ]
    peering = gw_neu.inputs["bgpSettings"]["bgpPeeringAddresses"]  # APIPA slots 2 and 3
    assert [p["customBgpIpAddresses"] for p in peering] == [
        ["169.254.21.10", "169.254.22.10"],
        ["169.254.21.14", "169.254.22.14"],
    ]
    workspaces = {w.name: w for w in graph.by_type("azure-native:operationalinsights:Workspace")}
    assert out["logAnalyticsWorkspaceId"] == workspaces["siem-workspace"].id  # not the archive's
    nsg_names = {r.outputs.get("name") for r in graph.by_type("azure-native:network:NetworkSecurityGroup")}
    assert out["privateEndpointNsgName"] in nsg_names


def test_every_data_store_uses_a_customer_managed_key_in_its_region(graph):
    vaults = {
        r.inputs["vaultName"]: r.inputs["location"] for r in graph.by_type("azure-native:keyvault:Vault")
    }
    # keyCustody managed-hsm: one Managed HSM pool serves both regions (westeurope + replica northeurope)
    for hsm in graph.by_type("azure-native:keyvault:ManagedHsm"):
        replicas = {r["name"] for r in hsm.inputs["properties"].get("regions") or ()}
        vaults[hsm.inputs["name"]] = replicas | {hsm.inputs["location"]}
    servers = graph.by_type("azure-native:sql:Server")
    assert len(servers) == 2
    for s in servers:
        vault = s.inputs["keyId"].removeprefix("https://").split(".")[0]
        assert s.inputs["location"] in vaults[vault], f"{s.name} uses a key from another region"
    for acct in graph.by_type("azure-native:storage:StorageAccount"):
        enc = acct.inputs["encryption"]
        assert enc["keySource"] == "Microsoft.Keyvault"
        host = enc["keyVaultProperties"]["keyVaultUri"].removeprefix("https://").split(".")[0]
        # the e-loket's off-vendor copies are under its own controller's HSM, outside this stack
        assert host in vaults or acct.inputs["tags"].get("copy-of") == "e-loket"
    for key in graph.by_type(KEYS):
        assert key.inputs["properties"]["kty"] == "RSA-HSM"
    # one multi-region HSM key serves both geo-replication partners: each server already holds it, so none is
    # registered on the partner (with a vault per region each would hold the other's: test_azure_database)
    assert len({s.inputs["keyId"] for s in servers}) == 1
    assert not graph.by_type("azure-native:sql:ServerKey")
    # one key per purpose per vault
    pairs = [(k.inputs["vaultName"], k.inputs["keyName"]) for k in graph.by_type(KEYS)]
    assert len(pairs) == len(set(pairs)) and {p for _, p in pairs} == {"sql-tde", "storage", "logs"}


def test_every_data_bearing_resource_sends_diagnostics_to_sentinel(graph):
    # the workload's Sentinel workspace and the security subscription's archive (docs/sovereignty.md)
    workspaces = graph.by_type("azure-native:operationalinsights:Workspace")
    diags = set().union(*(diagnosed(graph, w.id) for w in workspaces))
    # Logical SQL servers have no diagnostic settings of their own: their audit log is the master database's.
    data_bearing = [
        r
        for r in custom(graph)
        if r.type
        in (STATEFUL - {"azure-native:sql:Server"})
        | {
            "azure-native:web:WebApp",
            "azure-native:network:VirtualNetworkGateway",
            "azure-native:network:NetworkSecurityGroup",
            "azure-native:network:VirtualNetwork",
        }
    ]
    missing = [r.name for r in data_bearing if r.id not in diags]
    assert not missing, f"no diagnostic setting to the Sentinel workspace: {missing}"
    for s in graph.by_type("azure-native:sql:Server"):
        assert f"{s.id}/databases/master" in diags  # audit records
    for acct in graph.by_type("azure-native:storage:StorageAccount"):
        assert f"{acct.id}/blobServices/default" in diags  # blob read/write/delete logs
    assert len(graph.by_type("azure-native:monitor:SubscriptionDiagnosticSetting")) == 2  # + security archive
    assert graph.by_type("azure-native:securityinsights:SentinelOnboardingState")


def test_no_principal_holds_two_of_the_three_functions(graph):
    groups = {
        r.inputs["displayName"].removeprefix("dosis-"): r for r in graph.by_type("azuread:index/group:Group")
    }
    eligible = graph.by_type(
        "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule"
    )
    gid = {g.outputs["objectId"]: f for f, g in groups.items()}
    members: dict[str, set[str]] = {f: set(groups[f].inputs.get("members") or []) for f in groups}
    for e in eligible:
        members[gid[e.inputs["groupId"]]].add(e.inputs["principalId"])
    for i, a in enumerate(TRIAD):
        for b in TRIAD[i + 1 :]:
            assert not members[a] & members[b], f"{a} and {b} share {members[a] & members[b]}"
    grants = graph.by_type("azure-native:authorization:RoleAssignment")
    owner_like = {ROLES["Owner"], ROLES["User Access Administrator"]}
    assert not [r.name for r in grants if r.inputs["roleDefinitionId"].rsplit("/", 1)[-1] in owner_like]
    # SQL Entra admin is the deployment identity, not a group of people (D36 §113)
    for s in graph.by_type("azure-native:sql:Server"):
        assert s.inputs["administrators"]["principalType"] == "Application"
        assert s.inputs["administrators"]["sid"] not in gid


def test_every_stateful_resource_is_protected_and_locked(graph):
    locks = locked_ids(graph)
    stateful = [r for r in custom(graph) if r.type in STATEFUL]
    # 2 vaults, 2 servers, database, storage account, workspace; + HSM, archive workspace, e-loket copies
    assert len(stateful) == 10
    unprotected = [r.name for r in stateful if not r.protect]
    unlocked = [r.name for r in stateful if r.id not in locks]
    assert not unprotected and not unlocked, (unprotected, unlocked)
    for key in graph.by_type(KEYS):  # keys are protected; the lock on their vault covers them
        assert key.protect
    for container in graph.by_type("azure-native:storage:BlobContainer"):
        assert container.protect
    assert not [r.name for r in custom(graph) if r.protect and r.type.startswith("azure-native:network:")]


def test_mfa_and_break_glass(graph):
    policies = graph.by_type("azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy")
    assert len(policies) == 2
    assert all(
        p.inputs["conditions"]["users"]["excludedUsers"] == ["00000000-0000-4000-8000-0000000b0001"]
        for p in policies
    )
    rules = {r.inputs["ruleId"] for r in graph.by_type("azure-native:securityinsights:ScheduledAlertRule")}
    assert "dosis-break-glass-sign-in" in rules


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("keyAdmins", ["00000000-0000-4000-8000-0000000d0001"], "is also in dbStructureAdmins"),
        ("accessRightsAdmins", ["00000000-0000-4000-8000-0000000d0001"], "is also in dbStructureAdmins"),
        ("operators", ["00000000-0000-4000-8000-0000000c0001"], "is also in keyAdmins"),
        ("namePrefix", "Dosis-Prod", "lowercase"),
        ("storageSku", "Standard_GRS", "expected one of"),
        ("sqlBackupRedundancy", "RA-GRS", "expected one of"),
        ("vpnGatewaySku", "VpnGw2", "expected one of"),
        ("failoverAddressSpace", "10.10.128.0/17", "overlaps"),
        ("primaryAddressSpace", "10.10.0.0/24", "/22"),
        ("dosisUitPrivateIp", "10.10.0.10", "private-endpoint subnet"),
        ("logTotalRetentionDays", 365, "10 years"),
        ("logTotalRetentionDays", 3650, "whole years"),
        ("trustedIpRanges", ["not-a-cidr"], "does not appear"),
    ],
)
def test_bad_config_names_file_and_key(key, value, message):
    with pytest.raises(Exception) as info:
        _record(**{f"dosis-eloket:{key}": value})
    text = str(info.value)
    assert text.startswith(f"stacks/Pulumi.dosis-prod.yaml: dosis-eloket:{key}: "), text
    assert message in text and "\n" not in text


def test_no_two_resources_share_an_id(graph):
    """Ids are how rules and references find a resource: children of same-named parents (every private
    endpoint's `default` zone group, every NSG's rules, every diagnostic setting `to-sentinel`) must not
    collide."""
    ids = [r.id for r in graph.resources if isinstance(r.id, str) and r.id.startswith("/subscriptions/")]
    assert len(ids) > 100
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_ids_built_before_deployment_name_the_subscription_the_providers_pin(graph):
    """Role definition ids and the gateway's IP configuration ids are built from a subscription id: it must be
    the one the providers deploy into, not the credentials' default (the offline engine's placeholder), or
    Azure rejects them whenever the two differ."""
    from gate.mock_base import SUBSCRIPTION_ID

    from policies.core.documents import iter_strings

    ids = [(r.name, s) for r in graph.resources for s in iter_strings(r.inputs) if "/subscriptions/" in s]
    assert len(ids) > 20
    assert [(name, s) for name, s in ids if f"/subscriptions/{SUBSCRIPTION_ID}" in s] == []
