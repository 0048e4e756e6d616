"""Stack `dosis-prod`: DOSIS on Azure, westeurope with failover to northeurope (D36 §90-§102, §132).

One function per layer, in creation order: resource groups and the workspace (every later resource
sends its diagnostics there), networks and DNS, key stores, the CMK log cluster, Sentinel and private
query access, people, data stores, the apps and plans of both regions, and the VPN gateways of both
regions that the interconnect stack connects to. Failover: docs/runbook-dosis.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure

from components.azure import (
    AdminMfaPolicy,
    AdminMfaPolicyArgs,
    AppPlan,
    AppPlanArgs,
    BulkStorage,
    BulkStorageArgs,
    DosisApp,
    DosisAppArgs,
    KeyStore,
    KeyStoreArgs,
    PrivateDnsZones,
    PrivateDnsZonesArgs,
    RegionalNetwork,
    RegionalNetworkArgs,
    SecurityMonitoring,
    SecurityMonitoringArgs,
    SeparationOfDuties,
    SeparationOfDutiesArgs,
    SqlDatabase,
    SqlDatabaseArgs,
    SqlServerSide,
    VpnGateway,
    VpnGatewayArgs,
)
from components.azure.common import role_definition_id
from components.azure.logaccess import LogPrivateAccess, LogPrivateAccessArgs
from components.azure.logcluster import LogCluster, LogClusterArgs
from components.azure.sentinel import Sentinel, SentinelArgs
from components.common.tags import Tags
from components.interconnect.crypto import TUNNELS
from components.interconnect.link_args import apipa_address
from policies.core.eea import DOSIS_FAILOVER, DOSIS_PRIMARY
from stacks import sovereignty
from stacks.config import load
from stacks.dosis_config import DosisConfig, members, validate
from stacks.dosis_exports import APIPA_SLOTS, REGIONS, SHORT, exports


@dataclass
class Ctx:
    """What the layers share: config, names, tags, providers, resource groups, the workspace."""

    cfg: DosisConfig
    names: dict[str, str]
    tags: dict[str, str]
    sub: pulumi.Output[str]
    tenant: pulumi.Output[str]
    deployer: pulumi.Output[str]
    providers: dict[str, azure.Provider]
    rgs: dict[str, pulumi.Output[str]]
    ws: pulumi.Output[str] | None = None

    def opts(self, region: str, **kwargs) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(provider=self.providers[region], **kwargs)


def _foundation(cfg: DosisConfig) -> Ctx:
    names = validate(cfg)
    tags = Tags(system="dosis", controller=cfg.controller, pia_reference=cfg.pia_reference).as_dict()
    client = azure.authorization.get_client_config_output()
    # The subscription is named (not taken from the credentials) so the archive's can be shown to differ.
    providers = {r: azure.Provider(f"azure-{r}", location=r, subscription_id=cfg.workload_subscription_id)
                 for r in REGIONS}
    rgs = {
        r: azure.resources.ResourceGroup(
            f"rg-{r}",
            resource_group_name=f"{cfg.name_prefix}-{r}",
            location=r,
            tags=tags,
            opts=pulumi.ResourceOptions(provider=providers[r]),
        ).name
        for r in REGIONS
    }
    deployer = (
        pulumi.Output.from_input(cfg.sql_admin_object_id) if cfg.sql_admin_object_id else client.object_id
    )
    # Ids built before deployment (role definitions, the gateway's IP configurations) name the subscription
    # the providers deploy into: the client config is the credentials' default one, which may be another.
    sub = (pulumi.Output.from_input(cfg.workload_subscription_id) if cfg.workload_subscription_id
           else client.subscription_id)
    return Ctx(cfg, names, tags, sub, client.tenant_id, deployer, providers, rgs)


def _siem(c: Ctx) -> SecurityMonitoring:
    """D36 §101 (6th): the workspace every later resource sends its diagnostics to."""
    siem = SecurityMonitoring(
        "siem",
        SecurityMonitoringArgs(
            resource_group_name=c.rgs[DOSIS_PRIMARY],
            subscription_id=c.sub,
            tags=c.tags,
            workspace_name=f"{c.cfg.name_prefix}-sentinel",
            retention_days=c.cfg.log_retention_days,
            total_retention_days=c.cfg.log_total_retention_days,
            soc_emails=list(c.cfg.soc_emails or ()),
        ),
        opts=c.opts(DOSIS_PRIMARY),
    )
    c.ws = siem.workspace.id
    return siem


def _networks(c: Ctx) -> tuple[dict[str, RegionalNetwork], PrivateDnsZones]:
    """One VNet per region, each with a GatewaySubnet (a VPN gateway per region); shared private zones."""
    spaces = {DOSIS_PRIMARY: c.cfg.primary_address_space, DOSIS_FAILOVER: c.cfg.failover_address_space}
    net = {
        r: RegionalNetwork(
            SHORT[r],
            RegionalNetworkArgs(
                resource_group_name=c.rgs[r],
                tags=c.tags,
                location=r,
                address_space=spaces[r],
                workspace_id=c.ws,
            ),
            opts=c.opts(r),
        )
        for r in REGIONS
    }
    dns = PrivateDnsZones(
        "dns",
        PrivateDnsZonesArgs(
            resource_group_name=c.rgs[DOSIS_PRIMARY], vnet_ids=[n.vnet.id for n in net.values()], tags=c.tags
        ),
        opts=c.opts(DOSIS_PRIMARY),
    )
    return net, dns


def _keys(c: Ctx, net: dict[str, RegionalNetwork], dns: PrivateDnsZones) -> dict[str, KeyStore]:
    """One key store per region: every key is used only by services of its own region."""
    purposes = {DOSIS_PRIMARY: ("sql-tde", "storage", "logs"), DOSIS_FAILOVER: ("sql-tde",)}
    names = {DOSIS_PRIMARY: c.names["kv_primary"], DOSIS_FAILOVER: c.names["kv_failover"]}
    return {
        r: KeyStore(
            f"kv-{SHORT[r]}",
            KeyStoreArgs(
                vault_name=names[r],
                resource_group_name=c.rgs[r],
                tenant_id=c.tenant,
                tags=c.tags,
                location=r,
                purposes=purposes[r],
                endpoint_subnet_id=net[r].endpoint_subnet.id,
                dns_zone_id=dns.zone_ids["vault"],
                workspace_id=c.ws,
            ),
            opts=c.opts(r),
        )
        for r in REGIONS
    }


def _logs(c: Ctx, siem: SecurityMonitoring, kv: dict[str, KeyStore], net, dns) -> Sentinel | None:
    """CMK cluster linked before Sentinel is onboarded; private query access for the SOC (AMPLS). Before
    the cluster's identity holds its key grant (`logClusterKeyGranted: false`, the first update) there is
    no link, so Sentinel, which must be onboarded after it, is not declared yet."""
    cluster = LogCluster(
        "logs",
        LogClusterArgs(
            cluster_name=c.names["cluster"],
            resource_group_name=c.rgs[DOSIS_PRIMARY],
            subscription_id=c.sub,
            workspace_name=siem.workspace.name,
            key_vault_uri=kv[DOSIS_PRIMARY].vault_uri,
            key_name=kv[DOSIS_PRIMARY].key_name("logs"),
            key_scope=kv[DOSIS_PRIMARY].key_scope("logs"),
            tags=c.tags,
            capacity_gb_per_day=c.cfg.log_cluster_capacity,
            key_granted=c.cfg.log_cluster_key_granted,
        ),
        opts=c.opts(DOSIS_PRIMARY),
    )
    LogPrivateAccess(
        "soc-query",
        LogPrivateAccessArgs(
            resource_group_name=c.rgs[DOSIS_PRIMARY],
            workspace_id=siem.workspace.id,
            endpoint_subnet_id=net[DOSIS_PRIMARY].endpoint_subnet.id,
            dns_zone_ids=dns.zone_ids,
            tags=c.tags,
            scope_name=f"{c.cfg.name_prefix}-ampls",
        ),
        opts=c.opts(DOSIS_PRIMARY),
    )
    if cluster.link is None:
        return None
    return Sentinel(
        "sentinel",
        SentinelArgs(
            resource_group_name=c.rgs[DOSIS_PRIMARY],
            workspace_name=siem.workspace.name,
            retention_days=c.cfg.log_retention_days,
            total_retention_days=c.cfg.log_total_retention_days,
            customer_managed_key=True,
            after=[cluster.link, *siem.feeds, *kv.values()],
            break_glass_object_ids=list(c.cfg.break_glass_object_ids or ()),
        ),
        opts=c.opts(DOSIS_PRIMARY),
    )


def _people(c: Ctx) -> SeparationOfDuties:
    """Five closed groups, separated functions, PIM activation, MFA (D36 §101 3rd-5th, §115)."""
    duties = SeparationOfDuties(
        "duties",
        SeparationOfDutiesArgs(
            subscription_id=c.sub,
            members=members(c.cfg),
            group_prefix=c.cfg.name_prefix,
            just_in_time=c.cfg.just_in_time,
        ),
        opts=c.opts(DOSIS_PRIMARY),
    )
    AdminMfaPolicy(
        "mfa",
        AdminMfaPolicyArgs(
            admin_group_ids=duties.admin_group_ids(),
            trusted_ip_ranges=list(c.cfg.trusted_ip_ranges or ()),
            break_glass_object_ids=list(c.cfg.break_glass_object_ids or ()),
            name_prefix="DOSIS",
        ),
        opts=c.opts(DOSIS_PRIMARY),
    )
    return duties


def _data(c: Ctx, kv: dict[str, KeyStore], net, dns) -> tuple[SqlDatabase, BulkStorage]:
    """The dossier-status database (failover group) and the CSV storage, each under its region's key."""

    def side(region: str, server: str) -> SqlServerSide:
        return SqlServerSide(
            resource_group_name=c.rgs[region],
            server_name=server,
            key_uri=kv[region].key_uri("sql-tde"),
            key_scope=kv[region].key_scope("sql-tde"),
            key_versioned_uri=kv[region].key_versioned_uri("sql-tde"),
            location=region,
            endpoint_subnet_id=net[region].endpoint_subnet.id,
            provider=c.providers[region],
        )

    sql = SqlDatabase(
        "sql",
        SqlDatabaseArgs(
            primary=side(DOSIS_PRIMARY, c.names["sql_primary"]),
            secondary=side(DOSIS_FAILOVER, c.names["sql_failover"]),
            subscription_id=c.sub,
            tenant_id=c.tenant,
            admin_login=f"{c.cfg.name_prefix}-deployer",
            admin_object_id=c.deployer,
            tags=c.tags,
            sku_name=c.cfg.sql_sku,
            backup_storage_redundancy=c.cfg.sql_backup_redundancy,
            alert_emails=list(c.cfg.soc_emails or ()),
            dns_zone_id=dns.zone_ids["sqlServer"],
            workspace_id=c.ws,
            shared_key=kv[DOSIS_PRIMARY] is kv[DOSIS_FAILOVER],
        ),
        opts=c.opts(DOSIS_PRIMARY),
    )
    storage = BulkStorage(
        "csv",
        BulkStorageArgs(
            account_name=c.names["storage"],
            resource_group_name=c.rgs[DOSIS_PRIMARY],
            subscription_id=c.sub,
            key_vault_uri=kv[DOSIS_PRIMARY].vault_uri,
            key_name=kv[DOSIS_PRIMARY].key_name("storage"),
            key_scope=kv[DOSIS_PRIMARY].key_scope("storage"),
            tags=c.tags,
            sku=c.cfg.storage_sku,
            endpoint_subnet_id=net[DOSIS_PRIMARY].endpoint_subnet.id,
            dns_zone_id=dns.zone_ids["blob"],
            workspace_id=c.ws,
        ),
        opts=c.opts(DOSIS_PRIMARY),
    )
    return sql, storage


