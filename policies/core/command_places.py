"""Places a script's Azure commands and SDK calls name beyond round 84's accounts and vaults (round 87).

Round 84 read the storage account and vault an `az storage`/`az keyvault` command or Az.Storage/Az.KeyVault
cmdlet names; a script held by a resource (a Container Apps or ECS job, a buildspec, user data, a runbook)
moves or places data through other groups as well:

- **Regions**: `az … --location/-l eastus` (a store created there: `az storage account create`, `az backup
  vault create`, `az acr replication create`), `az cosmosdb update --locations regionName=eastus …` (a
  replica region of the stack's own account), Az PowerShell's `-Location`/`-LocationName 'East US'` (in a
  text naming an `*-Az*` cmdlet). Each value is a region reference judged like a `location` field: an Azure
  name or display name of an allowed region passes; any other word, a variable nothing sets and an
  expression block (write the allowed region's name).
- **Resources named by other options**: `az storage account <verb> --name/-n x` (its keys, its connection
  string: `az storage account show-connection-string -n x`, also inside `$(…)`), an object replication
  policy's `--destination-account/-d`, `--source-account/-s`, `az monitor … --storage-account x` (a log
  export), the Az cmdlets `*-AzStorageAccount* -Name x` (`(Get-AzStorageAccount -Name x).Context`): the
  account's host `x.blob.core.windows.net`; `az sql … --server/-s/--dest-server/--partner-server x`, `az
  sql server <verb> -n x` and `*-AzSql* -ServerName/-CopyServerName/-PartnerServerName x`: the server's
  host `x.database.windows.net` (a copy or replica on another party's server); `az backup|dataprotection …
  --vault-name/-v x`: the Recovery Services or Backup vault of that name (backups live in the vault's
  region); `az batch … --account-name x`, `az batch account <verb> -n x` (`az batch account login`): the
  Batch account (tasks run, and their resource files land, in its pools). An id or URL there is scanned as
  such.
- **Defaults**: an `az batch` data command (job, task, pool, node) naming no account takes it from `az
  batch account login` or `AZURE_BATCH_ACCOUNT`; an `az appconfig kv|feature` command naming no store from
  `AZURE_APPCONFIG_CONNECTION_STRING` (azure-cli's `--connection-string` help): the resource's own
  environment, else unresolved.
- **URLs held in variables**: `az storage … --blob-url|--blob-endpoint|--destination "$URL"` (and azcopy,
  curl, wget, the web cmdlets, `aws s3 cp`, scp: `upload_targets.py`): the destination is the value the
  resource's own environment gives the variable (a URL or connection string there is also scanned where it
  is set); nothing set there, or a command substitution, blocks (`code_values.environment_buckets`).
- **Deployments launched from a script** (`az deployment … create`, `az rest --method put|patch`, a PUT or
  PATCH to `management.azure.com` by curl or a web cmdlet, `New-Az*Deployment`, `terraform apply`, `pulumi
  up`, `aws cloudformation deploy`, `aws cloudcontrol create-resource`) create resources from a template or
  body the pack does not read: they block like a deployer resource (`kubectl apply` to the stack's own
  cluster is accepted since round 23, `good/r23-11`: a limit case).
- **SDK clients in inline code**: an Azure SDK client built from a connection string or URL that is not a
  literal (`BlobServiceClient.from_connection_string(os.environ["X"])`, `AppConfigurationClient(process.
  env.X)`, `SecretClient(vault_url=url)`): an environment variable is the resource's own setting, as above;
  any other expression (a parameter, a value read from a secret the stack does not create) is kept as
  written and blocks.
"""

from __future__ import annotations

import re

from policies.core.code_uploads import code_uploads, may_send
from policies.core.code_values import held

