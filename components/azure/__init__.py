"""DOSIS components on Azure westeurope with northeurope failover; one module per component (D36 §90-§102)."""

from components.azure.apps import AppPlan, AppPlanArgs, DosisApp, DosisAppArgs
from components.azure.database import SqlDatabase, SqlDatabaseArgs, SqlServerSide
from components.azure.identity import (
    AdminMfaPolicy,
    AdminMfaPolicyArgs,
    SeparationOfDuties,
    SeparationOfDutiesArgs,
)
from components.azure.keys import KeyStore, KeyStoreArgs
from components.azure.monitoring import SecurityMonitoring, SecurityMonitoringArgs
from components.azure.network import (
    PrivateDnsZones,
    PrivateDnsZonesArgs,
    RegionalNetwork,
    RegionalNetworkArgs,
)
from components.azure.storage import BulkStorage, BulkStorageArgs
from components.azure.vpn import VpnGateway, VpnGatewayArgs

__all__ = [
    "AdminMfaPolicy",
    "AdminMfaPolicyArgs",
    "AppPlan",
    "AppPlanArgs",
    "BulkStorage",
    "BulkStorageArgs",
    "DosisApp",
    "DosisAppArgs",
    "KeyStore",
    "KeyStoreArgs",
    "PrivateDnsZones",
    "PrivateDnsZonesArgs",
    "RegionalNetwork",
    "RegionalNetworkArgs",
    "SecurityMonitoring",
    "SecurityMonitoringArgs",
    "SeparationOfDuties",
    "SeparationOfDutiesArgs",
    "SqlDatabase",
    "SqlDatabaseArgs",
    "SqlServerSide",
    "VpnGateway",
    "VpnGatewayArgs",
]
