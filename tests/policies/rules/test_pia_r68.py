"""Round-68 classes (docs/pia-conditions.md, round 68). A gateway's private backend address was trusted to the
network rules, so an Application Gateway forwarding to 10.50.2.4 or an on-premises 192.168.10.5 passed while
the stack had no network there, and a private address of the stack's own network in an API Management `url`
or a Front Door origin was blocked; links to Attestation providers and Durable Task schedulers blocked
whatever group they asked for; and the offline engine recorded an API Management backend as
`…/Microsoft.ApiManagement/backends/<service>` and a PostgreSQL flexible server under `…/servers/`, from a
hand table of type paths. Each test fails on the code before the round (222c1192)."""

from __future__ import annotations

import json
import re

import pytest
from gate.azure_ids import azure_outputs
from gate.azure_import_ids import IMPORT_IDS
from ruletest import case, only, run

from policies.core.types import ID_PARAMS_FILE

PUBLIC = "disallow-public-data-access"
NOWHERE = "a private address in no subnet or virtual network of this stack"


@pytest.mark.parametrize("stem, name, where", [
    ("r68p-10", "agw", "backendAddressPools[0].backendAddresses[0].ipAddress"),
    ("r68p-11", "agw", "backendAddressPools[0].backendAddresses[0].ipAddress"),
    ("r68p-12", "agw", "backendAddressPools[0].backendAddresses[0].ipAddress"),
    ("r68p-13", "backend", "url"),
    ("r68p-14", "afd-origin", "hostName"),
    ("r68p-15", "fd", "backendPools[0].backends[0].address"),
    ("r68p-16", "agw", "backendAddressPools[0].backendAddresses[0].ipAddress"),
])
def test_a_private_address_outside_the_stacks_networks_blocks(stem, name, where):
    found = run(PUBLIC, case(stem))
    only(found, name, f"`{where}` forwards")
    assert NOWHERE in found[0][1] and "`cidrs`" in found[0][1]


def test_a_private_address_of_the_stacks_network_or_a_declared_range_passes():
    """In the stack's subnet or network, whatever field forwards to it, or in a range the endpoints record
    declares with its jurisdiction (r68p-62)."""
    for stem in ("r68p-60", "r68p-61", "r68p-62", "r68p-63", "r66p-61"):
        assert run(PUBLIC, case(stem)) == [], stem


@pytest.mark.parametrize("evil, ok, name, asked, kind", [
    ("r68p-01", "r68p-50", "pe-att", "'vault'", "azure-native:attestation:AttestationProvider: standard"),
    ("r68p-02", "r68p-51", "pe-dts", "'namespace'", "azure-native:durabletask:Scheduler: scheduler"),
])
def test_attestation_and_durable_task_groups_are_confirmed(evil, ok, name, asked, kind):
    only(run(PUBLIC, case(evil)), name, f"asks for group {asked}, which its target does not offer ({kind})")
    assert run(PUBLIC, case(ok)) == []


_QUERY = {"expand", "filter", "tenantid"}  # a getter's query options (a role assignment's cross-tenant
# `tenantId` since round 69), no part of the id


def test_every_import_id_names_the_inputs_the_sdks_getter_takes():
    """Each `{…}` of a recorded `pulumi import` id is an input of the installed SDK's getter for the type, and
    every input of the getter but its query options is in the id (compared without case: the import id of a
    blob service spells `{BlobServicesName}`)."""
    params = json.loads(ID_PARAMS_FILE.read_text(encoding="utf-8"))
    wrong = {}
    for token, template in IMPORT_IDS.items():
        spelled = {p.lower() for p in re.findall(r"\{(\w+)\}", template)} - {"subscriptionid"}
        taken = {p.lower() for p in params.get(token, ())} - _QUERY
        if spelled != taken:
            wrong[token] = (sorted(spelled), sorted(taken))
    assert wrong == {}


_SCOPES = ("scope", "scopeId", "resourceUri")  # the resource an extension resource extends


def _fill(template: str) -> tuple[dict[str, str], str]:
    """Inputs naming each `{…}` of an import id after itself, and the id they make."""
    scope = "/subscriptions/5a1c0d2e-0000-4000-8000-00000000c0a1/resourceGroups/rg-scope"
    names = [n for n in re.findall(r"\{(\w+)\}", template) if n != "subscriptionId"]
    inputs = {n[:1].lower() + n[1:]: scope if n in _SCOPES else f"x-{n.lower()}" for n in names}
    rid = template.replace("{subscriptionId}", "00000000-0000-0000-0000-000000000000")
    for n in names:
        rid = rid.replace(f"{{{n}}}", inputs[n[:1].lower() + n[1:]])
    return inputs, rid.replace(f"{scope}/{scope}", scope).replace(f"/{scope}", scope)


@pytest.mark.parametrize("token", sorted(IMPORT_IDS))
def test_the_engine_records_each_type_at_its_import_id(token):
    inputs, rid = _fill(IMPORT_IDS[token])
    assert azure_outputs(token, "n", inputs, None)["id"] == rid


def test_api_management_backends_and_postgresql_servers_are_recorded_as_azure_gives_them():
    backend = azure_outputs("azure-native:apimanagement:Backend", "b",
                            {"resourceGroupName": "rg", "serviceName": "apim", "backendId": "uploads"}, None)
    assert backend["id"].endswith("/rg/providers/Microsoft.ApiManagement/service/apim/backends/uploads")
    assert backend["name"] == "uploads"
    server = azure_outputs("azure-native:dbforpostgresql:Server", "pg",
                           {"resourceGroupName": "rg", "serverName": "pg-dosis"}, None)
    assert server["id"].endswith("/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-dosis")
