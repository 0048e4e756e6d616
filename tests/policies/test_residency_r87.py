"""Red-team round 87 of the residency pack: what a script's Azure commands and SDK calls name beyond round
84's accounts and vaults: regions in commands, other groups' names (storage account management, object
replication, log export, SQL servers, backup vaults, Batch accounts), the Batch and App Configuration
defaults, URLs held by variables (azcopy, `az storage`), SDK clients built from non-literal connection
strings, deployments launched from a script, and templated hosts read whole (policies/core/command_places.py,
code_values.py, reference_text.py; corpus: tests/corpus/residency/*/r87-*.yaml).
"""

from __future__ import annotations

import re

from policy_testlib import ALLOWED, OWN, REPLICATION, RESOLVED, graph, messages, res

from policies.core.command_places import HELD_URL_NOTE, NAMED_NOTE, command_places

JOB = "azure-native:app:Job"
_TYPES = {"acct": "azure-native:storage:StorageAccount", "server": "azure-native:sql:Server",
          "vault": "azure-native:recoveryservices:Vault", "batch": "azure-native:batch:BatchAccount",
          "appcs": "azure-native:appconfiguration:ConfigurationStore",
          "cosmos": "azure-native:cosmosdb:DatabaseAccount"}
_SEGMENTS = {"acct": "Microsoft.Storage/storageAccounts", "server": "Microsoft.Sql/servers",
             "vault": "Microsoft.RecoveryServices/vaults", "batch": "Microsoft.Batch/batchAccounts",
             "appcs": "Microsoft.AppConfiguration/configurationStores",
             "cosmos": "Microsoft.DocumentDB/databaseAccounts"}


def _own(kind: str, name: str, location: str = "westeurope") -> object:
    """A resource of the stack, named as the corpus's (its `name` output is its physical name)."""
    inputs = {"resourceGroupName": "rg-weu", "location": location, "name": name,
              "id": f"{OWN}/{_SEGMENTS[kind]}/{name}"}
    return res(_TYPES[kind], f"{kind}-{name}", inputs)


_PWSH = re.compile(r"\b[A-Z][a-z]+-Az[A-Z]|^\s*\$\w+\s*=\s")  # a cmdlet, a PowerShell assignment


def _job(command: list[str] | str, env: list[dict] | None = None) -> object:
    shell = ["pwsh", "-Command"] if isinstance(command, str) and _PWSH.search(command) else ["/bin/sh", "-c"]
    words = [*shell, command] if isinstance(command, str) else command  # (round 94: PowerShell under pwsh)
    container = {"name": "export", "image": "exportpartner.azurecr.io/dossier-export:1.4", "command": words,
                 **({"env": env} if env else {})}
    return res(JOB, "job", {"resourceGroupName": "rg-weu", "jobName": "dosis-export",
                            "location": "westeurope", "template": {"containers": [container]}})


def _blocked(job: object, *stack: object) -> list[str]:
    """What blocks the job: its resource-scope replication findings and the stack's unresolved references."""
    resolved = messages(RESOLVED, graph(job, *stack), ALLOWED)
    return messages(REPLICATION, job, ALLOWED) + [m for _, m in resolved]


def _found(s: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v, _ in command_places(s)]


def test_regions_named_in_commands_are_judged_as_regions():
    """r87-01, r87-14, r87-15, good/r87-01, good/r87-07: `az … -l/--location`, `--locations regionName=…`,
    Az PowerShell's `-Location`/`-LocationName` (also a display name, also splatted) are regions."""
    cosmos = "az cosmosdb update -n cosmos-dosis-we -g rg --locations regionName=westeurope " \
             "failoverPriority=0 --locations regionName={} failoverPriority=1"
    account = _own("cosmos", "cosmos-dosis-we")
    assert _blocked(_job(cosmos.format("northeurope")), account) == []
    found = _blocked(_job(cosmos.format("eastus")), account)
    assert found == ["`template.containers.0.command.2` (data is sent there) is in 'eastus', which is "
                     "outside the EEA"]
    assert ("region", "East US") in _found("Connect-AzAccount; New-AzCosmosDBLocationObject -LocationName "
                                           "'East US' -FailoverPriority 1")
    splat = "$p = @{ Name = 'x'; Location = 'eastus' }; New-AzStorageAccount @p"
    assert ("region", "eastus") in _found(splat)
    assert ("region", "eastus") in _found("LOC=eastus; az storage account create -n x -g rg -l $LOC")
    assert _found("Set-Location -Path /tmp; ls -l /tmp") == []  # no Az cmdlet, no `az` command
    env = [{"name": "LOC", "value": "westeurope"}]
    assert _blocked(_job("az group create -n rg -l \"$LOC\"", env)) == []
    unset = _blocked(_job("az group create -n rg -l \"$LOC\""))
    assert unset and "'$LOC' is a variable nothing in the resource sets" in unset[0]
    assert ("region", "{$(az group show -n rg-partner --query location -o tsv)}") in _found(
        'az storage account create -n x -g rg -l "$(az group show -n rg-partner --query location -o tsv)"')


