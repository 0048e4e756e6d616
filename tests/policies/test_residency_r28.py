"""Red-team round 28 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r28-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, azure_rg, graph, messages, res

from policies.core.account_hosts import account_host, owner_problem
from policies.core.azure_hosts import azure_modules

RESOLVED = "require-resolved-references"
APP_PATH = "siteConfig.appSettings.0.TARGET"
PIP = "prod-12.westeurope.cloudapp.azure.com"


def _app(value: str) -> object:
    return res("azure-native:web:WebApp", "app", {
        "resourceGroupName": "rg-weu", "name": "app", "location": "westeurope",
        "siteConfig": {"appSettings": [{"name": "TARGET", "value": value}]}})


def _look_alike(host: str) -> str:
    return (f"`{APP_PATH}` sends to {host}, shaped like a Microsoft shared regional front end but under a "
            "service domain the pack does not know as one, where the first label is the customer's choice "
            "(a DNS label, a cluster or namespace name), so whose resource it is cannot be judged; create "
            "the resource in this stack and refer to its endpoint output, or declare the host in "
            "stacks/records/endpoints.yaml (for a Microsoft front end: with its region and why)")


# ------------------------------------------------ front-end shapes are Microsoft's only where known


def test_a_front_end_shape_counts_only_under_a_known_front_end_domain():
    for host in (PIP, "prod-12.westeurope.inference.ml.azure.com", "westeurope-1.westeurope.redis.azure.net",
                 "westeurope-etl.azurehdinsight.net", "westeurope-7.westeurope.azurecontainer.io"):
        assert account_host(host) == "resource", host
    for host in ("westeurope-5.in.applicationinsights.azure.com",
                 "westeurope.livediagnostics.monitor.azure.com",
                 "westeurope.api.cognitive.microsoft.com", "westeurope.stt.speech.microsoft.com",
                 "prod-04.westeurope.logic.azure.com", "westeurope.oic.prod-aks.azure.com"):
        assert account_host(host) is None, host


def test_a_front_end_look_alike_of_another_subscription_blocks():
    for host in (PIP, "westeurope-etl.azurehdinsight.net"):
        assert owner_problem(APP_PATH, host, frozenset()) == _look_alike(host)
        assert messages(RESOLVED, graph(azure_rg(), _app(f"https://{host}/upload")), ALLOWED) == [
            ("app", _look_alike(host))]


def test_the_stacks_own_public_ip_with_a_shard_like_label_passes():
    pip = res("azure-native:network:PublicIPAddress", "pip", {
        "resourceGroupName": "rg-weu", "publicIpAddressName": "scan-pip", "location": "westeurope",
        "dnsSettings": {"domainNameLabel": "prod-12", "fqdn": PIP}})
    assert messages(RESOLVED, graph(azure_rg(), pip, _app(f"https://{PIP}/scan")), ALLOWED) == []


# ------------------------------------------------ a registry's regional hosts name the registry


def test_a_registry_replicas_regional_hosts_name_the_registry():
    modules = ("containerregistry",)
    assert azure_modules("dosisacr.westeurope.geo.azurecr.io") == ("dosisacr", modules)
    assert azure_modules("dosisacr.northeurope.data.azurecr.io") == ("dosisacr", modules)
    assert azure_modules("dosisacr.azurecr.io") == ("dosisacr", modules)


def test_the_stacks_registry_by_a_regional_host_passes_and_another_blocks():
    acr = res("azure-native:containerregistry:Registry", "acr", {
        "resourceGroupName": "rg-weu", "registryName": "dosisacr", "name": "dosisacr",
        "location": "westeurope", "sku": {"name": "Premium"}})
    host = "dosisacr.westeurope.geo.azurecr.io"
    assert messages(RESOLVED, graph(azure_rg(), acr, _app(f"https://{host}")), ALLOWED) == []
    other = "partneracr.westeurope.data.azurecr.io"
    assert messages(RESOLVED, graph(azure_rg(), acr, _app(f"https://{other}")), ALLOWED) == [
        ("app", f"`{APP_PATH}` refers to {other!r}, which is neither a resource of this stack (matched by "
                "its recorded id, ARN or endpoint, never by name) nor a declared external endpoint "
                "(stacks/records/endpoints.yaml), so where it is cannot be judged")]
