"""Red-team round 45 of the residency pack: storage accounts named by bare name in typed fields (a Batch
pool's blob mount, a Time Series Insights Gen2 store, an Azure Spring Apps storage) and on-premises data
gateway installations, whose id names the region the gateway is registered in, not where its machine is
(corpus cases: tests/corpus/residency/{evil,good}/r45-*.yaml).
"""

from __future__ import annotations

from typing import Any

import pytest
from policy_testlib import ALLOWED, OWN, REPLICATION, RESOLVED, graph, messages, res, unresolved

STORAGE = "azure-native:storage:StorageAccount"
SUBSCRIPTION = OWN.split("/resourceGroups/")[0]
INSTALLATIONS = f"{SUBSCRIPTION}/providers/Microsoft.Web/locations/westeurope/connectionGatewayInstallations"
DECLARED, UNDECLARED = f"{INSTALLATIONS}/3c5e7a91", f"{INSTALLATIONS}/8d1f2c3b"


@pytest.fixture(autouse=True)
def _declared_gateway(tmp_path, monkeypatch):
    """An endpoints record declaring one gateway installation, in the controller's own data centre."""
    (tmp_path / "endpoints.yaml").write_text(
        f"endpoints:\n  - {{id: gw, class: peer-network, azureIds: ['{DECLARED}'], jurisdiction: BE,"
        " reason: the controller's own Brussels data centre}\n", encoding="utf-8")
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))


# ------------------------------------------------------------------ storage accounts named by bare name

def _named(type_: str, account: str) -> tuple[Any, str]:
    """A resource of each round-45 type naming `account`, and the path of the name."""
    if type_ == "azure-native:batch:Pool":
        path = "mountConfiguration.0.azureBlobFileSystemConfiguration.accountName"
        inputs = {"mountConfiguration": [{"azureBlobFileSystemConfiguration": {
            "accountName": account, "containerName": "dossiers", "relativeMountPath": "d"}}]}
    elif type_ == "azure-native:timeseriesinsights:Gen2Environment":
        path, inputs = "storageConfiguration.accountName", {"storageConfiguration": {"accountName": account}}
    else:
        path = "properties.accountName"
        inputs = {"properties": {"storageType": "StorageAccount", "accountName": account}}
    return res(type_, "r", {"resourceGroupName": "rg-weu", "location": "westeurope", **inputs}), path


TYPES = ("azure-native:batch:Pool", "azure-native:timeseriesinsights:Gen2Environment",
         "azure-native:appplatform:Storage")


@pytest.mark.parametrize("type_", TYPES)
def test_a_storage_account_named_by_bare_name_must_be_the_stack_s(type_):
    view, path = _named(type_, "partnerdata01")
    assert messages(RESOLVED, graph(view), ALLOWED) == [("r", unresolved(path, f"{STORAGE}|partnerdata01"))]


@pytest.mark.parametrize("type_", TYPES)
def test_the_stack_s_own_storage_account_by_bare_name_passes(type_):
    own = res(STORAGE, "sa", {
        "resourceGroupName": "rg-weu", "accountName": "dosisdata", "location": "westeurope",
        "name": "dosisdata", "id": f"{OWN}/Microsoft.Storage/storageAccounts/dosisdata"})
    assert messages(RESOLVED, graph(own, _named(type_, "dosisdata")[0]), ALLOWED) == []


# ------------------------------------------------------------------ on-premises data gateway installations

def _gateway(installation: str) -> Any:
    return res("azure-native:web:ConnectionGateway", "gw", {
        "resourceGroupName": "rg-weu", "location": "westeurope",
        "properties": {"connectionGatewayInstallation": {"id": installation}}})


def test_an_undeclared_gateway_installation_blocks():
    found = messages(REPLICATION, _gateway(UNDECLARED), ALLOWED)
    assert len(found) == 1 and "on-premises data gateway installation" in found[0]
    assert "declare the installation" in found[0]


def test_a_declared_gateway_installation_passes():
    assert messages(REPLICATION, _gateway(DECLARED), ALLOWED) == []