# EXEC_KEYS, env_account and secret_account are imported by references.py from here (one import line)
from policies.core.command_names import (  # noqa: F401
    ARG,
    EXEC_KEYS,
    assigned,
    env_account,
    exec_form,
    option_values,
    secret_account,
)
from policies.core.script_languages import may_run, script_runs
from policies.core.script_sites import EDGES, RELEASES, WORD, created_accounts, region_words, sites
from policies.core.script_tools import may_use, tool_runs
from policies.core.shell_programs import exec_script, held_scripts, may_hold, script_lines, shell_problems
from policies.core.upload_targets import held_target, upload_targets

RSV = "azure-native:recoveryservices:Vault"
BACKUP_VAULT = "azure-native:dataprotection:BackupVault"
BATCH = "azure-native:batch:BatchAccount"
WORKSPACE = "azure-native:operationalinsights:Workspace"
MANAGED_INSTANCE = "azure-native:sql:ManagedInstance"  # (round 88: its host carries a DNS zone: by name)
# indexed by name (graph_index.py)
NAMED_BY_COMMANDS = frozenset({RSV, BACKUP_VAULT, BATCH, WORKSPACE, MANAGED_INSTANCE})
# How to make what these commands and calls take from elsewhere judgeable (the messages' notes).
HELD_URL_NOTE = (": a command (azcopy, curl, `aws s3 cp`, `az storage … --blob-url`) or an SDK client "
                 "(`from_connection_string`, `account_url`) takes its destination from a variable nothing "
                 "in the resource sets (the image's environment, a profile) or from an expression the pack"
                 " does not run (a value read from a secret or parameter at run time), so where the data "
                 "goes cannot be judged; write the URL or connection string of a resource of this stack in"
                 " the command or code, or set the variable to it in the resource's own environment")
NAMED_NOTE = ("; the command names the vault or account by a variable or expression, or not at all (an `az "
              "batch` command then takes the account from `az batch account login` or AZURE_BATCH_ACCOUNT), "
              "so the pack cannot place it: write the name (a resource of this stack) in the command, e.g. "
              "`--vault-name <vault>`, `--account-name <account>`, or set the variable in the resource's "
              "own environment")
_BLOB, _SQL, _COSMOS = ".blob.core.windows.net", ".database.windows.net", ".documents.azure.com"
_COSMOS_VERBS = (r"(?:create|update|show|delete|keys|failover-priority-change|regenerate-key|"
                 r"list-connection-strings|offline-region)")
_CMD = r"[^\n;|&]*"  # the rest of one command: to the next line, `;`, `|` or `&`
_ACCOUNT_VERBS = (r"(?:create|update|show|delete|show-connection-string|failover|keys|revoke-delegation-keys|"
                  r"hns-migration|network-rule|or-policy|management-policy|blob-service-properties|"
                  r"file-service-properties)")
