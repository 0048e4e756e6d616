"""Drives Azure Import/Export returns by courier (round 35): an export job copies blobs onto drives shipped to
`returnAddress`, and an import job ships the customer's drives (the data still on them) back there. The data
then is wherever that address is, whatever region the storage account is in: the address's country must be
an EEA state (by ISO code or English name); any other country, or none the pack knows, blocks.
"""

from __future__ import annotations

from policies.core.endpoints import EEA_COUNTRIES
from policies.core.view import ResourceView, is_unknown

IMPORT_EXPORT_JOB = "azure-native:importexport:Job"
COUNTRY_PATH = "properties.returnAddress.countryOrRegion"
_EEA_NAMES = frozenset({
    "austria", "belgium", "bulgaria", "croatia", "cyprus", "czechia", "czech republic", "denmark", "estonia",
    "finland", "france", "germany", "greece", "hungary", "ireland", "italy", "latvia", "lithuania",
    "luxembourg", "malta", "netherlands", "the netherlands", "poland", "portugal", "romania", "slovakia",
    "slovenia", "spain", "sweden", "iceland", "liechtenstein", "norway"})


def eea_country(value: str) -> bool:
    """True for an EEA state written as its ISO 3166 alpha-2 code or its English name."""
    v = value.strip()
    return v.upper() in EEA_COUNTRIES or v.lower() in _EEA_NAMES


def returned_drives(view: ResourceView) -> list[tuple[str, str, str]]:
    """The return address of an Import/Export job's drives, unless it is in an EEA state."""
    country = view.get(COUNTRY_PATH)
    if is_unknown(country):
        return [(COUNTRY_PATH, "unknown", "")]
    if isinstance(country, str) and eea_country(country):
        return []
    return [(COUNTRY_PATH, "site", f"an Import/Export job ships drives holding the data to an address in "
             f"{country!r}, which is not an EEA state the pack knows (ISO code or English name)")]
