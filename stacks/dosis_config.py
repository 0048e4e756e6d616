"""Configuration of stack `dosis-prod`: typed keys, and every check a component would otherwise make late.

A bad value names its file and key (stacks/config.py); the separation of the three functions is checked
on the configured members before any resource exists.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi

from components.azure.database import BACKUP_REDUNDANCY
from components.azure.identity import separation_conflict
from components.azure.logcluster import COMMITMENT_TIERS
from components.azure.monitoring import RETENTION_CHOICE, TOTAL_RETENTION_DAYS
from components.azure.storage import IN_REGION_SKUS, PAIRED_SKUS
from components.azure.vpn import ZONE_REDUNDANT_SKUS
from stacks.config import ConfigError
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
    """Static address of the westeurope DOSIS-UIT private endpoint (what the e-loket reaches over the VPN)."""
    dosis_uit_failover_private_ip: str = "10.11.1.10"
    """Static address of the northeurope DOSIS-UIT private endpoint (the e-loket's failover target)."""
    dosis_in_supplier_ip: str = "10.10.1.20"
    """Static address of the westeurope DOSIS-IN private endpoint that the supplier gateway forwards to."""
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
    log_total_retention_days: int = 3653
    """Interactive + archive log retention (DPA annex 1: 10 years)."""
    vpn_gateway_sku: str = "VpnGw2AZ"
    """Zone-redundant VPN gateway SKU."""
    vpn_bgp_asn: int = 65515
    """BGP ASN of the Azure VPN gateways (both regions)."""
    log_cluster_capacity: int = 100
    """Commitment tier (GB/day) of the CMK Log Analytics cluster."""
    log_cluster_key_granted: bool = True
    """The Log Analytics cluster exists and its system identity holds its key grant, so its key is set
    and the workspace linked; false for the first update (docs/runbook-dosis.md)."""
    sql_admin_object_id: str | None = None
    """Object id of the SQL Entra administrator (the deployment identity); default: who runs `pulumi up`."""
    supplier_cidrs: list[str] | None = None
    """Egress addresses of the suppliers pushing CSV files to DOSIS-IN (D36 §63); they call in over HTTPS
    with a client certificate (mutual TLS). None = suppliers reach DOSIS-IN only privately."""


FUNCTION_KEYS = {
    "db-structure-admin": "dbStructureAdmins",
    "access-rights-admin": "accessRightsAdmins",
    "key-admin": "keyAdmins",
    "security-auditor": "securityAuditors",
    "operator": "operators",
}


def _fail(key: str, message: str) -> ConfigError:
    return ConfigError(f"stacks/Pulumi.{pulumi.get_stack()}.yaml: dosis-eloket:{key}: {message}")


def members(cfg: DosisConfig) -> dict[str, list[str]]:
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


def validate(cfg: DosisConfig) -> dict[str, str]:
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
    for key, space in (
        ("dosisUitPrivateIp", "primaryAddressSpace"),
        ("dosisInSupplierIp", "primaryAddressSpace"),
        ("dosisUitFailoverPrivateIp", "failoverAddressSpace"),
    ):
        endpoint_subnet = list(nets[space].subnets(new_prefix=24))[1]
        try:
            ip = ipaddress.ip_address(getattr(cfg, _snake(key)))
        except ValueError as err:
            raise _fail(key, str(err)) from None
        if ip not in list(endpoint_subnet.hosts())[3:]:  # Azure reserves the first addresses of a subnet
            raise _fail(key, f"must be a usable address of the private-endpoint subnet {endpoint_subnet}")
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
    if cfg.log_total_retention_days not in TOTAL_RETENTION_DAYS:
        raise _fail(
            "logTotalRetentionDays",
            f"expected {RETENTION_CHOICE}, 10 years at least (DPA annex 1), "
            f"got {cfg.log_total_retention_days}",
        )
    for key in ("trustedIpRanges", "supplierCidrs"):
        for cidr in getattr(cfg, _snake(key)) or ():
            try:
                ipaddress.ip_network(cidr)
            except ValueError as err:
                raise _fail(key, str(err)) from None
    if cfg.log_cluster_capacity not in COMMITMENT_TIERS:
        raise _fail(
            "logClusterCapacity", f"expected one of {COMMITMENT_TIERS}, got {cfg.log_cluster_capacity}"
        )
    return {
        "kv_primary": f"{prefix}-kv-weu",
        "kv_failover": f"{prefix}-kv-neu",
        "sql_primary": f"{prefix}-sql-weu",
        "sql_failover": f"{prefix}-sql-neu",
        "storage": f"{prefix}csvweu",
        "cluster": f"{prefix}-logs-weu",
    }