# (one command, its option naming the resource, the host suffix or `named:` type it is judged as)
_AZ_NAMES = tuple((re.compile(cmd + _CMD), re.compile(rf"\s(?:{opt})(?:\s+|=){ARG}"), place)
                  for cmd, opt, place in (
    (rf"\baz\s+storage\s+account\s+{_ACCOUNT_VERBS}\b", "--name|-n", _BLOB),
    (r"\baz\s+storage\s+account\s+or-policy\b", "--destination-account|--source-account|-d|-s", _BLOB),
    (r"\baz\s+monitor\b", "--storage-account", _BLOB),
    (r"\baz\s+monitor\b", "--workspace", f"named:{WORKSPACE}"),
    (r"\baz\s+cosmosdb\b", "--account-name|-a", _COSMOS),
    (rf"\baz\s+cosmosdb\s+{_COSMOS_VERBS}\b", "--name|-n", _COSMOS),
    (r"\baz\s+sql\b", "--server|-s|--dest-server|--partner-server", _SQL),
    (r"\baz\s+sql\s+server\s+(?:create|update|show|delete|wait)\b", "--name|-n", _SQL),
    (r"\baz\s+backup\b", "--vault-name|-v", f"named:{RSV}"),
    (r"\baz\s+dataprotection\b", "--vault-name|-v", f"named:{BACKUP_VAULT}"),
    (r"\baz\s+batch\b", "--account-name", f"named:{BATCH}"),
    (r"\baz\s+batch\s+account\s+(?!list\b)[\w-]+\b", "--name|-n", f"named:{BATCH}"),
    # round 88: managed instances (a database copied or moved to one, a failover group's partner)
    (r"\baz\s+sql\s+(?:midb|instance-failover-group|mi\s+(?:ad-admin|key|tde-key|op))\b",
     "--mi|--managed-instance|--dest-mi|--partner-mi|--target-managed-instance|--dest-managed-instance",
     f"named:{MANAGED_INSTANCE}"),
    (r"\baz\s+sql\s+mi\s+(?:create|update|show|delete|failover|start|stop|link\s+create)\b", "--name|-n",
     f"named:{MANAGED_INSTANCE}"),
))
# Az PowerShell (parameters of any case, within one statement): storage accounts and SQL servers by name.
_PS_NAMES = tuple((re.compile(cmd + r"[^\n;|]*"), re.compile(rf"(?i)(?<![\w-])-(?:{opt})(?:\s+|:){ARG}"),
                   place) for cmd, opt, place in (
    # the account's own cmdlets (a `*-AzStorageAccountManagementPolicyRule -Name` names a rule)
    (r"(?i)(?<![\w-])[a-z]+-AzStorageAccount(?:Key|NetworkRule|NetworkRuleSet|Failover)?\b",
     "Name|AccountName", _BLOB),
    (r"(?i)(?<![\w-])[a-z]+-AzSql\w*\b", "ServerName|CopyServerName|PartnerServerName", _SQL),
    (r"(?i)(?<![\w-])[a-z]+-AzDataProtection\w*\b", "VaultName", f"named:{BACKUP_VAULT}"),
))
_WORD = WORD  # a word of a command: double- or single-quoted, or bare (script_sites.py)
_AZ_ONE = re.compile(rf"\baz\s+[a-z][\w-]*\b{_CMD}")
# Round 88: a read (`az vm list-skus -l eastus`, `az account list-locations`) places nothing in its region
_AZ_READ = re.compile(r"az\s+(?:[a-z][\w-]*\s+){1,3}?(?:list|show)(?:-[\w-]+)?(?=\s|$)")
_CLI_LOCATION = re.compile(rf"\s(?:--location|-l)(?:\s+|=){_WORD}")
_REGION_PAIR = re.compile(rf"(?i)(?<![\w-])(?:regionName|locationName)={_WORD}")
_PS_LOCATION = re.compile(rf"(?i)(?<![\w-])-(?:Location|LocationName)(?:\s+|:){_WORD}")
_PS_AZ = re.compile(r"(?i)(?<![\w-])[a-z]+-Az[A-Z]\w*")
# Round 89: an Az read (`Get-AzVMSize -Location eastus`, `Get-AzVMUsage`, `Test-Az*Availability`) places
# nothing in its region: its own words only (to `;`, `|`, a line's end, or a `(`/`{` that may run a write)
_PS_READ = re.compile(r"(?i)(?<![\w-])(?:Get|Test|Find|Search)-Az[A-Z]\w*[^\n;|({]*")
# A splatted hashtable's `Location` key (`$p = @{ Location = 'eastus' }; New-AzStorageAccount @p`), as round
# 86 reads its `StorageAccountName`: read in a text holding `@{` only.
_SPLAT_LOCATION = re.compile(rf"(?i)[{{;\s][\"']?(?:Location|LocationName)[\"']?\s*=\s*{_WORD}")
# Commands that create or change resources the pack never sees (a template, a request body read when the
# script runs): a deployment launched from a script is an opaque deployer like a deployment resource.
_DEPLOYS = re.compile(
    r"(?i)\baz\s+(?:deployment\s+(?:group|sub|mg|tenant)\s+create|group\s+deployment\s+create|"
    r"stack\s+(?:group|sub|mg)\s+(?:create|set)|resource\s+(?:create|update|patch))\b|"
    r"\baz\s+rest\b[^\n;|&]*?\s(?:--method|-m)[\s=]+[\"']?(?:put|patch)\b|"
    r"(?<![\w-])(?:New|Set)-Az(?:\w*Deployment\w*|Resource)\b|"
    r"(?<![\w-])Invoke-AzRestMethod\b[^\n;|]*?-Method\s+[\"']?(?:put|patch)\b|"
    r"\b(?:terraform\s+apply|pulumi\s+up|cdk\s+deploy|sam\s+deploy|"
    r"aws\s+cloudformation\s+(?:deploy|create-stack|update-stack|create-stack-set|update-stack-set|"
    r"create-stack-instances)|aws\s+cloudcontrol\s+(?:create|update)-resource|"
    r"aws\s+servicecatalog\s+(?:provision|update-provisioned)-product)\b")
