"""Stack `dosis-prod`: DOSIS on Azure, westeurope with failover to northeurope (D36 §90-§102, §132).

Creation order follows the dependencies: resource groups and the SIEM first (every later resource
sends its diagnostics there), then networks and DNS, key stores, identities and groups, the data
stores that use the keys, the apps, and last the VPN gateway the interconnect stack connects to.
"""

from __future__ import annotations

import ipaddress
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
from components.azure.database import BACKUP_REDUNDANCY
from components.azure.identity import separation_conflict
from components.azure.monitoring import MAX_TOTAL_RETENTION_DAYS
from components.azure.storage import IN_REGION_SKUS, PAIRED_SKUS
from components.azure.vpn import ZONE_REDUNDANT_SKUS
from components.common.tags import Tags
from components.interconnect.crypto import TUNNELS
from components.interconnect.link import apipa_address
from policies.core.eea import DOSIS_FAILOVER, DOSIS_PRIMARY
from stacks import sovereignty
from stacks.config import ConfigError, load
from stacks.sovereignty_config import DosisSovereignty


@dataclass(frozen=True)
class DosisConfig(DosisSovereignty):
    """Keys of `stacks/Pulumi.dosis-prod.yaml` (namespace `dosis-eloket:`, camelCase)."""

    pia_reference: str
    """PIA record covering this deployment (stacks/records/); D36 §102: no rollout before the PIA."""
    controller: str = "Agentschap Informatie Vlaanderen"
    """Controller of the DOSIS data (D36 §21)."""
    name_prefix: str = "dosis"
    """Prefix of globally unique names (vaults, servers, storage, apps); lowercase letters/digits, <= 8."""
    primary_address_space: str = "10.10.0.0/16"
    """westeurope VNet (must not overlap the e-loket VPC, 10.20.0.0/16)."""
    failover_address_space: str = "10.11.0.0/16"
    """northeurope VNet."""
    dosis_uit_private_ip: str = "10.10.1.10"
    """Static address of the DOSIS-UIT private endpoint (what the e-loket reaches over the VPN)."""
    trusted_ip_ranges: list[str] | None = None
    """CIDRs of the organisation network (trusted named location); none = MFA for every sign-in."""
    break_glass_object_ids: list[str] | None = None
    """Emergency accounts excluded from Conditional Access; every sign-in raises an incident."""
    soc_emails: list[str] | None = None
    """SOC mailboxes of the action group."""
    db_structure_admins: list[str] | None = None
    """Entra object ids of database-structure administrators."""
    access_rights_admins: list[str] | None = None
    """Entra object ids of access-rights administrators."""
    key_admins: list[str] | None = None
    """Entra object ids of key administrators."""
    security_auditors: list[str] | None = None
    """Entra object ids of security auditors (read-only)."""
    operators: list[str] | None = None
    """Entra object ids of operators."""
    just_in_time: bool = True
    """Privileged roles as PIM eligibilities (needs Entra ID P2)."""
    sql_sku: str = "GP_Gen5_2"
    """Azure SQL vCore SKU."""
    sql_backup_redundancy: str = "Zone"
    """Backup storage redundancy: Zone keeps backups in their region; the geo-secondary is the copy."""
    storage_sku: str = "Standard_GZRS"
    """CSV storage replication (GZRS: zone-redundant + copy in the EEA paired region northeurope)."""
    log_retention_days: int = 90
    """Interactive log retention."""
    log_total_retention_days: int = 3650
    """Interactive + archive log retention (DPA annex 1: 10 years)."""
    vpn_gateway_sku: str = "VpnGw2AZ"
    """Zone-redundant VPN gateway SKU."""
    vpn_bgp_asn: int = 65515
    """BGP ASN of the Azure VPN gateway."""


FUNCTION_KEYS = {
    "db-structure-admin": "dbStructureAdmins",
    "access-rights-admin": "accessRightsAdmins",
    "key-admin": "keyAdmins",
    "security-auditor": "securityAuditors",
    "operator": "operators",
}


def _fail(key: str, message: str) -> ConfigError:
    return ConfigError(f"stacks/Pulumi.{pulumi.get_stack()}.yaml: dosis-eloket:{key}: {message}")


def _members(cfg: DosisConfig) -> dict[str, list[str]]:
    """Members per function; a principal in two functions that must stay apart is refused, naming the key."""
    members = {f: list(getattr(cfg, _snake(k)) or ()) for f, k in FUNCTION_KEYS.items()}
    conflict = separation_conflict(members)
    if conflict:
        principal, function, other = conflict
        raise _fail(
            FUNCTION_KEYS[function], f"{principal} is also in {FUNCTION_KEYS[other]} (separation of duties)"
        )
    return members


def _snake(camel: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)


