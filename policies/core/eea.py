"""The one place that defines where data may live: the EEA regions of AWS and Azure.

Components take their default regions from here and the `eu-residency` pack judges against it;
pack config can only narrow these sets. Sources: AWS and Azure region lists; the EEA is the 27 EU
states plus Iceland, Liechtenstein and Norway. London (UK) and Zurich/Geneva (CH) are *not* EEA,
whatever their `eu-` prefix or "Europe" geography says.
"""

from __future__ import annotations

AWS_EEA_REGIONS: frozenset[str] = frozenset({
    "eu-west-1",       # Ireland
    "eu-west-3",       # Paris
    "eu-central-1",    # Frankfurt
    "eu-north-1",      # Stockholm
    "eu-south-1",      # Milan
    "eu-south-2",      # Spain (Aragón)
    "eusc-de-east-1",  # AWS European Sovereign Cloud, Brandenburg
})

AWS_NON_EEA_EUROPE: frozenset[str] = frozenset({"eu-west-2", "eu-central-2"})  # London, Zurich

AZURE_EEA_REGIONS: frozenset[str] = frozenset({
    "westeurope",          # Netherlands
    "northeurope",         # Ireland
    "francecentral", "francesouth",
    "germanywestcentral", "germanynorth",
    "swedencentral", "swedensouth",
    "norwayeast", "norwaywest",
    "italynorth",
    "polandcentral",
    "spaincentral",
    "austriaeast",
    "belgiumcentral",
})

AZURE_NON_EEA_EUROPE: frozenset[str] = frozenset({"uksouth", "ukwest", "switzerlandnorth", "switzerlandwest"})

# This project's own placement (D36 §90, §100, §105): DOSIS in the Netherlands with failover to
# Ireland, the e-loket in Ireland.
DOSIS_PRIMARY = "westeurope"
DOSIS_FAILOVER = "northeurope"
PORTAL_REGION = "eu-west-1"


def normalize_azure_location(location: str) -> str:
    """Azure accepts display names ("West Europe") and names ("westeurope") alike."""
    return location.replace(" ", "").replace("-", "").lower()


def is_eea(cloud: str, region: str) -> bool:
    """True when `region` of `cloud` ("aws" or "azure") lies in the EEA."""
    if cloud == "aws":
        return region in AWS_EEA_REGIONS
    if cloud == "azure":
        return normalize_azure_location(region) in AZURE_EEA_REGIONS
    raise ValueError(f"unknown cloud {cloud!r}")