def _apps(c: Ctx, net, dns, storage: BulkStorage) -> dict[tuple[str, str], DosisApp]:
    """A zone-redundant plan and DOSIS-IN/DOSIS-UIT in each region, warm: the failover region serves
    as soon as the database failover group has switched (the apps use its listener name)."""
    fog_host = f"{c.names['sql_primary']}-fog.database.windows.net"
    uit_ips = {DOSIS_PRIMARY: c.cfg.dosis_uit_private_ip, DOSIS_FAILOVER: c.cfg.dosis_uit_failover_private_ip}
    apps = {}
    for region in REGIONS:
        plan = AppPlan(
            f"apps-{SHORT[region]}",
            AppPlanArgs(resource_group_name=c.rgs[region], tags=c.tags, location=region, workspace_id=c.ws),
            opts=c.opts(region),
        )
        for key, ip in (
            ("in", c.cfg.dosis_in_supplier_ip if region == DOSIS_PRIMARY else None),
            ("uit", uit_ips[region]),
        ):
            apps[(region, key)] = DosisApp(
                f"dosis-{key}-{SHORT[region]}",
                DosisAppArgs(
                    app_name=f"{c.cfg.name_prefix}-{key}-{SHORT[region]}",
                    resource_group_name=c.rgs[region],
                    plan_id=plan.plan.id,
                    integration_subnet_id=net[region].app_subnet.id,
                    tags=c.tags,
                    location=region,
                    app_settings={
                        "SQL_SERVER": fog_host,
                        "SQL_DATABASE": "dosis",
                        "CSV_ACCOUNT": c.names["storage"],
                        "DOSIS_REGION": region,
                    },
                    endpoint_subnet_id=net[region].endpoint_subnet.id,
                    dns_zone_id=dns.zone_ids["sites"],
                    private_ip=ip,
                    supplier_cidrs=list(c.cfg.supplier_cidrs)
                    if key == "in" and c.cfg.supplier_cidrs
                    else None,
                    workspace_id=c.ws,
                ),
                opts=c.opts(region),
            )
        # Least privilege (DPA annex 3 a.i.3): DOSIS-IN may write CSV files into the one container.
        azure.authorization.RoleAssignment(
            f"dosis-in-{SHORT[region]}-csv-writer",
            scope=storage.container_scope(),
            role_definition_id=role_definition_id(c.sub, "Storage Blob Data Contributor"),
            principal_id=apps[(region, "in")].principal_id,
            principal_type="ServicePrincipal",
            description="DOSIS-IN writes CSV bulk loads into csv-inbox only",
            opts=pulumi.ResourceOptions(parent=apps[(region, "in")]),
        )
    return apps