# Round 87: a write to the ARM API by a plain HTTP client (`curl -X PUT https://management.azure.com/…`,
# `Invoke-RestMethod -Method Patch`): a deployment too, whatever id it names (the body is what changes).
_HTTP_CALL = re.compile(r"(?i)(?<![\w-])(?:curl|wget|http|Invoke-RestMethod|Invoke-WebRequest|irm|iwr)\b"
                        r"[^\n;|&]*")
_HTTP_WRITE = re.compile(r"(?i)(?:\s(?:-X|--request|-Method|--method)[\s=]*[\"']?|^http\s+)(put|patch)\b")
# Round 88: a global edge service created by a script (Front Door, CDN, CloudFront, Global Accelerator).
_EDGES = re.compile(
    r"\baz\s+(?:afd|cdn|network\s+front-door)\s+(?:[\w-]+\s+)?(?:create|update)\b|"
    r"\baws\s+(?:cloudfront\s+(?:create|update)-distribution[\w-]*|globalaccelerator\s+create-[\w-]+|"
    r"s3control\s+create-multi-region-access-point)\b|(?<![\w-])(?:New|Set)-Az(?:FrontDoor|Cdn)\w*\b")
_EDGES_WHY = ("runs `{}`, which creates or changes a global edge service (Front Door, CDN, CloudFront, "
              "Global Accelerator) outside the program: it serves and caches data at points of presence "
              "outside the EEA; declare it in this stack's program instead, where "
              "disallow-global-edge-services judges it")
_DEPLOYS_WHY = ("runs `{}`, which creates or changes resources from a template or request the pack does not "
                "read (it is read when the script runs): where they are and what they copy where cannot be "
                "judged; declare the resources in this stack's program instead")
# Az.RecoveryServices: the vault named by `*-AzRecoveryServicesVault -Name x`, or passed as `-VaultId $v.ID`
# (a vault found some other way is an expression: it blocks).
_RSV_CMD = re.compile(rf"(?i)(?<![\w-])[a-z]+-AzRecoveryServicesVault\b[^\n;|]*?\s-Name(?:\s+|:){ARG}")
_RSV_GET = r"Get-AzRecoveryServicesVault\b[^\n;|]*?\s-Name\s"
_VAULT_ID = re.compile(r"(?i)(?<![\w-])-VaultId(?:\s+|:)(\$\w+)\.ID\b")
# Defaults of commands naming no account or store (round 86's for `az storage`: command_names.py).
_BATCH_DATA = re.compile(rf"\baz\s+batch\s+(?:job|job-schedule|task|pool|node)\b{_CMD}")
_BATCH_PLACED = re.compile(r"--account-name|--account-endpoint")
_BATCH_LOGIN = re.compile(r"\baz\s+batch\s+account\s+login\b")  # its `-n` is read as a name
_APPCONFIG_DATA = re.compile(rf"\baz\s+appconfig\s+(?:kv|feature)\b{_CMD}")
_APPCONFIG_PLACED = re.compile(r"\s(?:--name|-n|--connection-string|--endpoint)[\s=]")
_APPCONFIG_SET = re.compile(r"AZURE_APPCONFIG_CONNECTION_STRING=[\"']?Endpoint=")  # a literal: scanned
# URLs `az storage` takes from a variable (its URL options; azcopy's and curl's: core/upload_targets.py).
_STORAGE_URL = re.compile(r"\baz\s+storage\b" + _CMD)
# (destinations only: a source brings data in; `-d` of upload-batch is a container name or a URL)
_URL_OPTION = re.compile(rf"\s(?:--blob-url|--blob-endpoint|--file-endpoint|--queue-endpoint|"
                         rf"--table-endpoint|--destination|-d)(?:\s+|=){_WORD}")
