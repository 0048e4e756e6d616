"""Type classes: every installed resource type is classified, nothing listed is absent from the installed
SDKs, the inventory matches the installed SDK versions, and the PIA scopes are installed data-bearing
types."""

from __future__ import annotations

import json

import pytest
import yaml

from policies.core.sdk_inventory import installed_sdks, module_of
from policies.core.types import (
    CLASSES,
    CLASSES_FILE,
    DATA_BEARING,
    INVENTORY_FILE,
    KEYS,
    class_of,
    load_classes,
    tokens_of_class,
)


@pytest.fixture(scope="module")
def installed() -> dict[str, set[str]]:
    return {s.package: set(s.tokens) for s in installed_sdks()}


def test_inventory_is_the_installed_sdks(installed):
    inventory = json.loads(INVENTORY_FILE.read_text(encoding="utf-8"))
    assert {k: set(v["tokens"]) for k, v in inventory.items()} == installed, (
        "run scripts/dev/gen_resource_classes.py after an SDK upgrade"
    )
    assert {"aws", "azure-native", "azuread", "random"} <= set(installed)


def test_every_installed_type_is_classified(installed):
    unclassified = sorted(t for tokens in installed.values() for t in tokens if class_of(t) is None)
    assert unclassified == []


def test_every_listed_module_and_type_exists(installed):
    tokens = {t for ts in installed.values() for t in ts}
    data = load_classes()
    assert sorted(set(data.modules) - {module_of(t) for t in tokens}) == []
    assert sorted(set(data.types) - tokens) == []
    assert set(data.modules.values()) | set(data.types.values()) | set(data.builtin.values()) <= CLASSES


def test_no_module_listed_twice():
    text = CLASSES_FILE.read_text(encoding="utf-8")
    keys = [
        line.split(":", 2)[0] + ":" + line.split(":", 2)[1]
        for line in text.splitlines()
        if line.startswith("  ") and line.count(":") == 2 and not line.lstrip().startswith("#")
    ]
    assert len(keys) == len(set(keys))
    assert yaml.safe_load(text)


def test_known_classes_of_renamed_and_swallowed_types():
    assert class_of("azure-native:cosmosdb:DatabaseAccount") == "data-store"
    assert class_of("azure-native:documentdb:DatabaseAccount") is None  # v2 token, absent in v3
    assert class_of("azure-native:sql:ManagedInstance") == "data-store"
    assert class_of("azure-native:web:StaticSite") == "data-store"
    assert class_of("aws:s3/bucketAccelerateConfiguration:BucketAccelerateConfiguration") == "edge"
    assert (
        class_of("azure-native:frontdoor:FrontDoor")
        == class_of("azure-native:trafficmanager:Profile")
        == "edge"
    )
    assert class_of("azure-native:dns:Zone") == class_of("aws:iam/role:Role") == "global"
    assert class_of("random:index/randomPassword:RandomPassword") == "local"
    assert class_of("aws-native:s3:Bucket") is None


def test_the_scanners_per_type_keys_name_installed_types(installed):
    """The reference scanner skips a few keys of a few types (a bucket's own names, identity issuers):
    a renamed type in an SDK upgrade must turn the suite red, not leave the key scanned or skipped blindly."""
    from policies.core.own_keys import BUCKET_TYPES, ISSUER_KEYS

    tokens = {t for ts in installed.values() for t in ts}
    assert sorted((set(ISSUER_KEYS) | BUCKET_TYPES) - tokens) == []


def test_the_pia_type_tables_name_installed_types(installed):
    """Stores that must log, audit-log categories placed by type, keys judged per service (session 18)."""
    from policies.core.pia_service_keys import service_keys
    from policies.core.pia_siem import LOGGED_STORES
    from policies.data.audit_log_categories import AUDIT_CATEGORIES

    tokens = {t for ts in installed.values() for t in ts}
    pulumi = {t for entry in AUDIT_CATEGORIES.values() for t in entry["pulumi"]}
    assert sorted((LOGGED_STORES | pulumi | set(service_keys(lambda *a, **k: None))) - tokens) == []

def test_pia_scopes_are_installed_data_bearing_types():
    wrong = sorted(t for t in DATA_BEARING if class_of(t) not in ("data-store", "key"))
    assert wrong == []
    assert tokens_of_class("key") >= KEYS


def test_coverage_figure(installed, capsys):
    total = sum(len(t) for t in installed.values())
    classified = sum(1 for ts in installed.values() for t in ts if class_of(t) is not None)
    assert classified == total > 4000
