"""require-deletion-protection: protect, service flags, and a lock whose scope really covers the resource."""

import pytest
from ruletest import base, only, patch, res, run, with_

RULE = "require-deletion-protection"
VAULT_ID = "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.KeyVault/vaults/kv-corpus"
AWS = base("aws")
AZURE = base("azure")


def test_compliant_fixtures():
    assert run(RULE, AWS) == []
    assert run(RULE, AZURE) == []


def test_protect_and_flags():
    unprotected = [dict(r, protect=False) if r["name"] == "audit" else r for r in AWS]
    only(run(RULE, unprotected), "audit", "is not `protect`ed")
    only(run(RULE, patch(AWS, "key", deletionWindowInDays=7)), "key", "`deletionWindowInDays` is 7")
    db = res(
        "db",
        "aws:rds/instance:Instance",
        {"deletionProtection": False, "deleteAutomatedBackups": False},
        protect=True,
    )
    only(run(RULE, with_(AWS, db)), "db", "`deletionProtection` is False; set it to True")
    only(
        run(RULE, patch(AZURE, "vault", properties={"enablePurgeProtection": False})),
        "vault",
        "`properties.enablePurgeProtection` is False",
    )


def test_lock_scope_not_depends_on():
    other = res(
        "rg-lock",
        "azure-native:authorization:ManagementLockAtResourceGroupLevel",
        {"resourceGroupName": "rg-other", "level": "CanNotDelete"},
        deps=["sql"],
    )
    assert any(
        n == "sql" and "no CanNotDelete management lock" in m for n, m in run(RULE, with_(AZURE, other))
    )
    vault_lock = res(
        "rg-lock",
        "azure-native:authorization:ManagementLockByScope",
        {
            "scope": VAULT_ID,
            "level": "CanNotDelete",
        },
        refs={"scope": "vault"},
        deps=["sql"],
    )
    found = {n for n, _ in run(RULE, with_(AZURE, vault_lock))}
    assert "sql" in found and "vault" not in found and "cmk" not in found
    sub_lock = res(
        "rg-lock",
        "azure-native:authorization:ManagementLockByScope",
        {"scope": "/subscriptions/s", "level": "CanNotDelete"},
    )
    assert run(RULE, with_(AZURE, sub_lock)) == []


@pytest.mark.parametrize(
    ("type_", "inputs", "fragment"),
    [
        ("aws:docdb/cluster:Cluster", {}, "`deletionProtection` is not set"),
        ("aws:neptune/cluster:Cluster", {"deletionProtection": False}, "`deletionProtection` is False"),
        ("aws:dynamodb/tableReplica:TableReplica", {}, "`deletionProtectionEnabled` is not set"),
        ("aws:backup/vault:Vault", {"forceDestroy": True}, "`forceDestroy` is True"),
    ],
)
def test_service_deletion_flags_of_more_stores(type_, inputs, fragment):
    found = run(RULE, with_(AWS, res("s", type_, inputs, protect=True)))
    assert any(n == "s" and fragment in m for n, m in found), found


def test_subscription_lock_covers_only_its_subscription():
    other = res(
        "sub-lock",
        "azure-native:authorization:ManagementLockByScope",
        {"scope": "/subscriptions/99999999-9999-9999-9999-999999999999", "level": "CanNotDelete"},
    )
    found = run(RULE, with_(AZURE, other, drop=("rg-lock",)))
    assert found and all("no CanNotDelete management lock" in m for _, m in found)
    own = res(
        "sub-lock",
        "azure-native:authorization:ManagementLockByScope",
        {"scope": "/subscriptions/s", "level": "CanNotDelete"},
    )
    assert run(RULE, with_(AZURE, own, drop=("rg-lock",))) == []


def test_round7_stores_are_protected():
    ledger = res("ledger", "aws:qldb/ledger:Ledger", {"permissionsMode": "STANDARD"}, protect=True)
    assert run(RULE, with_(AWS, ledger)) == []  # deletionProtection defaults to true
    only(run(RULE, patch(with_(AWS, ledger), "ledger", deletionProtection=False)), "ledger", "set it to True")
    for type_ in ("aws:mq/broker:Broker", "aws:dms/replicationInstance:ReplicationInstance"):
        only(run(RULE, with_(AWS, res("s", type_, {}))), "s", "is not `protect`ed")
    adx = res(
        "adx",
        "azure-native:kusto:Cluster",
        {"resourceGroupName": "rg-corpus"},
        refs={"resourceGroupName": "rg"},
    )
    only(run(RULE, with_(AZURE, adx)), "adx", "is not `protect`ed")  # the resource group's lock covers it
    assert run(RULE, with_(AZURE, dict(adx, protect=True))) == []


def test_group_lock_counts_only_in_its_subscription():
    """A lock on a same-named group made through another subscription's provider covers nothing (r9p-28)."""

    def group_lock(subscription: str) -> dict:
        provider = {
            "type": "pulumi:providers:azure-native",
            "urn": "urn:prov:lock",
            "inputs": {"subscriptionId": subscription},
        }
        return res(
            "rg-lock",
            "azure-native:authorization:ManagementLockAtResourceGroupLevel",
            {"resourceGroupName": "rg-corpus", "level": "CanNotDelete"},
            refs={"resourceGroupName": "rg"},
            provider=provider,
        )

    found = run(RULE, with_(AZURE, group_lock("other"), drop=("rg-lock",)))
    assert found and all("no CanNotDelete management lock" in m for _, m in found)
    assert run(RULE, with_(AZURE, group_lock("s"), drop=("rg-lock",))) == []