_MONITOR = re.compile(r"\baz\s+monitor\b" + _CMD)
_MONITOR_HELD = re.compile(rf"\s(?:--event-hub-rule|--event-hub-rule-id|--marketplace-partner-id|"
                           rf"--destination)"
                           rf"(?:\s+|=){_WORD}")
_AWS_ONE = re.compile(r"\baws\s+[a-z0-9-]+\s+[a-z0-9-]+" + _CMD)
_AWS_DEST = re.compile(rf"\s(?:--destination[\w-]*|--target-bucket|--s3-destination[\w-]*)(?:\s+|=){_WORD}")
_VARIABLE = re.compile(r"^\$\{?([A-Za-z_]\w*)\}?$")
_REGION_VARIABLE = re.compile(r"\$(?:env:)?\{?[A-Za-z_]\w*\}?", re.I)  # a shell or PowerShell variable
_REGION_EXPRESSION = re.compile(r"\$\(|`|\$\w+[.\[]|\(")  # (what `_region_values` keeps in braces)
_PS_ENV = re.compile(r"(?i)^\$env:(\w+)$")
# Azure SDK clients built from a connection string or URL (Python, JavaScript, .NET): their first argument.
_CLIENT = (r"(?:Blob|Queue|Share|Table|DataLake)ServiceClient|BlobContainerClient|ContainerClient|BlobClient|"
           r"QueueClient|ShareClient|TableClient|SecretClient|KeyClient|CertificateClient|CosmosClient|"
           r"(?:Azure)?AppConfigurationClient|ConfigurationClient|EventHubProducerClient|EventHubConsumerClient|"
           r"ServiceBusClient")
_SDK = re.compile(
    rf"(?<!\w)(?:new\s+)?(?:{_CLIENT})(?:\]\s*::\s*new)?\s*(?:\.\s*(?:from_connection_string|fromConnectionString|"
    r"from_\w+_url|fromURL)\s*)?\(\s*(?:new\s+Uri\s*\(\s*)?(?:(?:account_url|vault_url|base_url|url|endpoint|"
    r"conn_str|connection_string|fully_qualified_namespace)\s*=\s*)?([^,()\n]+(?:\([^()\n]*\)[^,()\n]*)*)")
_JS_OBJECT = re.compile(r"(?:endpoint|connectionString|url)\s*:\s*([^,}\n]+)")
_ENV_NAME = re.compile(r"^\$(?i:env:)?\{?(\w+)\}?$")
_UPLOAD_HINT = re.compile(r"(?i)curl|wget|-WebRequest|-RestMethod|\birm\b|\biwr\b|\bs3\s|\bscp\b|rsync|"
                          r"azcopy|ftp\b|BitsTransfer")  # (round 88: sftp, lftp, Start-BitsTransfer)
_SDK_HINT = re.compile(r"Client\s*(?:\.\s*\w+\s*)?\(")