def test_resources_other_groups_name_must_be_the_stacks():
    """r87-02..06, r87-12, r87-13, r87-18, r87-19, good/r87-03, good/r87-04, good/r87-06: accounts, servers,
    vaults and Batch accounts named by options of other `az` groups and Az cmdlets."""
    acct = _own("acct", "dosisexportsst")
    for line, host in (
        ("az storage blob upload -c in -f d --connection-string \"$(az storage account "
         "show-connection-string -n {} -g rg -o tsv)\"", "{}.blob.core.windows.net"),
        ("az storage account or-policy create -n dosisexportsst -s dosisexportsst -d {} --source-container "
         "in --destination-container in", "{}.blob.core.windows.net"),
        ("az monitor diagnostic-settings create -n d --resource /x --storage-account {}",
         "{}.blob.core.windows.net"),
        ("$ctx = (Get-AzStorageAccount -ResourceGroupName rg -Name {}).Context; Set-AzStorageBlobContent "
         "-Context $ctx -Container in -File d", "{}.blob.core.windows.net"),
    ):
        assert _blocked(_job(line.format("dosisexportsst")), acct) == []
        other = _blocked(_job(line.format("partnerexportsus")), acct)
        assert other and all(host.format("partnerexportsus") in m for m in other), line
    rule = "$r = New-AzStorageAccountManagementPolicyRule -Name archive-old -Action $a -Filter $f"
    assert _found(rule) == []  # a rule's name, not an account's
    assert _found("Get-AzStorageAccountKey -ResourceGroupName rg -Name partnerexportsus") == [
        ("host", "partnerexportsus.blob.core.windows.net")]
    server = _own("server", "sql-dosis-we")
    copy = "az sql db copy -g rg -s sql-dosis-we -n dosis --dest-server {} --dest-name d"
    assert _blocked(_job(copy.format("sql-dosis-we")), server) == []
    other = _blocked(_job(copy.format("partner-sql-us")), server)
    assert any("'partner-sql-us.database.windows.net'" in m for m in other)
    replica = ["az", "sql", "db", "replica", "create", "-s", "sql-dosis-we", "-n", "d", "--partner-server",
               "x"]
    other = _blocked(_job([*replica[:-1], "partner-sql-us"]), server)  # exec form: the words as one line
    assert any("partner-sql-us.database" in m for m in other)
    assert _blocked(_job([*replica[:-1], "sql-dosis-we"]), server) == []
    vault = _own("vault", "rsv-dosis-we")
    backup = "az backup protection enable-for-vm -g rg --vault-name {} --vm vm --policy-name DefaultPolicy"
    assert _blocked(_job(backup.format("RSV-Dosis-WE")), vault) == []
    assert any("'azure-native:recoveryservices:Vault|rsv-partner-us'" in m
               for m in _blocked(_job(backup.format("rsv-partner-us")), vault))
    ps = ("$v = Get-AzRecoveryServicesVault -ResourceGroupName rg -Name {}; "
          "Enable-AzRecoveryServicesBackupProtection -Name vm -Policy $p -VaultId $v.ID")
    assert _blocked(_job(ps.format("rsv-dosis-we")), vault) == []
    assert _blocked(_job(ps.format("rsv-partner-us")), vault)
    found = _blocked(_job("Enable-AzRecoveryServicesBackupProtection -Name vm -VaultId $w.ID"), vault)
    assert found and found[0].endswith(NAMED_NOTE)
    batch = _own("batch", "dosisbatch")
    login = ("az batch account login -n {} -g rg && "
             "az batch task create --job-id j --task-id t --command-line z")
    assert _blocked(_job(login.format("dosisbatch")), batch) == []
    assert _blocked(_job(login.format("partnerbatchus")), batch)


