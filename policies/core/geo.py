"""Geo-redundant copies implied by a SKU or redundancy setting: they land in the home region's pair."""

from __future__ import annotations

from policies.core.eea import normalize_azure_location
from policies.core.location import AZURE_PAIRS, Allowed, Location, region_verdict
from policies.core.view import ResourceView, get_path, is_unknown, unknown_message

# type -> input paths whose value says the data is copied to the paired region ([] = every element)
GEO_SETTINGS: dict[str, tuple[str, ...]] = {
    "azure-native:storage:StorageAccount": ("sku.name",),
    "azure-native:sql:Database": ("requestedBackupStorageRedundancy",),
    "azure-native:sql:ManagedInstance": ("requestedBackupStorageRedundancy",),
    "azure-native:recoveryservices:Vault": ("properties.redundancySettings.standardTierStorageRedundancy",),
    "azure-native:dataprotection:BackupVault": ("properties.storageSettings[].type",),
}
_GEO = ("GRS", "RAGRS", "GZRS", "RAGZRS", "GEO", "GEOZONE", "GEOREDUNDANT")


def _values(view: ResourceView, path: str) -> list[tuple[str, object]]:
    head, _, rest = path.partition("[]")
    value = view.get(head)
    if not rest:
        return [(head, value)]
    if not isinstance(value, list):
        return [(head, value)] if is_unknown(value) else []
    return [(f"{head}.{i}{rest}", get_path(v, rest.lstrip("."))) for i, v in enumerate(value)]


def geo_copies(view: ResourceView, home: Location | None) -> list[tuple[str, str | None, str | None]]:
    """(field, paired region, problem) for every geo-redundant setting of the resource."""
    out: list[tuple[str, str | None, str | None]] = []
    for path in GEO_SETTINGS.get(view.type, ()):
        for field, value in _values(view, path):
            if value is None:
                continue
            if is_unknown(value):
                out.append((field, None, unknown_message(field, "where the geo-redundant copy goes")))
                continue
            token = str(value).upper().replace("STANDARD_", "").replace("PREMIUM_", "").replace("_", "")
            if token not in _GEO or home is None or home.region is None:
                continue
            pair = AZURE_PAIRS.get(normalize_azure_location(home.region))
            if pair is None:
                out.append(
                    (
                        field,
                        None,
                        f"`{field}` = {value!r} is geo-redundant but {home.region!r} has no "
                        "known paired region, so the copy's location cannot be judged",
                    )
                )
            else:
                out.append((field, pair, None))
    return out


# Settings that decide where requests are processed: an Azure OpenAI `Global*` deployment anywhere in the
# world, a `DataZone*` one across the EU data zone (regions the pack does not all allow), a `DeveloperTier`
# one (fine-tuned models under test: "no data residency guarantees", Azure OpenAI docs); an Amazon Location
# resource whose data provider is Esri, HERE or Grab, which sends request parameters (addresses searched,
# positions routed) to the provider "for processing, which may be outside of the AWS Region" (AWS GovCloud
# user guide, Amazon Location; only Open Data is processed by AWS in the region).
# type -> (input path, values that route).
_LOCATION_PROVIDERS = ("esri", "here", "grab")  # in a data source or a map style (`VectorHereExplore`)
ROUTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "azure-native:cognitiveservices:Deployment": ("sku.name", ("global", "datazone", "developer")),
    "aws:location/placeIndex:PlaceIndex": ("dataSource", _LOCATION_PROVIDERS),
    "aws:location/routeCalculation:RouteCalculation": ("dataSource", _LOCATION_PROVIDERS),
    "aws:location/map:Map": ("configuration.style", _LOCATION_PROVIDERS),
}
ROUTED_SKUS = {t: path for t, (path, _) in ROUTED.items()}  # the types routed_processing judges
_FIX_SKU = "(Global: any region worldwide; DataZone: across the data zone; Developer: no data residency); " \
    "use a regional SKU (Standard, ProvisionedManaged)"
_FIX_PROVIDER = "(the data provider's own service); use the Open Data provider, or declare the provider " \
    "with its region in stacks/records/endpoints.yaml and send it the requests from code the stack judges"


def routed_processing(view: ResourceView) -> list[str]:
    """Why requests to the resource are processed outside its own region ([] when they are not)."""
    spec = ROUTED.get(view.type)
    if spec is None:
        return []
    path, routed = spec
    value = view.get(path)
    if is_unknown(value):
        return [unknown_message(path, "where requests are processed")]
    if not isinstance(value, str):
        return []
    low = value.lower()
    sku = path == "sku.name"
    if low.startswith(routed) if sku else any(p in low for p in routed):
        return [
            f"`{path}` = {value!r} processes requests outside the resource's region "
            + (_FIX_SKU if sku else _FIX_PROVIDER)
        ]
    return []


# Where Azure Communication Services (and its Email service, both `global` resources) keep data at rest: the
# geography its `dataLocation` names (ACS "Region availability and data residency"), read as the Azure
# regions of that geography. Geographies outside the EEA (United States, UK, Switzerland, Asia Pacific, ...)
# are no entry: they name no place the pack accepts and block as such.
DATA_GEOGRAPHIES: dict[str, tuple[str, ...]] = {
    "europe": ("westeurope", "northeurope"),
    "france": ("francecentral", "francesouth"),
    "germany": ("germanywestcentral", "germanynorth"),
    "norway": ("norwayeast", "norwaywest"),
}


def data_geography(path: str, value: str, ok: Allowed) -> str | None:
    """The verdict on a `dataLocation` geography: "" when all its regions are allowed, the problem when one
    is not, None when the field is no data location or names no geography of the table."""
    if not path.endswith("dataLocation"):
        return None
    regions = DATA_GEOGRAPHIES.get(normalize_azure_location(value))
    if regions is None:
        return None
    what = f"`{path}` (the {value} geography keeps data in {', '.join(regions)})"
    return next((m for r in regions if (m := region_verdict("azure", r, what, ok))), "")