def region_variable_problem(path: str, value: str) -> str | None:
    """Why a region a command names by a variable nothing in the resource sets, or by an expression the script
    computes when it runs (round 89: `-l "$(cat f)"`), cannot be judged (None: the value is neither)."""
    if value[:1] == "{" and value[-1:] == "}" and _REGION_EXPRESSION.search(value):
        return (f"`{path}` = {value[1:-1]!r} is an expression the script computes when it runs (a file, a "
                "command or a lookup), so where the command puts the data cannot be judged; write the "
                "allowed region's name in the command or set a variable to it in the resource's own "
                "environment")
    if not _REGION_VARIABLE.fullmatch(value):
        return None
    return (f"`{path}` = {value!r} is a variable nothing in the resource sets, so where the command puts the "
            "data cannot be judged; write the allowed region's name in the command or set the variable to it "
            "in the resource's own environment")


def held_destination(host: str) -> bool:
    """Whether a host reference is a whole URL held by a variable or expression (`$DEST`, `{expr}`)."""
    return (host[:1] == "$" and "." not in host) or (host[:1] == "{" and host[-1:] == "}")


def may_place(s: str) -> bool:
    """Whether the text may run one of the commands or SDK calls read here (cheap tests first)."""
    if " " not in s:
        return False  # a name, id, host or single word: no command line or code (exec-form words are joined)
    return ("az " in s or "azcopy" in s or "-Az" in s or "-az" in s or "management.azure.com" in s
            or _deploy_hint(s) or ("$" in s and _UPLOAD_HINT.search(s) is not None)) or (
        "Client" in s and _SDK_HINT.search(s) is not None) or may_send(s) or may_run(s) or may_use(s) or (
        may_hold(s))


def _deploy_hint(s: str) -> bool:
    return ("terraform" in s or "pulumi" in s or " deploy" in s or "cloudformation" in s
            or "cloudcontrol" in s or "servicecatalog" in s or "cloudfront" in s or "globalaccelerator" in s
            or "multi-region-access-point" in s
            or ("aws " in s and ("--destination" in s or "--target-b" in s or "--s3-destination" in s
                                 or "--region" in s or "global" in s or "cli-input" in s or "accelerate" in s
                                 or "lightsail" in s or "apigateway" in s or "RegionName" in s))
            or "helm" in s or "kube" in s or "kustomize" in s or "staticwebapp" in s or "_REGION=" in s)


def command_places(s: str) -> list[tuple[str, str, bool]]:
    """(kind, value, False) of each region, store, server, vault or account the text's commands and SDK calls
    name (round 87), and of each URL or connection string they take from a variable (`host` `$NAME`)."""
    out: list[tuple[str, str, bool]] = []
    az = "az " in s or "azcopy" in s or "-Az" in s or "-az" in s
    if az:
        out += _regions(s) + _names(s) + _defaults(s) + _vaults(s)
    out += _held_urls(s)
    if az or _deploy_hint(s):
        out += [("site", _DEPLOYS_WHY.format(m.group(0)), False) for m in _DEPLOYS.finditer(s)]
        out += [("site", _EDGES_WHY.format(m.group(0)), False) for m in _EDGES.finditer(s)]
        out += _script_sites(s)
    if "management.azure.com" in s:
        out += [("site", _DEPLOYS_WHY.format(f"{c.group(0).split()[0]} … {w.group(1).upper()} "
                                             "https://management.azure.com/…"), False)
                for c in _HTTP_CALL.finditer(s) if "management.azure.com" in c.group(0)
                and (w := _HTTP_WRITE.search(c.group(0)))]
    if "Client" in s:
        out += _sdk(s)
    if "$" in s and _UPLOAD_HINT.search(s):  # curl, wget, web cmdlets, aws s3, scp, rsync
        out += upload_targets(s)
    if may_send(s):  # round 88: requests, httpx, urllib, fetch, axios in inline code
        out += code_uploads(s)
    out += script_runs(s) if may_run(s) else []  # round 92: unread languages, raw connections, DB clients
    out += tool_runs(s) if may_use(s) else []  # round 93: tools sending to a place their config names
    if may_hold(s):  # round 94: every program of a held shell script (a buildspec's commands, `#!/bin/sh`)
        out += [("site", why, False) for t in held_scripts(s) for why in shell_problems(t)]
    return list(dict.fromkeys(out))


