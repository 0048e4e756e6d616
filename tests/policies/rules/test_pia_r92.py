"""Round-92 class (docs/pia-conditions.md, round 92): a backup of a Key Vault secret, certificate or managed
storage account restores, value and private key included, into a vault its holder administers, so backing
up is reading beside key administration (an access policy's `backup` or `all`, the RBAC data actions
`secrets/backup/action` and `certificates/backup/action`); a key's backup is not (restoring it is key
administration already). The cases are 53239a38; each test that fails on the code before the fix says so.
Each mutation makes one compliant fixture non-compliant and must block with the message its check gives."""

from __future__ import annotations

import pytest
from ruletest import case, patch, run, says

SOD = "require-separation-of-duties"
USE = "administers keys and can also use them"
BACKUPS = "back up secrets, certificates or managed storage accounts, whose backup restores"
VAULTS = "Microsoft.KeyVault/vaults"
SECRET_BACKUP = f"{VAULTS}/secrets/backup/action"
CERT_BACKUP = f"{VAULTS}/certificates/backup/action"


@pytest.mark.parametrize("stem", [f"r92p-0{i}" for i in range(1, 8)])
def test_the_backup_evasions_block(stem):
    """Fails before (53239a38): each passed every rule."""
    assert says(run(SOD, case(stem)), BACKUPS)


@pytest.mark.parametrize("stem", ["r92p-08", "r92p-09", "r92p-10", "r92p-11"])
def test_config_recorders_narrowed_or_named_by_pattern_block(stem):
    """Guard: blocked before and after (Config's recorder operations are SIEM logging wherever named)."""
    assert says(run(SOD, case(stem)), "separated functions")


def test_a_key_use_narrowed_by_a_session_tag_the_key_administrator_passes_blocks():
    """Guard: blocked before and after (a `*` principal of the account includes the key administrators)."""
    assert says(run(SOD, case("r92p-12")), "which includes its administrators")


@pytest.mark.parametrize("stem", ["r92p-50", "r92p-51", "r92p-52", "r92p-53"])
def test_the_compliant_look_alikes_pass(stem):
    """Guard: key backups, backups in a hand without key administration, metadata and Config reads."""
    assert run(SOD, case(stem)) == []


def _ap(rs: list[dict], key: str, perms: list[str]) -> list[dict]:
    vault = next(r for r in rs if r["name"] == "vault-ap")
    props = {**vault["inputs"]["properties"]}
    policy = props["accessPolicies"][0]
    props["accessPolicies"] = [{**policy, "permissions": {**policy["permissions"], key: perms}}]
    return patch(rs, "vault-ap", properties=props)


@pytest.mark.parametrize("kind", ["secrets", "certificates", "storage"])
@pytest.mark.parametrize("perm", ["backup", "Backup", "all"])
def test_a_key_administrator_backing_up_secrets_certificates_or_storage_blocks(kind, perm):
    """Fails before (53239a38) for `backup` and for certificates' `all` (it was administration only)."""
    assert says(run(SOD, _ap(case("r92p-50"), kind, ["list", perm])), USE)


@pytest.mark.parametrize("perms", [["list", "restore"], ["list", "set", "delete"], []])
def test_a_key_administrator_restoring_or_setting_secrets_passes(perms):
    """A restore or a write of secrets returns no value: no use beside key administration."""
    assert run(SOD, _ap(case("r92p-50"), "secrets", perms)) == []


def test_the_backup_operators_made_key_administrators_block():
    """Fails before (53239a38): r92p-51's backups in the key administrators' hand."""
    rs = case("r92p-51")
    vault = next(r for r in rs if r["name"] == "vault-ap")
    policy = vault["inputs"]["properties"]["accessPolicies"][0]
    policy["objectId"] = "00000000-0000-0000-0000-0000000000bb"
    assert says(run(SOD, rs), BACKUPS)


def _role(rs: list[dict], data: list[str], not_data: tuple[str, ...] = ()) -> list[dict]:
    permissions = [{"actions": ["Microsoft.KeyVault/vaults/read"], "dataActions": data}]
    if not_data:
        permissions[0]["notDataActions"] = list(not_data)
    return patch(rs, "extra-role", permissions=permissions)


@pytest.mark.parametrize(
    "data",
    [
        [SECRET_BACKUP],
        [CERT_BACKUP],
        ["Microsoft.KeyVault/vaults/secrets/*"],
        ["Microsoft.KeyVault/vaults/certificates/*"],
        ["Microsoft.KeyVault/vaults/*/backup/action"],
    ],
)
def test_a_key_administrators_role_backing_up_secrets_or_certificates_blocks(data):
    """Fails before (53239a38) for the backup actions (certificates/* and */backup/action too)."""
    assert says(run(SOD, _role(case("r92p-52"), data)), USE)


@pytest.mark.parametrize(
    "data, not_data",
    [
        ([f"{VAULTS}/secrets/*"], (f"{VAULTS}/secrets/getSecret/action", SECRET_BACKUP)),
        ([f"{VAULTS}/certificates/read", f"{VAULTS}/secrets/restore/action"], ()),
    ],
)
def test_a_key_administrators_role_without_backup_or_value_passes(data, not_data):
    """Guard: a role that excludes the value and the backup, or only restores, reads nothing."""
    assert run(SOD, _role(case("r92p-52"), data, not_data)) == []