def _vpn(c: Ctx, net: dict[str, RegionalNetwork]) -> dict[str, VpnGateway]:
    """A VPN gateway per region (D36 §96/§131); the interconnect builds a tunnel set to each."""
    gateways = {}
    for region in REGIONS:
        subnet = net[region].gateway_subnet
        assert subnet is not None
        gateways[region] = VpnGateway(
            "vpn" if region == DOSIS_PRIMARY else f"vpn-{SHORT[region]}",
            VpnGatewayArgs(
                resource_group_name=c.rgs[region],
                gateway_subnet_id=subnet.id,
                tags=c.tags,
                location=region,
                sku=c.cfg.vpn_gateway_sku,
                bgp_asn=c.cfg.vpn_bgp_asn,
                subscription_id=c.sub,
                gateway_name=f"{c.cfg.name_prefix}-vpn"
                + ("" if region == DOSIS_PRIMARY else f"-{SHORT[region]}"),
                custom_bgp_addresses=tuple(
                    tuple(apipa_address(i, t, "azure") for t in TUNNELS) for i in APIPA_SLOTS[region]
                ),
                workspace_id=c.ws,
            ),
            opts=c.opts(region),
        )
    return gateways


def main() -> None:
    c = _foundation(load(DosisConfig))
    siem = _siem(c)
    net, dns = _networks(c)
    kv = _keys(c, net, dns)
    duties = _people(c)
    # keyCustody: the regional vaults or the controller's Managed HSM (docs/sovereignty.md)
    admins = [duties.groups["key-admin"].object_id]
    keys = sovereignty.dosis_keys(c.cfg, kv, c.rgs[DOSIS_PRIMARY], c.tenant, admins, c.ws, c.tags,
                                  c.opts(DOSIS_PRIMARY))
    _logs(c, siem, keys.by_region(), net, dns)
    sovereignty.dosis_security_archive(c.cfg, keys, c.tags, c.sub, c.providers[DOSIS_PRIMARY])
    _, storage = _data(c, keys.by_region(), net, dns)
    apps = _apps(c, net, dns, storage)
    vpn = _vpn(c, net)
    sovereignty.offvendor_backups(c.cfg, c.ws, c.tags)
    exports(c, siem, net, apps, vpn)