def _validate(cfg: DosisConfig) -> dict[str, str]:
    """Check every config value the components would refuse, so a bad value names its key; return names."""
    prefix = cfg.name_prefix
    if not (prefix.isalnum() and prefix.islower() and len(prefix) <= 8):
        raise _fail("namePrefix", f"expected <= 8 lowercase letters/digits, got {prefix!r}")
    nets = {}
    for key in ("primaryAddressSpace", "failoverAddressSpace"):
        try:
            nets[key] = ipaddress.ip_network(getattr(cfg, _snake(key)))
        except ValueError as err:
            raise _fail(key, str(err)) from None
        if nets[key].prefixlen > 22:
            raise _fail(key, "need at least a /22 (app, private-endpoint and gateway subnets)")
    if nets["primaryAddressSpace"].overlaps(nets["failoverAddressSpace"]):
        raise _fail("failoverAddressSpace", "overlaps primaryAddressSpace")
    endpoint_subnet = list(nets["primaryAddressSpace"].subnets(new_prefix=24))[1]
    try:
        uit_ip = ipaddress.ip_address(cfg.dosis_uit_private_ip)
    except ValueError as err:
        raise _fail("dosisUitPrivateIp", str(err)) from None
    if uit_ip not in list(endpoint_subnet.hosts())[3:]:  # Azure reserves the first addresses of a subnet
        raise _fail(
            "dosisUitPrivateIp", f"must be a usable address of the private-endpoint subnet {endpoint_subnet}"
        )
    choices = {
        "sqlBackupRedundancy": (cfg.sql_backup_redundancy, BACKUP_REDUNDANCY),
        "storageSku": (cfg.storage_sku, IN_REGION_SKUS + PAIRED_SKUS),
        "vpnGatewaySku": (cfg.vpn_gateway_sku, ZONE_REDUNDANT_SKUS),
    }
    for key, (value, allowed) in choices.items():
        if value not in allowed:
            raise _fail(key, f"expected one of {', '.join(allowed)}, got {value!r}")
    if not 30 <= cfg.log_retention_days <= 730:
        raise _fail("logRetentionDays", f"expected 30..730, got {cfg.log_retention_days}")
    if not 3650 <= cfg.log_total_retention_days <= MAX_TOTAL_RETENTION_DAYS:
        raise _fail(
            "logTotalRetentionDays",
            f"expected 3650..{MAX_TOTAL_RETENTION_DAYS} (10 years, DPA annex 1), "
            f"got {cfg.log_total_retention_days}",
        )
    for key in ("trustedIpRanges",):
        for cidr in getattr(cfg, _snake(key)) or ():
            try:
                ipaddress.ip_network(cidr)
            except ValueError as err:
                raise _fail(key, str(err)) from None
    return {
        "kv_primary": f"{prefix}-kv-weu",
        "kv_failover": f"{prefix}-kv-neu",
        "sql_primary": f"{prefix}-sql-weu",
        "sql_failover": f"{prefix}-sql-neu",
        "storage": f"{prefix}csvweu",
        "app_in": f"{prefix}-in-weu",
        "app_uit": f"{prefix}-uit-weu",
    }