def _script_sites(s: str) -> list[tuple[str, str, bool]]:
    """Round 91 (script_sites.py): AWS regions held by a variable, edges and global constructs a script
    makes, options read from a file, Helm releases."""
    out = [("region", r, False) for v in region_words(s) for r in _region_values(v, s)]
    out += [("site", _EDGES_WHY.format(m.group(0)), False) for m in EDGES.finditer(s)]
    out += [("site", _DEPLOYS_WHY.format(m.group(0).strip()), False) for m in RELEASES.finditer(s)]
    return out + [("site", why, False) for why in sites(s)]


def _word(m: re.Match) -> str:
    return next(g for g in (m.group(1), m.group(2), m.group(3)) if g is not None).strip()


def _region_values(v: str, s: str) -> list[str]:
    """A region as written; a variable: the literal the text assigns it, else as written (the resource's own
    environment's, `code_values.environment_buckets`); an expression (`$(az group show …)`) in braces."""
    if _VARIABLE.match(v):
        return assigned(v, s)
    if m := _PS_ENV.match(v):  # round 89: PowerShell's `$env:X` is the environment's `$X`
        return [f"${m.group(1)}"]
    return [f"{{{v}}}"] if "$" in v or "`" in v or "(" in v else [v]


def _regions(s: str) -> list[tuple[str, str, bool]]:
    found = [_word(m) for c in _AZ_ONE.finditer(s) if not _AZ_READ.match(c.group(0))
             for rx in (_CLI_LOCATION, _REGION_PAIR) for m in rx.finditer(c.group(0))] if "az " in s else []
    if "-" in s and _PS_AZ.search(s):
        reads = [m.span() for m in _PS_READ.finditer(s)]  # round 89: `Get-AzVMSize -Location eastus`
        found += [_word(m) for m in _PS_LOCATION.finditer(s) if not any(a <= m.start() < b for a, b in reads)]
        found += [_word(m) for m in _SPLAT_LOCATION.finditer(s)] if "@{" in s else []
    return [("region", r, False) for v in found for r in _region_values(v, s)]


def _names(s: str) -> list[tuple[str, str, bool]]:
    out: list[tuple[str, str, bool]] = []
    forms = (_AZ_NAMES if "az " in s else ()) + (_PS_NAMES if "-Az" in s or "-az" in s else ())
    for cmd, opt, place in forms:
        for m in (m for c in cmd.finditer(s) for m in opt.finditer(c.group(0))):
            for v in option_values(m, s):
                if v.lower().startswith(("{/subscriptions/", "{http")):
                    continue  # an Azure id or URL: scanned as such
                out.append(("named", f"{place[6:]}|{v.lower()}", False) if place.startswith("named:")
                           else ("host", f"{v.lower()}{place}", False))
    return out


def _vaults(s: str) -> list[tuple[str, str, bool]]:
    """Recovery Services vaults an Az.RecoveryServices script names: by `-Name` of the vault cmdlets, and a
    `-VaultId $v.ID` whose `$v` the text does not take from one of them (as written: unresolved)."""
    if "ecoveryServices" not in s and "ecoveryservices" not in s:
        return []
    out = [("named", f"{RSV}|{v.lower()}", False) for m in _RSV_CMD.finditer(s) for v in option_values(m, s)]
    for var in {m.group(1) for m in _VAULT_ID.finditer(s)}:
        if not re.search(rf"(?i){re.escape(var)}\s*=\s*\(?\s*{_RSV_GET}", s):
            out.append(("named", f"{RSV}|{{{var.lower()}.id}}", False))
    return out


