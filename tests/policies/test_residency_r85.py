"""Red-team round 85 of the residency pack: the storage account the Azure CLI and Az.Storage take from
`AZURE_STORAGE_ACCOUNT` in the environment or app settings, and `$AZURE_STORAGE_ACCOUNT` in a command read
as the value the resource's own environment sets (policies/core/command_names.py, code_values.py;
corpus: tests/corpus/residency/*/r85-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, OWN, RESOLVED, graph, messages, pinned_res, res, unresolved

from policies.core.references import scan

JOB = "azure-native:app:Job"
UPLOAD = ["az", "storage", "blob", "upload", "--auth-mode", "login", "-c", "in", "-f", "/tmp/d.csv"]


def _job(command: list[str], account: str | None) -> object:
    container = {"name": "export", "image": "mcr.microsoft.com/azure-cli:2.67.0", "command": command}
    if account is not None:
        container["env"] = [{"name": "AZURE_STORAGE_ACCOUNT", "value": account}]
    return res(JOB, "job", {"resourceGroupName": "rg-weu", "jobName": "dosis-export",
                            "location": "westeurope", "template": {"containers": [container]}})


def _account(name: str) -> object:
    return res("azure-native:storage:StorageAccount", name, {
        "resourceGroupName": "rg-weu", "accountName": name, "location": "westeurope",
        "id": f"{OWN}/Microsoft.Storage/storageAccounts/{name}"})


def _resolved(job: object, *own: object) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(job, *own), ALLOWED)]


def _hosts(value: object) -> list[str]:
    return [r.value for r in scan(value) if r.kind == "host"]


def test_the_environments_account_is_the_accounts_host():
    """r85-01 and good/r85-01: `az storage blob upload` with no account; the container sets the CLI's
    `AZURE_STORAGE_ACCOUNT`: the other account blocks, the stack's own passes."""
    job = _job(UPLOAD, "partnerexportsus")
    assert unresolved("template.containers.0.env.0.AZURE_STORAGE_ACCOUNT",  # round 86: and the command's
                      "partnerexportsus.blob.core.windows.net") in _resolved(job)  # default account
    assert _resolved(_job(UPLOAD, "dosisexportsst"), _account("dosisexportsst")) == []


def test_an_app_setting_of_any_case_names_the_account():
    """r85-04: a function app's app setting `AZURE_STORAGE_ACCOUNT` (also as a lower-case map key); another
    setting's plain name, or the setting holding no plain name, names no account."""
    setting = {"name": "AZURE_STORAGE_ACCOUNT", "value": "partnerexportsus"}
    assert _hosts({"siteConfig": {"appSettings": [setting]}}) == ["partnerexportsus.blob.core.windows.net"]
    assert _hosts({"environment": {"variables": {"azure_storage_account": "PartnerExportsUS"}}}) == [
        "partnerexportsus.blob.core.windows.net"]
    assert _hosts({"env": [{"name": "EXPORT_CONTAINER", "value": "partnerexportsus"}]}) == []
    assert _hosts({"env": [{"name": "AZURE_STORAGE_ACCOUNT", "value": "not a name"}]}) == [
        "{not a name}.blob.core.windows.net"]  # round 86: an account the pack cannot place


def test_an_ecs_containers_environment_names_the_account():
    """r85-05: the task definition's JSON `environment` list, the account in mixed case."""
    defs = ('[{"name": "export", "image": "mcr.microsoft.com/azure-cli:2.67.0", "environment": [{"name": '
            '"AZURE_STORAGE_ACCOUNT", "value": "PartnerExportsUS"}], "command": ["az", "storage", "blob", '
            '"upload", "--auth-mode", "login", "-c", "in", "-f", "/tmp/d.csv"]}]')
    task = pinned_res("aws:ecs/taskDefinition:TaskDefinition", "task",
                      {"family": "x", "containerDefinitions": defs})
    assert "partnerexportsus.blob.core.windows.net" in " ".join(_resolved(task))


def test_the_variable_in_a_command_is_the_environments_value():
    """r85-03 and good/r85-02: `--account-name $AZURE_STORAGE_ACCOUNT` is the account the container's
    environment sets, any case; a variable nothing in the resource sets stays unresolved."""
    line = ["/bin/sh", "-c", "az storage blob list --auth-mode login --account-name $AZURE_STORAGE_ACCOUNT"]
    assert _resolved(_job(line, "DOSISEXPORTSST"), _account("dosisexportsst")) == []
    other = _resolved(_job(line, "PartnerExportsUS"), _account("dosisexportsst"))
    assert other and all("partnerexportsus.blob.core.windows.net" in m for m in other)
    [found] = _resolved(_job(line, None), _account("dosisexportsst"))  # round 86: with how to name it
    assert found.startswith(unresolved("template.containers.0.command.2",
                                       "$azure_storage_account.blob.core.windows.net"))



def test_the_account_a_container_apps_secret_holds():
    """Probe r85-07: `{name: AZURE_STORAGE_ACCOUNT, secretRef: s}` is the value of the job's secret `s`;
    the stack's own account passes, a secret with no value here (a Key Vault URL) stays unresolved."""
    def job(secret: dict) -> object:
        container = {"name": "export", "image": "mcr.microsoft.com/azure-cli:2.67.0", "command": UPLOAD,
                     "env": [{"name": "AZURE_STORAGE_ACCOUNT",
                              "secretRef": "storage-account"}]}  # checkov:skip=CKV_SECRET_6: a secret's name
        return res(JOB, "job", {"resourceGroupName": "rg-weu", "jobName": "dosis-export",
                                "location": "westeurope", "configuration": {"secrets": [secret]},
                                "template": {"containers": [container]}})
    other = _resolved(job({"name": "storage-account", "value": "partnerexportsus"}))
    assert other and all("partnerexportsus.blob.core.windows.net" in m for m in other)
    own = job({"name": "storage-account", "value": "DosisExportsSt"})
    assert _resolved(own, _account("dosisexportsst")) == []
    vault = job({"name": "storage-account", "keyVaultUrl": "https://kv-dosis-we.vault.azure.net/secrets/acct"})
    assert any("$azure_storage_account.blob.core.windows.net" in m for m in _resolved(vault))


def test_powershells_env_drive_variable_is_the_environments_value():
    """Probe r85-08 and good/r85-03: `-StorageAccountName $env:AZURE_STORAGE_ACCOUNT`, any case."""
    line = ["pwsh", "-c", "New-AzStorageContext -StorageAccountName $Env:AZURE_STORAGE_ACCOUNT"]
    assert _resolved(_job(line, "DosisExportsSt"), _account("dosisexportsst")) == []
    other = _resolved(_job(line, "partnerexportsus"), _account("dosisexportsst"))
    assert other and all("partnerexportsus.blob.core.windows.net" in m for m in other)
