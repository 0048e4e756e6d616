"""Azure data stores a command names by the tool's own parameter rather than by host (round 84).

`az storage … --account-name <name>` and Az PowerShell's `-StorageAccountName <name>` (`New-AzStorageContext`,
also at position 0; the Az.Storage data cmdlets) reach `https://<name>.blob.core.windows.net` (or the queue,
table or file host of the same account); `az keyvault … --vault-name <name>` and `-VaultName <name>`
(Az.KeyVault, also at position 0) reach `https://<name>.vault.azure.net`. The command reads or writes that
store when it runs, so the name is judged as that host: only a storage account or vault of the stack (found by
name, any case: Azure compares resource names without case) or a declared endpoint places it. A variable the
text assigns one literal (`ACCT=x`, `export ACCT="x"`, PowerShell `$acct = 'x'`) stands for that literal; any
other variable is returned as written and blocks as unresolved (write the name, a resource of the stack, in
the command).

The Azure CLI takes the account from `AZURE_STORAGE_ACCOUNT` when a command names none (its `--account-name`
help; round 85): a setting of that name (an environment entry, an app setting, any case) names that account's
host, and `$AZURE_STORAGE_ACCOUNT` (PowerShell: `$env:…`) in a command is the value the resource's own
environment sets (`code_values.py`).

A container's exec-form command (`["az", "storage", …]`, `["s3api", "put-object", "--bucket", …]`) is one
command line cut into words: `references.py` also reads the words joined by spaces (`exec_form`).
"""

from __future__ import annotations

import re

from policies.core.code_values import STORE_NAME
from policies.core.command_buckets import option_buckets

_NAME = r"[\"']?(\$(?i:env:)?\{?[A-Za-z_]\w*\}?|[A-Za-z0-9][A-Za-z0-9-]{1,62})[\"']?(?![\w.-])"
# (option regex, host suffix): the CLI's option within one `az storage`/`az keyvault` command (up to the
# next line, `;`, `|` or `&`); PowerShell's parameters are case-insensitive, as are its variables.
_FORMS = (
    (re.compile(rf"\baz\s+storage\b[^\n;|&]*?\s--account-name(?:\s+|=){_NAME}"), ".blob.core.windows.net"),
    (re.compile(rf"\baz\s+keyvault\b[^\n;|&]*?\s--vault-name(?:\s+|=){_NAME}"), ".vault.azure.net"),
    (re.compile(rf"(?i)(?<![\w-])-StorageAccountName(?:\s+|:){_NAME}"), ".blob.core.windows.net"),
    (re.compile(rf"(?i)(?<![\w-])-VaultName(?:\s+|:){_NAME}"), ".vault.azure.net"),
    # the name at position 0, no parameter name: New-AzStorageContext's account, Az.KeyVault cmdlets' vault
    (re.compile(rf"(?i)(?<![\w-])New-AzStorageContext\s+{_NAME}"), ".blob.core.windows.net"),
    (re.compile(rf"(?i)(?<![\w-])[a-z]+-AzKeyVault\w*\s+{_NAME}"), ".vault.azure.net"),
)
MAY_NAME = re.compile(
    r"(?i)-(?:(?:-account-name|-vault-name|storageaccountname|vaultname|azstoragecontext)\b|azkeyvault)")
EXEC_KEYS = frozenset({"command", "args", "entryPoint", "Command", "Args", "EntryPoint"})


def _assigned(var: str, s: str) -> list[str]:
    """The literals the text assigns to a shell or PowerShell variable (none: the variable as written)."""
    name = re.escape(var.strip("${}"))
    value = r"[\"']?([A-Za-z0-9][A-Za-z0-9-]*)[\"']?(?=[\s;&)]|$)"
    shell = re.compile(rf"(?:^|[\s;&(])(?:export\s+)?{name}={value}")
    pwsh = re.compile(rf"(?i)\${name}\s*=\s*{value}")
    found = [m.group(1) for rx in (shell, pwsh) for m in rx.finditer(s)]
    return found or [var]


def command_names(s: str) -> list[tuple[str, str, bool]]:
    """(kind `host`, host, False) of each storage account or vault the text names by a command's parameter."""
    out: list[tuple[str, str, bool]] = []
    for rx, suffix in _FORMS:
        for m in rx.finditer(s):
            name = m.group(1)
            for v in _assigned(name, s) if name[0] == "$" else [name]:
                out.append(("host", f"{v.lower()}{suffix}", False))
    return list(dict.fromkeys(out))


def exec_form(value: list) -> list[tuple[str, str, bool]]:
    """The buckets and stores an exec-form command's words name as one command line (the words joined)."""
    if len(value) < 2 or not all(type(v) is str for v in value) or not any(v[:1] == "-" for v in value):
        return []  # an option is a word of its own: none, nothing new to read
    line = " ".join(value)
    buckets = option_buckets(line) if "-bucket" in line or "export-task" in line else []
    return buckets + (command_names(line) if MAY_NAME.search(line) else [])


def env_account(kind: str, value: str) -> tuple[tuple[str, str, bool], ...]:
    """The storage account a setting named `AZURE_STORAGE_ACCOUNT` (any case) gives the CLI (round 85)."""
    if kind.upper() != "AZURE_STORAGE_ACCOUNT" or not STORE_NAME.fullmatch(value):
        return ()
    return (("host", f"{value.lower()}.blob.core.windows.net", False),)


def secret_account(value: dict) -> tuple[tuple[str, str, bool], ...]:
    """An environment entry `{name: AZURE_STORAGE_ACCOUNT, secretRef: s}` (Container Apps): the account the
    secret holds, `code_values.environment_buckets` reads it from the resource's own `secrets` (round 85)."""
    name = value.get("name")
    if type(name) is not str or name.upper() != "AZURE_STORAGE_ACCOUNT":
        return ()
    return (("host", "$azure_storage_account.blob.core.windows.net", False),)