def test_defaults_of_commands_naming_no_account_or_store():
    """r87-06, r87-11: an `az batch` data command naming no account takes it from `az batch account login` or
    AZURE_BATCH_ACCOUNT; `az appconfig kv` naming no store from AZURE_APPCONFIG_CONNECTION_STRING."""
    batch = _own("batch", "dosisbatch")
    task = "az batch task create --job-id j --task-id t --command-line x"
    assert _blocked(_job(task, [{"name": "AZURE_BATCH_ACCOUNT", "value": "DosisBatch"}]), batch) == []
    unset = _blocked(_job(task), batch)
    assert unset and unset[0].endswith(NAMED_NOTE) and "$azure_batch_account" in unset[0]
    appcs = _own("appcs", "dosis-appcs")
    kv = "az appconfig kv import --source file --path /tmp/d.json --format json --yes"
    conn = "Endpoint=https://{}.azconfig.io;Id=x;Secret=[secret]"
    ok = [{"name": "AZURE_APPCONFIG_CONNECTION_STRING", "value": conn.format("dosis-appcs")}]
    assert _blocked(_job(kv, ok), appcs) == []
    other = [{"name": "AZURE_APPCONFIG_CONNECTION_STRING", "value": conn.format("partner-appcs")}]
    assert _blocked(_job(kv, other), appcs)
    assert any(m.endswith(HELD_URL_NOTE) for m in _blocked(_job(kv), appcs))
    assert _found("az appconfig kv set -n dosis-appcs --key k --value v") == []


def test_urls_held_by_variables_are_the_resources_own_settings():
    """r87-07, r87-08, good/r87-02: `azcopy copy … "$URL"` and `az storage … --blob-url "$URL"` send where
    the resource's own environment points the variable; set nowhere, or a command substitution, blocks."""
    acct = _own("acct", "dosisexportsst")
    azcopy = "azcopy login --identity && azcopy copy /tmp/d.csv \"$EXPORT_URL\""
    own = [{"name": "EXPORT_URL", "value": "https://dosisexportsst.blob.core.windows.net/in/"}]
    assert _blocked(_job(azcopy, own), acct) == []
    other = [{"name": "EXPORT_URL", "value": "https://partnerexportsus.blob.core.windows.net/in/"}]
    assert _blocked(_job(azcopy, other), acct)
    unset = _blocked(_job(azcopy), acct)
    assert unset == ["`template.containers.0.command.2` sends to the place $EXPORT_URL holds" + HELD_URL_NOTE]
    assert _found("azcopy copy /tmp/d.csv \"$(cat /run/dest)\"") == [("host", "{$(cat /run/dest)}")]
    assert _found("azcopy copy \"$HOME/d.csv\" https://dosisexportsst.blob.core.windows.net/in/") == []
    blob_url = "az storage blob upload --auth-mode login --blob-url \"$DEST_URL\" -f /tmp/d.csv"
    env = [{"name": "AZURE_STORAGE_ACCOUNT", "value": "dosisexportsst"}]
    assert any("$DEST_URL" in m for m in _blocked(_job(blob_url, env), acct))
    assert _found("az storage blob download-batch -d \"$OUT\" -s in --account-name x") == []
    templated = "azcopy copy /tmp/d.csv \"https://${ACCT}.blob.core.windows.net/in/\""  # the over-block
    assert _blocked(_job(templated, [{"name": "ACCT", "value": "dosisexportsst"}]), acct) == []
    assert _blocked(_job(templated, [{"name": "ACCT", "value": "partnerexportsus"}]), acct)


def test_sdk_clients_built_from_non_literal_connection_strings():
    """r87-09, r87-10, good/r87-05: `from_connection_string(os.environ[X])` is the resource's own X; an
    expression (a value read from a secret the stack does not create) blocks as written."""
    acct = _own("acct", "dosisexportsst")
    code = "import os; c = BlobServiceClient.from_connection_string(os.environ['ARCHIVE_CONN']); c.upload()"
    conn = "DefaultEndpointsProtocol=https;AccountName={};EndpointSuffix=core.windows.net"
    assert _blocked(_job(["python3", "-c", code], [{"name": "ARCHIVE_CONN", "value": conn.format(
        "dosisexportsst")}]), acct) == []
    assert _blocked(_job(["python3", "-c", code], [{"name": "ARCHIVE_CONN", "value": conn.format(
        "partnerexportsus")}]), acct)
    assert _blocked(_job(["python3", "-c", code]), acct)[0].endswith(HELD_URL_NOTE)
    secret = ("conn = sm.get_secret_value(SecretId='x')['SecretString']\n"
              "c = BlobServiceClient.from_connection_string(conn)")
    assert _found(secret) == [("host", "{sm.get_secret_value(SecretId='x')['SecretString']}")]
    assert _found("const c = new AppConfigurationClient(process.env.APPCS)") == [("host", "$APPCS")]
    assert _found("const c = new CosmosClient({ endpoint: process.env.COSMOS_URL, key })") == [
        ("host", "$COSMOS_URL")]
    dotnet = "var c = new BlobServiceClient(new Uri(Environment.GetEnvironmentVariable(\"DEST\")), cred);"
    assert _found(dotnet) == [("host", "$DEST")]
    assert _found("c = BlobServiceClient(account_url=\"https://dosisexportsst.blob.core.windows.net\")") == []


