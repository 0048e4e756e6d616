"""DOSIS components with their defaults pass both policy packs on their own (see ../conftest.py).

The components get what the DOSIS stack gives them: a resource group, the SIEM workspace, the regional
network and private DNS zones, keys in the controller's Managed HSM, tags of the DOSIS PIA record.
SecurityMonitoring is not listed: its workspace meets the retention and key rules only with the Sentinel
and LogCluster components the stack adds (tests/stacks/test_dosis.py judges the assembly).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_azure_native as azure
import pytest
from azure_support import SUB, TENANT, record

from components.azure.apps import AppPlan, AppPlanArgs, DosisApp, DosisAppArgs
from components.azure.database import SqlDatabase, SqlDatabaseArgs, SqlServerSide
from components.azure.managed_hsm import ControllerHsm, ControllerHsmArgs
from components.azure.monitoring import SecurityMonitoring, SecurityMonitoringArgs
from components.azure.network import (
    PrivateDnsZones,
    PrivateDnsZonesArgs,
    RegionalNetwork,
    RegionalNetworkArgs,
)
from components.azure.storage import BulkStorage, BulkStorageArgs
from components.azure.vpn import VpnGateway, VpnGatewayArgs
from components.common.tags import Tags
from policies.core.eea import DOSIS_PRIMARY

STACK = "dosis-prod"
# Two groups, as the DOSIS stack has them: an HSM's initial administrators hold key administration (round 44),
# the SQL server's Entra administrator database structure; one principal with both breaks D36 §101 (3rd).
KEY_ADMINS = "00000000-0000-4000-8000-0000000000cc"
DB_ADMINS = "00000000-0000-4000-8000-0000000000dd"
KEY_VERSIONS = {p: f"{i:x}" * 32 for i, p in enumerate(("sql-tde", "storage", "logs"), start=1)}
TAGS = Tags(system="dosis", controller="Agentschap Informatie Vlaanderen",
            pia_reference="PIA-DOSIS-AZURE").as_dict()


class Base:
    """What the DOSIS stack hands a component: resource group and SIEM workspace; network on demand."""

    def __init__(self, opts: pulumi.ResourceOptions) -> None:
        self.opts = opts
        self.rg = azure.resources.ResourceGroup(
            "dep-rg", resource_group_name="dosis-test", location=DOSIS_PRIMARY, tags=TAGS, opts=opts).name
        self.ws = SecurityMonitoring("dep-siem", SecurityMonitoringArgs(
            resource_group_name=self.rg, subscription_id=SUB, tags=TAGS), opts=opts).workspace.id

    def hsm(self, name: str = "dep-hsm") -> ControllerHsm:
        return ControllerHsm(name, ControllerHsmArgs(
            hsm_name="dosis-test-hsm", resource_group_name=self.rg, tenant_id=TENANT,
            admin_object_ids=[KEY_ADMINS], tags=TAGS, key_versions=KEY_VERSIONS, activated=True,
            workspace_id=self.ws), opts=self.opts)

    def network(self, name: str = "dep-net") -> RegionalNetwork:
        return RegionalNetwork(name, RegionalNetworkArgs(resource_group_name=self.rg, tags=TAGS,
                                                         workspace_id=self.ws), opts=self.opts)

    def zones(self, net: RegionalNetwork, name: str = "dep-dns") -> PrivateDnsZones:
        return PrivateDnsZones(name, PrivateDnsZonesArgs(resource_group_name=self.rg, vnet_ids=[net.vnet.id],
                                                         tags=TAGS), opts=self.opts)


def _apps(b: Base) -> Any:
    net = b.network()
    plan = AppPlan("c", AppPlanArgs(resource_group_name=b.rg, tags=TAGS, workspace_id=b.ws), opts=b.opts)
    return DosisApp("c-app", DosisAppArgs(
        app_name="dosis-test-app", resource_group_name=b.rg, plan_id=plan.plan.id,
        integration_subnet_id=net.app_subnet.id, tags=TAGS, endpoint_subnet_id=net.endpoint_subnet.id,
        dns_zone_id=b.zones(net).zone_ids["sites"], workspace_id=b.ws), opts=b.opts)


def _storage(b: Base) -> Any:
    net, hsm = b.network(), b.hsm()
    return BulkStorage("c", BulkStorageArgs(
        account_name="dosistestcsv", resource_group_name=b.rg, subscription_id=SUB,
        key_vault_uri=hsm.vault_uri, key_name=hsm.key_name("storage"), key_scope=hsm.key_scope("storage"),
        tags=TAGS, endpoint_subnet_id=net.endpoint_subnet.id, dns_zone_id=b.zones(net).zone_ids["blob"],
        workspace_id=b.ws), opts=b.opts)


def _database(b: Base) -> Any:
    net, hsm = b.network(), b.hsm()
    side = SqlServerSide(
        resource_group_name=b.rg, server_name="dosis-test-sql", key_uri=hsm.key_uri("sql-tde"),
        key_scope=hsm.key_scope("sql-tde"), key_versioned_uri=hsm.key_versioned_uri("sql-tde"),
        endpoint_subnet_id=net.endpoint_subnet.id)
    return SqlDatabase("c", SqlDatabaseArgs(
        primary=side, secondary=None, subscription_id=SUB, tenant_id=TENANT, admin_login="dosis-deployer",
        admin_object_id=DB_ADMINS, tags=TAGS, dns_zone_id=b.zones(net).zone_ids["sqlServer"],
        workspace_id=b.ws), opts=b.opts)


def _vpn(b: Base) -> Any:
    net = b.network()
    return VpnGateway("c", VpnGatewayArgs(resource_group_name=b.rg, gateway_subnet_id=net.gateway_subnet.id,
                                          tags=TAGS, workspace_id=b.ws, subscription_id=SUB), opts=b.opts)


COMPONENTS: dict[str, Callable[[Base], Any]] = {
    "RegionalNetwork": lambda b: b.network("c"),
    "PrivateDnsZones": lambda b: b.zones(b.network(), "c"),
    "AppPlan+DosisApp": _apps,
    "VpnGateway": _vpn,
    "BulkStorage": _storage,
    "ControllerHsm": lambda b: b.hsm("c"),
    "SqlDatabase": _database,
}


@pytest.mark.parametrize("component", COMPONENTS)
def test_defaults_pass_both_packs(component, pack_findings):
    graph = record(lambda opts: COMPONENTS[component](Base(opts)))
    assert pack_findings(graph, STACK, "c") == []


def test_an_unclassified_network_is_found(pack_findings):
    """The check can fail: the same network without the classification tag is judged, not waved through."""
    unclassified = {k: v for k, v in TAGS.items() if k != "classification"}

    def build(opts: pulumi.ResourceOptions) -> None:
        b = Base(opts)
        args = RegionalNetworkArgs(resource_group_name=b.rg, tags=unclassified, workspace_id=b.ws)
        RegionalNetwork("c", args, opts=opts)

    found = pack_findings(record(build), STACK, "c")
    assert any(f.startswith("require-classification-tag on c-") for f in found), found
