"""Azure service hosts and the resources they name: `<account>.blob.core.windows.net` is the storage account
`<account>` (indexed by name: policies/core/graph_index.py), whatever region it is in.
"""

from __future__ import annotations

import re

# Azure service host suffix -> azure-native modules whose resources that host names (by physical name).
AZURE_HOSTS: dict[str, tuple[str, ...]] = {
    ".blob.core.windows.net": ("storage",),
    ".file.core.windows.net": ("storage",),
    ".queue.core.windows.net": ("storage",),
    ".table.core.windows.net": ("storage",),
    ".dfs.core.windows.net": ("storage",),
    ".web.core.windows.net": ("storage",),
    ".vault.azure.net": ("keyvault",),
    ".managedhsm.azure.net": ("keyvault",),
    ".database.windows.net": ("sql",),
    ".documents.azure.com": ("cosmosdb",),
    ".redis.cache.windows.net": ("redis",),
    ".servicebus.windows.net": ("servicebus", "eventhub", "relay"),
    ".azurewebsites.net": ("web",),
    ".scm.azurewebsites.net": ("web",),
    ".azurecr.io": ("containerregistry",),
    ".search.windows.net": ("search",),
    ".azure-api.net": ("apimanagement",),
    ".postgres.database.azure.com": ("dbforpostgresql",),
    ".mysql.database.azure.com": ("dbformysql",),
    ".ods.opinsights.azure.com": ("operationalinsights",),
    ".oms.opinsights.azure.com": ("operationalinsights",),
    ".azconfig.io": ("appconfiguration",),
    ".openai.azure.com": ("cognitiveservices",),
    ".cognitiveservices.azure.com": ("cognitiveservices",),
    ".service.signalr.net": ("signalrservice",),
    ".webpubsub.azure.com": ("webpubsub",),
    ".mongo.cosmos.azure.com": ("cosmosdb",),
    ".table.cosmos.azure.com": ("cosmosdb",),
    ".cassandra.cosmos.azure.com": ("cosmosdb",),
    ".gremlin.cosmos.azure.com": ("cosmosdb",),
    ".sql.azuresynapse.net": ("synapse",),
    ".dev.azuresynapse.net": ("synapse",),
    ".azure-devices.net": ("iothub",),  # the SDK's module (round 40: "devices" placed no hub of the stack)
}
# `<registry>.<region>.geo.azurecr.io` / `.data.azurecr.io`: a Premium registry's regional login and dedicated
# data endpoints (round 28); registry names are global and alphanumeric, so the first label is the registry.
_ACR_REGIONAL = re.compile(r"^([a-z0-9]+)\.[a-z0-9]+\.(?:geo|data)$")


def azure_modules(host: str) -> tuple[str, tuple[str, ...]] | None:
    for suffix, modules in AZURE_HOSTS.items():
        if host.endswith(suffix):
            # `<account>.privatelink.blob.core.windows.net`: the private-endpoint name of the same account
            stem = host[: -len(suffix)].removesuffix(".privatelink")
            if m := _ACR_REGIONAL.match(stem):  # a geo-replica's login or data host names its registry
                return m.group(1), modules
            return stem.rsplit(".", 1)[-1], modules
    return None


_FHIR = "azure-native:healthcareapis:FhirService"


def own_service_host(typ: str, ws: object, name: object) -> str | None:
    """A FHIR service's own endpoint, `<workspace>-<service>.fhir.azurehealthcareapis.com` (round 49: its
    `authenticationConfiguration.audience` names it): the service itself, placed by its own location."""
    if typ == _FHIR and isinstance(ws, str) and isinstance(name, str):
        return f"{ws}-{name}.fhir.azurehealthcareapis.com".lower()
    return None
