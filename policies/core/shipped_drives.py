"""Drives Azure Import/Export returns by courier (round 35): an export job copies blobs onto drives shipped to
`returnAddress`, and an import job ships the customer's drives (the data still on them) back there. The data
then is wherever that address is, whatever region the storage account is in: the address's country must be
an EEA state (by ISO code or English name); any other country, or none the pack knows, blocks. Round 38:
also an ISO alpha-3 code, or the name in the state's own languages or in Dutch, French or German
(`BEL`, `België`, `Deutschland`), compared without case or accents; other spellings block, asking for the
alpha-2 code.
"""

from __future__ import annotations

import unicodedata

from policies.core.endpoints import EEA_COUNTRIES
from policies.core.view import ResourceView, is_unknown
from policies.data.eea_countries import EEA_NAMES

IMPORT_EXPORT_JOB = "azure-native:importexport:Job"
COUNTRY_PATH = "properties.returnAddress.countryOrRegion"


def _folded(name: str) -> str:
    """A name compared without case, accents or spacing (`België` is `belgie`, `Ísland` is `island`)."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())


_EEA_NAMES = frozenset(_folded(n) for names in EEA_NAMES.values() for n in names)


def eea_country(value: str) -> bool:
    """True for an EEA state written as its ISO 3166 alpha-2 or alpha-3 code, or its name in English, in
    its own languages, or in Dutch, French or German (policies/data/eea_countries.py)."""
    return value.strip().upper() in EEA_COUNTRIES or _folded(value) in _EEA_NAMES


def returned_drives(view: ResourceView) -> list[tuple[str, str, str]]:
    """The return address of an Import/Export job's drives, unless it is in an EEA state."""
    country = view.get(COUNTRY_PATH)
    if is_unknown(country):
        return [(COUNTRY_PATH, "unknown", "")]
    if isinstance(country, str) and eea_country(country):
        return []
    return [(COUNTRY_PATH, "site", f"an Import/Export job ships drives holding the data to an address in "
             f"{country!r}, which is not an EEA state the pack knows (write its ISO 3166-1 alpha-2 code, "
             "e.g. BE; alpha-3 codes and the state's name in English, its own languages, Dutch, French or "
             "German are also read)")]
