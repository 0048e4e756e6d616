"""Red-team round 84 of the residency pack: Azure data stores a command names by the tool's own parameter
(`az storage --account-name`, `az keyvault --vault-name`, Az PowerShell's `-StorageAccountName`/`-VaultName`),
exec-form command words read as one line, and Azure names of another case in named references
(policies/core/command_names.py, named_refs.py, graph_index.py; corpus: tests/corpus/residency/*/r84-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, OWN, RESOLVED, graph, messages, pinned_res, res, unresolved

from policies.core.references import scan

JOB = "azure-native:app:Job"
TASK = "aws:ecs/taskDefinition:TaskDefinition"


def _job(command: list[str]) -> object:
    inputs = {"resourceGroupName": "rg-weu", "jobName": "dosis-export", "location": "westeurope",
              "template": {"containers": [{"name": "export", "image": "mcr.microsoft.com/azure-cli:2.67.0",
                                           "command": command}]}}
    return res(JOB, "job", inputs)


def _account(name: str) -> object:
    return res("azure-native:storage:StorageAccount", name, {
        "resourceGroupName": "rg-weu", "accountName": name, "location": "westeurope",
        "id": f"{OWN}/Microsoft.Storage/storageAccounts/{name}"})


def _vault(name: str) -> object:
    return res("azure-native:keyvault:Vault", name, {
        "resourceGroupName": "rg-weu", "vaultName": name, "name": name, "location": "westeurope",
        "id": f"{OWN}/Microsoft.KeyVault/vaults/{name}"})


def command_names(line: str) -> list[tuple[str, str, bool]]:
    """The hosts the scanner finds in a command line (the old code's scanner has no command_names)."""
    return [(r.kind, r.value, False) for r in scan({"command": line}) if r.kind == "host"]


def _resolved(job: object, *own: object) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(job, *own), ALLOWED)]


def test_az_storage_account_name_option_is_the_accounts_host():
    """r84-09: `az storage blob upload --account-name <x>` (exec form) writes to <x>'s blob host."""
    job = _job(["az", "storage", "blob", "upload", "--auth-mode", "login",
                "--account-name", "partnerexportsus", "--container-name", "in", "--file", "/tmp/d.csv"])
    assert _resolved(job) == [unresolved("template.containers.0.command",
                                         "partnerexportsus.blob.core.windows.net")]
    assert _resolved(job, _account("partnerexportsus")) == []


def test_a_shell_variable_stands_for_its_literal_of_any_case():
    """r84-10 and good/r84-04: `ACCT=X` then `--account-name "$ACCT"`; the own account in upper case."""
    line = 'ACCT=PartnerExportsUS\naz storage blob upload-batch --account-name "$ACCT" -d in -s /tmp/x'
    assert command_names(line) == [("host", "partnerexportsus.blob.core.windows.net", False)]
    own = _job(["/bin/sh", "-c", 'ACCT="DOSISEXPORTSST" && az storage blob list --account-name $ACCT -c x'])
    assert _resolved(own, _account("dosisexportsst")) == []
    unassigned = command_names("az storage blob upload --account-name $TARGET -c in -f d")  # a parameter
    assert unassigned == [("host", "$target.blob.core.windows.net", False)]


def test_az_keyvault_vault_name_option_is_the_vaults_host():
    """r84-11 and good/r84-05: `az keyvault secret set --vault-name <x> --file` writes into <x>."""
    job = _job(["/bin/sh", "-c", "az keyvault secret set --vault-name Partner-KV-US --name d --file /tmp/d"])
    assert _resolved(job) == [unresolved("template.containers.0.command.2", "partner-kv-us.vault.azure.net")]
    own = _job(["/bin/sh", "-c", "az keyvault secret set --vault-name KV-Dosis-WE --name n --file /tmp/n"])
    assert _resolved(own, _vault("kv-dosis-we")) == []


def test_az_powershell_storage_context_names_the_account():
    """r84-12: `New-AzStorageContext -StorageAccountName <x>` (any case) and `-VaultName <x>`."""
    line = ("$ctx = New-AzStorageContext -storageaccountname partnerexportsus -UseConnectedAccount; "
            "Set-AzKeyVaultSecret -VaultName:'Partner-KV' -Name d -SecretValue $s")
    assert command_names(line) == [("host", "partnerexportsus.blob.core.windows.net", False),
                                   ("host", "partner-kv.vault.azure.net", False)]
    pwsh = "$acct = 'DosisExportsSt'; New-AzStorageContext -StorageAccountName $Acct"
    assert command_names(pwsh) == [("host", "dosisexportsst.blob.core.windows.net", False)]


def test_positional_account_and_vault_names_are_read():
    """r84-14: `New-AzStorageContext <x>` and `Set-AzKeyVaultSecret <vault> <name> …` take the name at
    position 0; a cmdlet given only named parameters or an input object names no vault by position."""
    line = ("$ctx = New-AzStorageContext partnerexportsus -UseConnectedAccount; "
            "Set-AzKeyVaultSecret Partner-KV-US dossiers $value")
    assert command_names(line) == [("host", "partnerexportsus.blob.core.windows.net", False),
                                   ("host", "partner-kv-us.vault.azure.net", False)]
    assert command_names("Set-AzKeyVaultSecret -InputObject $s -SecretValue $v") == []


def test_an_exec_form_command_names_a_bucket_by_option():
    """r84-13: an ECS container's `command` in exec form, `--bucket` and its name two words."""
    defs = ('[{"name": "export", "image": "public.ecr.aws/aws-cli/aws-cli:2.22.0", "command": ["s3api", '
            '"put-object", "--bucket", "partner-us-drop", "--key", "d.csv", "--body", "/tmp/d.csv"]}]')
    task = pinned_res(TASK, "task", {"family": "export", "containerDefinitions": defs})
    found = [(r.kind, r.value) for r in scan({"containerDefinitions": defs})]
    assert found == [("bucket", "partner-us-drop")]
    assert _resolved(task) != []


def test_an_azure_name_of_another_case_names_the_stacks_resource():
    """good/r84-01: a Logic Apps connection names the own vault in another case (Azure ignores it)."""
    conn = res("azure-native:web:Connection", "conn", {
        "resourceGroupName": "rg-weu", "location": "westeurope",
        "properties": {"nonSecretParameterValues": {"vaultName": "Dosis-Flow-Secrets"}}})
    assert _resolved(conn, _vault("dosis-flow-secrets")) == []
    assert _resolved(conn, _vault("partner-flow-secrets")) != []  # r84-08: another vault still blocks


def test_words_that_name_no_store_stay_quiet():
    """Control: other CLI groups' `--account-name`, a word ending in `-vaultname`, plain exec-form words."""
    assert command_names("az batch account show --account-name dosisbatch") == []
    assert command_names("echo kv-vaultname ready") == []
    assert scan({"command": ["python", "-m", "export", "--since", "yesterday"]}) == []
