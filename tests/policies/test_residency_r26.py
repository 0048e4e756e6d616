"""Red-team round 26 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r26-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, SUB, azure_rg, graph, messages, pinned_res, res

from policies.core.account_hosts import regional_account
from policies.core.account_urls import url_arn

PATH = "environment.variables.TARGET"
APP_PATH = "siteConfig.appSettings.0.TARGET"


def _unresolved(path: str, value: str) -> str:
    return (f"`{path}` refers to {value!r}, which is neither a resource of this stack (matched by its "
            "recorded id, ARN or endpoint, never by name) nor a declared external endpoint "
            "(stacks/records/endpoints.yaml), so where it is cannot be judged")


def _fn(value: str) -> object:
    return pinned_res("aws:lambda/function:Function", "fn", {
        "name": "fn", "role": "arn:aws:iam::123456789012:role/fn",
        "arn": "arn:aws:lambda:eu-west-1:123456789012:function:fn",
        "environment": {"variables": {"TARGET": value}}})


def _app(value: str) -> object:
    return res("azure-native:web:WebApp", "app", {
        "resourceGroupName": "rg-weu", "name": "app", "location": "westeurope",
        "siteConfig": {"appSettings": [{"name": "TARGET", "value": value}]}})


def _cosmos(name: str) -> object:
    return res("azure-native:cosmosdb:DatabaseAccount", name, {
        "resourceGroupName": "rg-weu", "accountName": name, "location": "westeurope", "name": name,
        "locations": [{"locationName": "westeurope", "failoverPriority": 0},  # round 29: a regional endpoint
                      {"locationName": "northeurope", "failoverPriority": 1}],  # needs its region listed
        "id": f"{SUB}Microsoft.DocumentDB/databaseAccounts/{name}"})


# ------------------------------------------------------------------ a path-style S3 URL names its bucket


def test_a_path_style_url_is_read_as_its_buckets_arn():
    for url in ("https://s3.eu-west-1.amazonaws.com/exports/x", "https://s3-eu-west-1.amazonaws.com/exports",
                "https://s3.dualstack.eu-west-1.amazonaws.com/exports?list-type=2",
                "https://s3.amazonaws.com/exports/"):
        host = url.split("/")[2].split("?")[0]
        assert url_arn(host, url, url.index(host) + len(host)) == "arn:aws:s3:::exports", url
    for url in ("https://s3.eu-west-1.amazonaws.com", "https://s3.eu-west-1.amazonaws.com/",
                "https://sts.eu-west-1.amazonaws.com/exports"):
        host = url.split("/")[2]
        assert url_arn(host, url, url.index(host) + len(host)) is None, url


def test_a_path_style_url_is_the_stacks_bucket_or_blocks():
    own = pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "exports", "id": "exports"})
    ours = _fn("https://s3.eu-west-1.amazonaws.com/exports/in/")
    assert messages(RESOLVED, graph(own, ours), ALLOWED) == []
    assert messages(RESOLVED, graph(own, _fn("https://s3.eu-west-1.amazonaws.com/partner-exports/")),
                    ALLOWED) == [("fn", _unresolved(PATH, "arn:aws:s3:::partner-exports"))]


# ------------------------------------------------------------------ a region word in an Azure resource's name


def test_a_region_word_in_a_name_carrying_azure_host_is_no_placement():
    host = "partner-kv-westeurope.vault.azure.net"
    assert messages(RESOLVED, graph(azure_rg(), _app(f"https://{host}/")), ALLOWED) == [
        ("app", _unresolved(APP_PATH, host))]
    vault = res("azure-native:keyvault:Vault", "kv", {
        "resourceGroupName": "rg-weu", "vaultName": "partner-kv-westeurope", "location": "westeurope",
        "name": "partner-kv-westeurope", "id": f"{SUB}Microsoft.KeyVault/vaults/partner-kv-westeurope"})
    assert messages(RESOLVED, graph(azure_rg(), vault, _app(f"https://{host}/")), ALLOWED) == []


def test_a_cosmos_regional_endpoint_names_its_account():
    assert regional_account("dosis-westeurope", ("cosmosdb",)) == "dosis"
    assert regional_account("dosis-westeurope", ("keyvault",)) is None
    assert regional_account("dosis", ("cosmosdb",)) is None
    for host in ("dosis-northeurope.documents.azure.com", "dosis.documents.azure.com"):
        assert messages(RESOLVED, graph(azure_rg(), _cosmos("dosis"), _app(f"https://{host}:443/")),
                        ALLOWED) == [], host
    theirs = "partner-westeurope.documents.azure.com"
    assert messages(RESOLVED, graph(azure_rg(), _cosmos("dosis"), _app(f"https://{theirs}/")), ALLOWED) == [
        ("app", _unresolved(APP_PATH, theirs))]
    us = "dosis-eastus.documents.azure.com"
    assert messages(REPLICATION, _app(f"https://{us}/"), ALLOWED) == [
        f"`{APP_PATH}` ({us}) is in 'eastus', which is outside the EEA"]