def _defaults(s: str) -> list[tuple[str, str, bool]]:
    out: list[tuple[str, str, bool]] = []
    if "batch" in s and not _BATCH_LOGIN.search(s) and any(
            not _BATCH_PLACED.search(m.group(0)) for m in _BATCH_DATA.finditer(s)):
        out += [("named", f"{BATCH}|{v.lower()}", False) for v in assigned("$AZURE_BATCH_ACCOUNT", s)]
    if "appconfig" in s and not _APPCONFIG_SET.search(s) and any(
            not _APPCONFIG_PLACED.search(m.group(0)) for m in _APPCONFIG_DATA.finditer(s)):
        out.append(("host", "$AZURE_APPCONFIG_CONNECTION_STRING", False))
    return out


def exec_words(value: list, path: str = "") -> list[tuple[str, str, bool]]:
    """What an exec-form command's words (`["s3api", "--bucket", "x"]`, `["az", "cosmosdb", "update", …]`)
    name as one command line: round 84's buckets and stores, and this module's places; round 94: the
    programs of a list of shell lines (a buildspec's `commands`, cloud-init's `runcmd`) at `path`."""
    if path.endswith(("commands", "finally", "runcmd", "bootcmd")):
        return [("site", why, False) for why in script_lines(value, path)]
    found = exec_form(value) + _exec_places(value)
    found += [("site", why, False) for why in exec_script(value)]  # round 94: `["sh", "-c", SCRIPT]`
    line = " ".join(value) if found and all(type(v) is str for v in value) else ""
    created = created_accounts(line) if "torageAccount" in line or "storage account create" in line else ()
    return [f for f in found if f[0] != "host" or f[1] not in created]  # round 91: accounts it creates


def _exec_places(value: list) -> list[tuple[str, str, bool]]:
    if len(value) < 2 or not all(type(v) is str for v in value) or not (
            value[0] in ("az", "azcopy", "pwsh", "terraform", "pulumi") or any(v[:1] == "-" for v in value)):
        return []
    line = " ".join(value)
    found = command_places(line) if may_place(line) else []
    if not found:
        return []
    alone = {f for w in value if may_place(w) for f in command_places(w)}  # found in one word: read there
    return [f for f in found if f not in alone]


def _held_urls(s: str) -> list[tuple[str, str, bool]]:
    words: list[str] = []  # (azcopy's destination: core/upload_targets.py)
    if "az " in s and "storage" in s:  # (a download's destination is local)
        words += [_word(m) for c in _STORAGE_URL.finditer(s) if "download" not in c.group(0)
                  for m in _URL_OPTION.finditer(c.group(0))]
    if "az " in s and "monitor" in s:  # round 88: a log export's event hub rule (a literal id is scanned)
        words += [_word(m) for c in _MONITOR.finditer(s) for m in _MONITOR_HELD.finditer(c.group(0))]
    if "aws " in s:  # round 88: an AWS command's destination (`--destination-arn "$X"`)
        words += [_word(m) for c in _AWS_ONE.finditer(s) for m in _AWS_DEST.finditer(c.group(0))]
    return [found for w in words if (found := held_target(w, s))]


def _sdk(s: str) -> list[tuple[str, str, bool]]:
    out: list[tuple[str, str, bool]] = []
    for m in _SDK.finditer(s):
        arg = m.group(1).strip()
        if arg[:1] == "{":  # a JavaScript options object: its endpoint or connection string
            arg = o.group(1).strip() if (o := _JS_OBJECT.search(s, m.start(1))) else arg
        for v in held(arg, s):
            if m2 := _ENV_NAME.match(v):  # an environment variable the code does not set: the resource's own
                out.append(("host", f"${m2.group(1)}", False))  # setting (PowerShell's `$env:X` too)
            elif v[:1] == "{" and v[-1:] == "}":  # an expression the pack does not run: as written
                out.append(("host", v if len(v) < 100 else v[:98] + "…}", False))
    return out