def test_deployments_launched_from_a_script_block():
    """r87-16, r87-17, good/r87-06: `az deployment group create`, `az rest --method patch` and their Az
    PowerShell forms create resources the pack does not see; reads (`show`, `--method get`) pass."""
    why = ("runs `{}`, which creates or changes resources from a template or request the pack does not read "
           "(it is read when the script runs)")
    for line, cmd in (("az deployment group create -g rg --template-file /t/a.json",
                       "az deployment group create"),
                      ("az rest --method patch --url /x --body '{}'", "az rest --method patch"),
                      ("New-AzResourceGroupDeployment -ResourceGroupName rg -TemplateFile a.json",
                       "New-AzResourceGroupDeployment"),
                      ("terraform init && terraform apply -auto-approve", "terraform apply")):
        found = _blocked(_job(line))
        assert found and why.format(cmd) in found[0], line
    assert _blocked(_job("az deployment group show -g rg -n last && az rest --method get --url /x")) == []


def test_arm_writes_by_http_clients_and_cloud_control_block():
    """Probes r87-20..22: a PUT/PATCH to the ARM API by curl or Invoke-RestMethod, `aws cloudcontrol
    create-resource`, and an SDK client built as a .NET type from `$env:X` in PowerShell."""
    arm = "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/x/y?api-version=1"
    assert _found(f"curl -sf -X PATCH -d @/t/r.json {arm}") == [("site", (
        "runs `curl … PATCH https://management.azure.com/…`, which creates or changes resources from a "
        "template or request the pack does not read (it is read when the script runs): where they are and "
        "what they copy where cannot be judged; declare the resources in this stack's program instead"))]
    assert _found(f"curl -sf -H 'Authorization: Bearer t' {arm}") == []  # a read
    assert _found(f"Invoke-RestMethod -Method Put -Uri {arm} -Body $b")[0][0] == "site"
    assert _found("aws cloudcontrol create-resource --type-name AWS::S3::Bucket --desired-state \"$(cat s)\"")
    assert _found("aws cloudcontrol get-resource --type-name AWS::S3::Bucket --identifier b") == []
    ps = "$c = [Azure.Storage.Blobs.BlobServiceClient]::new($env:EXPORT_CONN)"
    assert _found(ps) == [("host", "$EXPORT_CONN")]
    acct = _own("acct", "dosisexportsst")
    own = [{"name": "EXPORT_CONN", "value": "DefaultEndpointsProtocol=https;AccountName=dosisexportsst;"
                                            "EndpointSuffix=core.windows.net"}]
    assert _blocked(_job(["pwsh", "-Command", ps], own), acct) == []


def test_log_analytics_workspaces_and_cosmos_accounts_named_by_commands():
    """Found while fixing: `az monitor … --workspace x` (a log export to a workspace by name) and `az cosmosdb
    … --account-name/-a x`, `az cosmosdb keys list -n x` name the stack's workspace and account, or block."""
    assert _found("az monitor diagnostic-settings create -n d --resource /x --workspace law-partner-us") == [
        ("named", "azure-native:operationalinsights:Workspace|law-partner-us")]
    assert _found("az cosmosdb sql database create -a cosmos-dosis-we -n dossiers -g rg") == [
        ("host", "cosmos-dosis-we.documents.azure.com")]
    assert _found("az cosmosdb keys list -n partner-cosmos -g rg --type connection-strings") == [
        ("host", "partner-cosmos.documents.azure.com")]
    law = res("azure-native:operationalinsights:Workspace", "law", {
        "resourceGroupName": "rg-weu", "location": "westeurope", "name": "law-dosis-we",
        "id": f"{OWN}/Microsoft.OperationalInsights/workspaces/law-dosis-we"})
    line = "az monitor diagnostic-settings create -n d --resource /x --workspace {} --logs '[]'"
    assert _blocked(_job(line.format("law-dosis-we")), law) == []
    assert _blocked(_job(line.format("law-partner-us")), law)