def main() -> None:
    cfg = load(DosisConfig)
    names = _validate(cfg)
    members = _members(cfg)
    tags = Tags(system="dosis", controller=cfg.controller, pia_reference=cfg.pia_reference).as_dict()
    client = azure.authorization.get_client_config_output()
    sub, tenant = client.subscription_id, client.tenant_id
    providers = {
        region: azure.Provider(f"azure-{region}", location=region)
        for region in (DOSIS_PRIMARY, DOSIS_FAILOVER)
    }
    popts = {r: pulumi.ResourceOptions(provider=p) for r, p in providers.items()}
    rgs = {
        region: azure.resources.ResourceGroup(
            f"rg-{region}",
            resource_group_name=f"{cfg.name_prefix}-{region}",
            location=region,
            tags=tags,
            opts=popts[region],
        )
        for region in providers
    }
    rg_w, rg_n = rgs[DOSIS_PRIMARY].name, rgs[DOSIS_FAILOVER].name

    # 1. SIEM (D36 §101 6th): everything below sends its diagnostics here.
    siem = SecurityMonitoring(
        "siem",
        SecurityMonitoringArgs(
            resource_group_name=rg_w,
            subscription_id=sub,
            tags=tags,
            workspace_name=f"{cfg.name_prefix}-sentinel",
            retention_days=cfg.log_retention_days,
            total_retention_days=cfg.log_total_retention_days,
            soc_emails=list(cfg.soc_emails or ()),
            break_glass_object_ids=list(cfg.break_glass_object_ids or ()),
        ),
        opts=popts[DOSIS_PRIMARY],
    )
    ws = siem.workspace.id

    # 2. Networks and private DNS.
    net = {
        DOSIS_PRIMARY: RegionalNetwork(
            "weu",
            RegionalNetworkArgs(
                resource_group_name=rg_w,
                tags=tags,
                location=DOSIS_PRIMARY,
                address_space=cfg.primary_address_space,
                workspace_id=ws,
            ),
            opts=popts[DOSIS_PRIMARY],
        ),
        DOSIS_FAILOVER: RegionalNetwork(
            "neu",
            RegionalNetworkArgs(
                resource_group_name=rg_n,
                tags=tags,
                location=DOSIS_FAILOVER,
                address_space=cfg.failover_address_space,
                gateway_subnet_cidr="",
                workspace_id=ws,
            ),
            opts=popts[DOSIS_FAILOVER],
        ),
    }
    dns = PrivateDnsZones(
        "dns",
        PrivateDnsZonesArgs(resource_group_name=rg_w, vnet_ids=[n.vnet.id for n in net.values()], tags=tags),
        opts=popts[DOSIS_PRIMARY],
    )

    # 3. Key stores, one per region (the failover key stays in its region).
    kv = {
        DOSIS_PRIMARY: KeyStore(
            "kv-weu",
            KeyStoreArgs(
                vault_name=names["kv_primary"],
                resource_group_name=rg_w,
                tenant_id=tenant,
                tags=tags,
                location=DOSIS_PRIMARY,
                purposes=("sql-tde", "storage"),
                endpoint_subnet_id=net[DOSIS_PRIMARY].endpoint_subnet.id,
                dns_zone_id=dns.zone_ids["vault"],
                workspace_id=ws,
            ),
            opts=popts[DOSIS_PRIMARY],
        ),
        DOSIS_FAILOVER: KeyStore(
            "kv-neu",
            KeyStoreArgs(
                vault_name=names["kv_failover"],
                resource_group_name=rg_n,
                tenant_id=tenant,
                tags=tags,
                location=DOSIS_FAILOVER,
                purposes=("sql-tde",),
                endpoint_subnet_id=net[DOSIS_FAILOVER].endpoint_subnet.id,
                dns_zone_id=dns.zone_ids["vault"],
                workspace_id=ws,
            ),
            opts=popts[DOSIS_FAILOVER],
        ),
    }


    # 4. People: five closed groups, separated functions, MFA (D36 §101 3rd-5th).
    duties = SeparationOfDuties(
        "duties",
        SeparationOfDutiesArgs(
            subscription_id=sub, members=members, group_prefix=cfg.name_prefix, just_in_time=cfg.just_in_time
        ),
        opts=popts[DOSIS_PRIMARY],
    )
    AdminMfaPolicy(
        "mfa",
        AdminMfaPolicyArgs(
            admin_group_ids=duties.admin_group_ids(),
            trusted_ip_ranges=list(cfg.trusted_ip_ranges or ()),
            break_glass_object_ids=list(cfg.break_glass_object_ids or ()),
            name_prefix="DOSIS",
        ),
        opts=popts[DOSIS_PRIMARY],
    )

    # Controller-held keys (keyCustody) and the log archive in the security subscription.
    key_admins = [duties.groups["key-admin"].object_id]
    keys = sovereignty.dosis_keys(cfg, kv, rg_w, tenant, key_admins, ws, tags, popts[DOSIS_PRIMARY])
    sovereignty.dosis_security_archive(cfg, keys, tags, providers[DOSIS_PRIMARY], siem, rg_w)

    # 5. Data: the dossier-status database and the CSV bulk-load storage.
    def side(region: str, server: str, rg: pulumi.Input[str]) -> SqlServerSide:
        return SqlServerSide(
            resource_group_name=rg,
            server_name=server,
            key_uri=keys.uri(region, "sql-tde"),
            key_scope=keys.scope(region, "sql-tde"),
            key_versioned_uri=keys.versioned_uri(region, "sql-tde"),
            location=region,
            endpoint_subnet_id=net[region].endpoint_subnet.id,
            provider=providers[region],
        )

    db_admins = duties.groups["db-structure-admin"]
    SqlDatabase(
        "sql",
        SqlDatabaseArgs(
            primary=side(DOSIS_PRIMARY, names["sql_primary"], rg_w),
            secondary=side(DOSIS_FAILOVER, names["sql_failover"], rg_n),
            subscription_id=sub,
            tenant_id=tenant,
            admin_group_name=db_admins.display_name,
            admin_group_object_id=db_admins.object_id,
            tags=tags,
            sku_name=cfg.sql_sku,
            backup_storage_redundancy=cfg.sql_backup_redundancy,
            alert_emails=list(cfg.soc_emails or ()),
            dns_zone_id=dns.zone_ids["sqlServer"],
            workspace_id=ws,
        ),
        opts=popts[DOSIS_PRIMARY],
    )
    storage = BulkStorage(
        "csv",
        BulkStorageArgs(
            account_name=names["storage"],
            resource_group_name=rg_w,
            subscription_id=sub,
            key_vault_uri=keys.vault_uri(DOSIS_PRIMARY),
            key_name="storage",
            key_scope=keys.scope(DOSIS_PRIMARY, "storage"),
            tags=tags,
            sku=cfg.storage_sku,
            endpoint_subnet_id=net[DOSIS_PRIMARY].endpoint_subnet.id,
            dns_zone_id=dns.zone_ids["blob"],
            workspace_id=ws,
        ),
        opts=popts[DOSIS_PRIMARY],
    )

    # 6. Apps: DOSIS-IN (suppliers push) and DOSIS-UIT (the e-loket reads), private inbound only.
    plan = AppPlan(
        "apps", AppPlanArgs(resource_group_name=rg_w, tags=tags, workspace_id=ws), opts=popts[DOSIS_PRIMARY]
    )
    apps = {}
    for key, app_name, ip in (
        ("in", names["app_in"], None),
        ("uit", names["app_uit"], cfg.dosis_uit_private_ip),
    ):
        apps[key] = DosisApp(
            f"dosis-{key}",
            DosisAppArgs(
                app_name=app_name,
                resource_group_name=rg_w,
                plan_id=plan.plan.id,
                integration_subnet_id=net[DOSIS_PRIMARY].app_subnet.id,
                tags=tags,
                endpoint_subnet_id=net[DOSIS_PRIMARY].endpoint_subnet.id,
                dns_zone_id=dns.zone_ids["sites"],
                private_ip=ip,
                workspace_id=ws,
            ),
            opts=popts[DOSIS_PRIMARY],
        )
    # Least privilege (DPA annex 3 a.i.3): DOSIS-IN may write CSV files into the one container; the
    # database grants (DOSIS-IN writer, DOSIS-UIT reader) are contained Entra users inside SQL.
    azure.authorization.RoleAssignment(
        "dosis-in-csv-writer",
        scope=storage.container_scope(),
        role_definition_id=role_definition_id(sub, "Storage Blob Data Contributor"),
        principal_id=apps["in"].principal_id,
        principal_type="ServicePrincipal",
        description="DOSIS-IN writes CSV bulk loads into csv-inbox only",
        opts=pulumi.ResourceOptions(parent=apps["in"]),
    )

    # Off-vendor copies in the EEA under controller-held keys (docs/sovereignty.md).
    sovereignty.offvendor_backups(cfg, ws, tags)

    # 7. VPN gateway for the interconnect stack (D36 §96/§131).
    gateway_subnet = net[DOSIS_PRIMARY].gateway_subnet
    assert gateway_subnet is not None
    vpn = VpnGateway(
        "vpn",
        VpnGatewayArgs(
            resource_group_name=rg_w,
            gateway_subnet_id=gateway_subnet.id,
            tags=tags,
            sku=cfg.vpn_gateway_sku,
            bgp_asn=cfg.vpn_bgp_asn,
            subscription_id=sub,
            gateway_name=f"{cfg.name_prefix}-vpn",
            # APIPA inside addresses the interconnect gives the AWS tunnels (one definition, both ends).
            custom_bgp_addresses=tuple(
                tuple(apipa_address(i, t, "azure") for t in TUNNELS) for i in range(2)
            ),
            workspace_id=ws,
        ),
        opts=popts[DOSIS_PRIMARY],
    )

    primary = net[DOSIS_PRIMARY]
    pulumi.export("vpnGatewayPublicIps", vpn.public_ip_addresses())
    pulumi.export("vpnGatewayId", vpn.gateway.id)
    pulumi.export("vpnGatewayBgpAsn", cfg.vpn_bgp_asn)
    pulumi.export("vpnGatewayBgpPeeringAddresses", vpn.bgp_peering_addresses())
    pulumi.export("vpnGatewayIpConfigurationIds", vpn.ip_configuration_ids)
    pulumi.export("vnetCidrs", [cfg.primary_address_space])
    pulumi.export("dosisUitPrivateIp", apps["uit"].private_ip())
    pulumi.export("dosisUitSubnetCidr", primary.endpoint_subnet_cidr)
    pulumi.export("resourceGroupName", rg_w)
    pulumi.export("location", DOSIS_PRIMARY)
    pulumi.export("privateEndpointNsgName", primary.endpoint_nsg.name)
    pulumi.export("logAnalyticsWorkspaceId", ws)
    pulumi.export("actionGroupId", siem.action_group.id)
