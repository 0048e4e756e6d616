"""Red-team round 86 of the residency pack: the account an `az storage` data command naming none takes from
the environment or the CLI's config, settings of that account the pack cannot read, names given as
expressions or splatted hashtables, `az storage copy`'s destination account and App Configuration's data
plane (policies/core/command_names.py, code_values.py; corpus: tests/corpus/residency/*/r86-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, OWN, REPLICATION, RESOLVED, azure_store, graph, messages, res

from policies.core.command_names import STORE_NOTE, command_names, env_account
from policies.core.references import scan

JOB = "azure-native:app:Job"
UPLOAD = "az storage blob upload --auth-mode login -c in -f /tmp/d.csv -n d.csv"
DEFAULT = "$azure_storage_account.blob.core.windows.net"


def _job(line: str, env: list[dict] | None = None) -> object:
    container = {"name": "export", "image": "exportpartner.azurecr.io/dossier-export:1.4",
                 "command": ["/bin/sh", "-c", line], **({"env": env} if env else {})}
    return res(JOB, "job", {"resourceGroupName": "rg-weu", "jobName": "dosis-export",
                            "location": "westeurope", "template": {"containers": [container]}})


def _account(name: str) -> object:
    return azure_store(accountName=name, id=f"{OWN}/Microsoft.Storage/storageAccounts/{name}")


def _resolved(*resources: object) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(*resources), ALLOWED)]


def _hosts(s: str) -> list[str]:
    return [h for _, h, _ in command_names(s)]


def test_a_storage_command_naming_no_account_blocks_unless_the_resource_places_it():
    """r86-01, r86-04, r86-09: `az storage blob upload` with no account and nothing in the resource setting
    `AZURE_STORAGE_ACCOUNT` (the image's environment; an ACI `secureValue`) blocks, saying how to name it;
    the resource's own setting or connection string naming the stack's account passes."""
    own = _account("dosisexportsst")
    found = _resolved(_job(UPLOAD), own)
    assert len(found) == 1 and f"refers to {DEFAULT!r}" in found[0]
    assert "`--account-name <account>`, or set AZURE_STORAGE_ACCOUNT" in found[0]
    assert _resolved(_job(UPLOAD, [{"name": "AZURE_STORAGE_ACCOUNT", "value": "DosisExportsSt"}]), own) == []
    conn = "DefaultEndpointsProtocol=https;AccountName=dosisexportsst;EndpointSuffix=core.windows.net"
    assert _resolved(_job(UPLOAD, [{"name": "AZURE_STORAGE_CONNECTION_STRING", "value": conn}]), own) == []
    secure = [{"name": "AZURE_STORAGE_ACCOUNT", "secureValue": "partnerexportsus"}]
    assert any(DEFAULT in m for m in _resolved(_job(UPLOAD, secure), own))


def test_management_commands_and_named_accounts_need_no_default():
    """good/r86-02, good/r86-04: `az storage account …` (management) and a command naming its account by
    option, URL or connection string take no default account."""
    assert _hosts("az storage account show --name dosisexportsst --query primaryLocation") == []
    assert _hosts("az storage blob upload --blob-url https://x.blob.core.windows.net/in/d -f d") == []
    assert _hosts("az storage container list --account-name dosisexportsst") == [
        "dosisexportsst.blob.core.windows.net"]
    assert DEFAULT not in _hosts("az storage blob list -c in --connection-string \"$CONN\"")


def test_the_text_sets_the_clis_default_account():
    """r86-02, r86-03, good/r86-01, good/r86-02: `az config set storage.account=x`, a `[storage]` section
    written into the config file, and `export AZURE_STORAGE_ACCOUNT=x` in the same text name the account."""
    partner = ["partnerexportsus.blob.core.windows.net"]
    assert _hosts(f"az config set storage.account=partnerexportsus && {UPLOAD}") == partner
    config = "printf '[storage]\\naccount = partnerexportsus\\n' > ~/.azure/config"
    assert _hosts(f"{config}\n{UPLOAD}") == partner
    assert _hosts(f"export AZURE_STORAGE_ACCOUNT=partnerexportsus; {UPLOAD}") == partner
    own = _account("dosisexportsst")
    assert _resolved(_job(f"az config set storage.account=DosisExportsSt && {UPLOAD}"), own) == []
    assert _resolved(_job(f"AZURE_STORAGE_ACCOUNT=dosisexportsst {UPLOAD}"), own) == []


def test_a_setting_of_the_account_the_pack_cannot_read_blocks():
    """r86-05, r86-10: `AZURE_STORAGE_ACCOUNT` as a Key Vault reference, an ECS secret's parameter or a
    secret names no account the pack can place; an unknown value is judged where it is computed."""
    ref = "@Microsoft.KeyVault(SecretUri=https://kv-dosis-we.vault.azure.net/secrets/export-account/)"
    assert env_account("AZURE_STORAGE_ACCOUNT", ref) == (("host", f"{{{ref}}}.blob.core.windows.net", False),)
    arn = "arn:aws:ssm:eu-west-1:123456789012:parameter/eloket/export/azure-storage-account"
    assert env_account("AZURE_STORAGE_ACCOUNT_PARAMETER", arn)[0][1] == f"{{{arn}}}.blob.core.windows.net"
    assert env_account("AZURE_STORAGE_ACCOUNT", "[secret]")[0][1] == "{secret}.blob.core.windows.net"
    assert env_account("AZURE_STORAGE_KEY_PARAMETER", arn) == ()
    setting = {"siteConfig": {"appSettings": [{"name": "AZURE_STORAGE_ACCOUNT", "value": ref}]}}
    assert f"{{{ref}}}.blob.core.windows.net" in [r.value for r in scan(setting) if r.kind == "host"]
    app = res("azure-native:web:WebApp", "fn", {"resourceGroupName": "rg-weu", "location": "westeurope",
                                                "name": "fn-dosis-export", **setting})
    assert [m for m in messages(REPLICATION, app, ALLOWED) if "no host or address the pack can place" in m
            and m.endswith(STORE_NOTE)]


def test_names_given_as_expressions_or_splatted_tables():
    """r86-06, r86-07, good/r86-03: `-VaultName $vault.VaultName` is an expression kept as written; a
    splatted hashtable's `StorageAccountName`/`VaultName` key is the parameter; a splat with no table here
    is unresolved; a table outside a splatting text is not read."""
    assert _hosts("Set-AzKeyVaultSecret -VaultName $vault.VaultName -Name d -SecretValue $s") == [
        "{$vault.vaultname}.vault.azure.net"]
    assert _hosts("Set-AzKeyVaultSecret -VaultName (Get-AzKeyVault -ResourceGroupName rg).VaultName") == [
        "{(get-azkeyvault}.vault.azure.net"]
    table = "$p = @{ StorageAccountName = 'partnerexportsus'; UseConnectedAccount = $true }"
    assert _hosts(f"{table}; $ctx = New-AzStorageContext @p") == ["partnerexportsus.blob.core.windows.net"]
    assert _hosts("$q = @{ 'VaultName' = $kv }; $kv = 'KV-Dosis-WE'; Set-AzKeyVaultSecret @q") == [
        "kv-dosis-we.vault.azure.net"]
    assert _hosts("New-AzStorageContext @p") == ["{@p}.blob.core.windows.net"]
    assert _hosts("VaultName = partner-kv; Get-AzKeyVaultSecret -VaultName kv-dosis-we") == [
        "kv-dosis-we.vault.azure.net"]


def test_copy_destination_and_app_configuration_stores():
    """r86-08, r86-11: `az storage copy --destination-account-name x` (and `--source-account-name`) and
    `az appconfig kv set --name x` name the stores they write to or read from."""
    assert _hosts("az storage copy -s /tmp/d.csv --destination-account-name partnerexportsus "
                  "--destination-container in") == ["partnerexportsus.blob.core.windows.net"]
    assert _hosts("az storage blob copy start --account-name dosisexportsst --source-account-name "
                  "partnerexportsus -b d -c in --source-container out --source-blob d") == [
        "dosisexportsst.blob.core.windows.net", "partnerexportsus.blob.core.windows.net"]
    assert _hosts("az appconfig kv set --name partner-appcs-us --key export --value x --yes") == [
        "partner-appcs-us.azconfig.io"]
    assert _hosts("az appconfig create --name own-appcs --location westeurope -g rg") == []


def test_a_connection_string_held_in_a_variable_is_the_accounts():
    """Probe of the fix: `--connection-string "$CONN"` is the account the resource's own `CONN` names."""
    own = _account("dosisexportsst")
    line = "az storage blob upload --connection-string \"$CONN\" -c in -f /tmp/d.csv"
    conn = "DefaultEndpointsProtocol=https;AccountName={};EndpointSuffix=core.windows.net"
    assert _resolved(_job(line, [{"name": "CONN", "value": conn.format("dosisexportsst")}]), own) == []
    other = _resolved(_job(line, [{"name": "CONN", "value": conn.format("partnerexportsus")}]), own)
    assert other and all("partnerexportsus.blob.core.windows.net" in m for m in other)
    assert any("$conn.blob.core.windows.net" in m for m in _resolved(_job(line), own))


def test_a_command_continued_over_lines_is_one_command():
    """Probe r86-12, r86-13 and good/r86-05: `az storage blob upload \\` continued onto the line holding
    `--account-name`, and PowerShell's backtick continuation, name the account on the continued line."""
    own = _account("dosisexportsst")
    env = [{"name": "AZURE_STORAGE_ACCOUNT", "value": "dosisexportsst"}]
    shell = ("az storage blob upload \\\n  --auth-mode login \\\n  --account-name {} \\\n"
             "  -c in -f /tmp/d.csv\n")
    other = _resolved(_job(shell.format("partnerexportsus"), env), own)
    assert other and all("partnerexportsus.blob.core.windows.net" in m for m in other)
    assert _resolved(_job(shell.format("dosisexportsst")), own) == []
    assert _hosts("$ctx = New-AzStorageContext `\n    -StorageAccountName partnerexportsus `\n"
                  "    -UseConnectedAccount\n") == ["partnerexportsus.blob.core.windows.net"]