def test_uploads_to_a_destination_held_whole_by_a_variable():
    """Probes r87-23..26, good/r87-09, good/r87-10: curl, Invoke-WebRequest, `aws s3 cp` and scp sending to
    a variable: the resource's own setting (a URL's host, an `s3://` bucket, an scp target), else blocked;
    downloads, option values and the shell's own directories are no destinations."""
    assert _found("curl -sf -H \"Authorization: Bearer $TOKEN\" -T /tmp/d.csv \"$UPLOAD_URL\"") == [
        ("host", "$UPLOAD_URL")]
    assert _found("curl -f -o /tmp/d.csv \"$DOWNLOAD_URL\"") == []  # nothing sent
    assert _found("curl -sf --data-binary @/tmp/d.json \"$(cat /run/u)\"") == [("host", "{$(cat /run/u)}")]
    assert _found("Invoke-WebRequest -Method Put -InFile /tmp/d.csv -Uri $env:UPLOAD_URL") == [
        ("host", "$UPLOAD_URL")]
    assert _found("aws s3 cp \"$HOME/out.json\" \"$EXPORT_DEST\" --region eu-west-1") == [
        ("host", "$EXPORT_DEST")]
    assert _found("scp -i /keys/id /tmp/d.csv \"$TARGET\"") == [("host", "$TARGET")]
    acct = _own("acct", "dosisexportsst")
    curl = "curl -sf -T /tmp/d.csv \"$UPLOAD_URL\""
    own = [{"name": "UPLOAD_URL", "value": "https://dosisexportsst.blob.core.windows.net/in/d.csv"}]
    assert _blocked(_job(curl, own), acct) == []
    other = [{"name": "UPLOAD_URL", "value": "https://partnerexportsus.blob.core.windows.net/in/d.csv"}]
    assert any("partnerexportsus.blob.core.windows.net" in m for m in _blocked(_job(curl, other), acct))
    scp = "scp /tmp/d.csv \"$TARGET\""
    assert any("sftp.partner.example.us" in m for m in _blocked(_job(scp, [
        {"name": "TARGET", "value": "drop@sftp.partner.example.us:/in/"}]), acct))
    s3 = _job("aws s3 cp /tmp/d.csv \"$EXPORT_DEST\"", [{"name": "EXPORT_DEST", "value": "s3://partner-us-drop/in/"}])
    assert any("partner-us-drop" in m for m in _blocked(s3, acct))


def test_kubernetes_deployments_and_templated_store_hosts():
    """Probe r87-27 (round 92: evil/r87-30), good/r87-11, good/r23-11, good/r83-08: `kubectl apply` of
    manifests the text does not hold blocks as a deployer since round 92 (test_residency_r92); a store host
    a template names by a code variable is what the code
    assigns it (a literal, or the resource's own environment variable); a shell variable the text assigns is
    computed there (its literals are read where written), not looked up in the environment."""
    applied = _found("az aks get-credentials -g rg -n aks && kubectl apply -f /m/e.yaml")
    assert [k for k, _ in applied] == ["site"]
    computed = "DEST=\"$(printf %s \"$CFG\" | base64 -d | jq -r .upload)\"\naws s3 cp /d.json \"$DEST\""
    assert _found(computed) == []
    assert _found("aws s3 cp /d.json \"$DEST\"") == [("host", "$DEST")]
    code = ("import os\nname = os.environ['KEY_VAULT_NAME']\n"
            "c = SecretClient(vault_url=f'https://{name}.vault.azure.net', credential=cred)")
    vault = res("azure-native:keyvault:Vault", "kv", {
        "resourceGroupName": "rg-weu", "location": "westeurope", "name": "kv-dosis-we",
        "id": f"{OWN}/Microsoft.KeyVault/vaults/kv-dosis-we"})
    words = ["python3", "-c", code]
    assert _blocked(_job(words, [{"name": "KEY_VAULT_NAME", "value": "kv-dosis-we"}]), vault) == []
    other = _blocked(_job(words, [{"name": "KEY_VAULT_NAME", "value": "partner-kv"}]), vault)
    assert any("partner-kv.vault.azure.net" in m for m in other)
    assert _blocked(_job(words), vault)  # set nowhere: the image's
