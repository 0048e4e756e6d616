"""What an Azure resource id says about itself, before the stack graph is asked (policies/core/destinations.py
judges it): a location segment, a deployment (a deployer named instead of declared), another tenant, another
party's application or Event Grid partner, a scope or definition with no place of its own, a DNS zone;
anything else is resolved over the stack."""

from __future__ import annotations

import re

from policies.core.restore_sources import RESTORABLE_ID

# A subscription-scoped id under a location (`…/providers/Microsoft.Web/locations/westeurope/managedApis/x`).
_LOCATION_ID = re.compile(r"/locations/([^/]+)(?:/managedapis/([^/]+))?")
# An on-premises data gateway installation (round 45): its location segment is the region the gateway is
# registered in, not where the machine runs that reads and writes the data sources behind it.
_GATEWAY_INSTALLATION = re.compile(
    r"/providers/microsoft\.web/locations/[^/]+/connectiongatewayinstallations/")
# A deployment, deployment stack or deployment script at any scope (also in a call to the ARM REST API).
_DEPLOYMENT_ID = re.compile(
    r"/providers/microsoft\.resources/(?:deployments|deploymentstacks|deploymentscripts)/"
)
# A DNS zone or one of its record sets: DNS is location-free, like a zone name.
_DNS_ZONE_ID = re.compile(
    r"/providers/microsoft\.network/(?:privatednszones|dnszones)/[^/]+(?:/[^/]+/[^/]+)?$"
)
# A management group itself (tenant control plane, like a subscription scope): no place of its own.
_MG_ID = re.compile(r"/providers/microsoft\.management/managementgroups/[^/]+$")
# a service principal's client id; a Key Vault access policy's compound identity (round 37)
_APP_ACCESS = {False: "creates a service principal for", True: "lets its principal at the vault through"}
# Logic Apps managed connectors whose targets are Azure resources named in the connection's parameters
# (scanned as any input) or in an action's path (policies/core/connector_paths.py); every other connector
# (office365, dropbox, salesforce, sftp, ...) sends data to a service outside the stack that must be declared
# (its `azureIds` prefix) in the endpoints record.
AZURE_CONNECTORS = frozenset(
    {
        "azureblob", "azurefile", "azuretables", "azurequeues", "azureeventgrid", "azureeventgridpublish",
        "eventhubs", "servicebus", "sql", "documentdb", "keyvault", "azureloganalyticsdatacollector",
        "azuremonitorlogs", "arm", "azureautomation", "azuredatafactory", "azurevm", "azureappservice",
        "azurecontainerinstance", "kusto", "azuresentinel",  # round 39: targets also in action paths
    }
)


def id_kind(rid: str) -> tuple[str, str | None, str | None]:
    """(kind, location, managed API) of a lower-case id; kinds: location, restorable (round 43), gateway
    (round 45), deployment, tenant, free, defer."""
    if _GATEWAY_INSTALLATION.search(rid):
        return "gateway", None, None
    if "/locations/" in rid and (m := _LOCATION_ID.search(rid)):  # a restore source is also resolved
        return "restorable" if RESTORABLE_ID.match(rid) else "location", m.group(1), m.group(2)
    if _DEPLOYMENT_ID.search(rid):
        return "deployment", None, None
    if rid.startswith("/tenants/"):  # a Data Share consumer (policies/core/own_keys.py)
        return "tenant", None, None
    if rid.startswith("/applications/"):  # another party's Entra application (core/bare_parties.py)
        return "application", None, None
    if rid.startswith("/partnerregistrations/"):  # an Event Grid partner (core/bare_parties.py, round 35)
        return "partner", None, None
    if "/resourcegroups/" not in rid or "/providers/microsoft.authorization/" in rid:
        return "free", None, None  # subscription scope, role/policy definitions: no place of their own
    if _DNS_ZONE_ID.search(rid) or _MG_ID.search(rid):
        return "free", None, None
    return "defer", None, None


def id_problem(kind: str, path: str, value: str) -> str:
    if kind == "deployment":
        return (
            f"`{path}` names the ARM deployment {value!r}: what a template deploys (at any scope, also from "
            "a call to the ARM API at run time) cannot be judged; declare the resources as Pulumi resources"
        )
    if kind == "gateway":
        return (
            f"`{path}` registers the on-premises data gateway installation {value!r}: connections through it "
            "read and write data sources wherever the machine running it is, which its id (the region the "
            "gateway is registered in) does not say; declare the installation (azureIds: [its id]) with the "
            "machine's region or jurisdiction in stacks/records/endpoints.yaml"
        )
    if kind == "tenant":
        return (
            f"`{path}` shares data with the Entra tenant {value[9:]!r}, whose own storage receives it (or "
            "whose people read it, delegated) from a place that cannot be judged; declare the tenant "
            "(azureIds: [/tenants/<id>]) with its region or jurisdiction in stacks/records/endpoints.yaml"
        )
    if kind == "application":
        return (
            f"`{path}` {_APP_ACCESS[path.endswith('.applicationId')]} the Entra application {value[14:]!r}, "
            "which is not an application of this stack: its owner (a vendor's multi-tenant app, another "
            "tenant's) runs it with whatever access the principal gets, from a place that cannot be judged; "
            "create the application in this stack and pass its `client_id` output, or declare it (azureIds: "
            "[/applications/<client id>]) with its region or jurisdiction in stacks/records/endpoints.yaml"
        )
    if kind == "partner":
        return (
            f"`{path}` delivers events to the Event Grid partner whose registration is {value[22:]!r}: the "
            "partner's SaaS receives them wherever it runs, which the id does not say; deliver to a resource "
            "of the stack, or declare the partner (azureIds: [/partnerRegistrations/<immutable id>]) with "
            "its region or jurisdiction in stacks/records/endpoints.yaml"
        )
    return (  # a managed connector outside AZURE_CONNECTORS
        f"`{path}` connects to the managed connector {value!r}: data goes to that service, which is not a "
        "resource of this stack; declare it (its id prefix, region or jurisdiction and why) in "
        "stacks/records/endpoints.yaml"
    )
