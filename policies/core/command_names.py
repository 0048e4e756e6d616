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

Round 86: an `az storage` data command naming no account (any group but `account`, `*-rm`, `sku`) reaches
the account the CLI takes from `AZURE_STORAGE_ACCOUNT` or `AZURE_STORAGE_CONNECTION_STRING`, or from the
`[storage]` section of its config file (`az config set storage.account=x`): the value the same text sets,
else the resource's own environment, else it blocks as unresolved (the image's environment, a profile).
A setting of that name holding no plain name (a Key Vault reference, an ECS secret's parameter, a secret) is
an account the pack cannot place; an option's argument that is an expression (`$vault.VaultName`, `$(…)`)
is kept as written; a splatted hashtable's `StorageAccountName`/`VaultName` key is the parameter;
`az storage copy`'s `--destination-account-name`/`--source-account-name`, a `--connection-string` held in
a variable and App Configuration's data plane (`az appconfig kv … --name x`: `x.azconfig.io`) are read.

A container's exec-form command (`["az", "storage", …]`, `["s3api", "put-object", "--bucket", …]`) is one
command line cut into words: `references.py` also reads the words joined by spaces (`exec_form`).
"""

from __future__ import annotations

import re

from policies.core.code_values import STORE_NAME
from policies.core.command_buckets import option_buckets
from policies.core.view import UNKNOWN_VALUES

_REDACTED = "[secret]"  # references.REDACTED: what the gate hands a policy for a secret it cannot read

_NAME = r"[\"']?(\$(?i:env:)?\{?[A-Za-z_]\w*\}?|[A-Za-z0-9][A-Za-z0-9-]{1,62})[\"']?(?![\w.-])"
# Round 86: what an option holds that is neither a name nor a variable (`$vault.VaultName`, `$(…)`,
# `(Get-AzKeyVault …).VaultName`) is an expression the pack does not run: kept as written, it blocks.
ARG = rf"(?:{_NAME}|([^\s|;&)]+))"
_POS = rf"(?:{_NAME}|([^\s|;&)\-][^\s|;&)]*))"  # at position 0: a word that is no parameter name
_ACCOUNT = r"\s--(?:source-|destination-)?account-name"  # `az storage copy`'s own two (round 86)
# (option regex, host suffix, `az` group): the CLI's option within one command of its group (`_AZ`), every
# occurrence; PowerShell's parameters are case-insensitive, as are its variables; a splatted hashtable's
# key (`@{ StorageAccountName = 'x' }`, round 86) is the parameter it passes.
_FORMS = (
    (re.compile(rf"{_ACCOUNT}(?:\s+|=){ARG}"), ".blob.core.windows.net", "storage"),
    # a connection string held in a variable (a literal one is read as its account's host, round 22)
    (re.compile(r"\s--connection-string(?:\s+|=)[\"']?(\$\{?[A-Za-z_]\w*\}?)()"), ".blob.core.windows.net",
     "storage"),
    (re.compile(rf"\s--vault-name(?:\s+|=){ARG}"), ".vault.azure.net", "keyvault"),
    # App Configuration's data plane (`az appconfig kv|feature set --name x`): `https://x.azconfig.io`
    (re.compile(rf"\s(?:--name|-n)(?:\s+|=){ARG}"), ".azconfig.io", "appconfig"),
    (re.compile(rf"(?i)(?<![\w-])-StorageAccountName(?:\s+|:){ARG}"), ".blob.core.windows.net", ""),
    (re.compile(rf"(?i)(?<![\w-])-VaultName(?:\s+|:){ARG}"), ".vault.azure.net", ""),
    # the name at position 0, no parameter name: New-AzStorageContext's account, Az.KeyVault cmdlets' vault
    (re.compile(rf"(?i)(?<![\w-])New-AzStorageContext[ \t]+{_POS}"), ".blob.core.windows.net", ""),
    (re.compile(rf"(?i)(?<![\w-])[a-z]+-AzKeyVault\w*[ \t]+{_POS}"), ".vault.azure.net", ""),
)
# One `az` command of a group (up to the next line, `;`, `|` or `&`): where its options are read.
_AZ = {"storage": re.compile(r"\baz\s+storage\b[^\n;|&]*"),
       "keyvault": re.compile(r"\baz\s+keyvault\b[^\n;|&]*"),
       "appconfig": re.compile(r"\baz\s+appconfig\s+(?:kv|feature|snapshot|revision)\b[^\n;|&]*")}
_SPLAT_FORMS = (  # read in a text holding `@{` only
    (re.compile(rf"(?i)[{{;\s][\"']?StorageAccountName[\"']?\s*=\s*{ARG}"), ".blob.core.windows.net", ""),
    (re.compile(rf"(?i)[{{;\s][\"']?VaultName[\"']?\s*=\s*{ARG}"), ".vault.azure.net", ""),
)
# An `az storage` data command: any group but the management ones (account, *-rm, sku).
_DATA = re.compile(r"\baz\s+storage\s+(?!(?:account|container-rm|share-rm|sku)\b)[a-z][\w-]*\b[^\n;|&]*")
# The command names its account (round 87: also by a URL option holding a variable, read by command_places)
_PLACED = re.compile(r"account-name|connection-string|://|\.core\.windows\.net|blob-url|-endpoint\b")
# What sets the CLI's default account in the text itself: `az config set storage.account=x` and the
# `[storage]` section of its config file (`account = x`).
_CONFIG = re.compile(r"(?:\bstorage\.account\s*=\s*|\[storage\][^\[]*?(?:\b|(?<=\\n))account\s*=\s*)[\"']?"
                     r"([A-Za-z0-9][A-Za-z0-9-]{1,62})(?![\w.-])")
# A line continuation: the shell's backslash-newline (POSIX 2.2.1), PowerShell's backtick-newline.
_CONTINUED = re.compile(r"[\\`][ \t]*\r?\n")
MAY_NAME = re.compile(
    r"(?i)-(?:(?:-account-name|-vault-name|storageaccountname|vaultname|azstoragecontext)\b|azkeyvault)")
_AZ_GROUP = re.compile(r"\baz\s+(?:storage|appconfig)\b")  # apart: an alternation slows MAY_NAME's scan
EXEC_KEYS = frozenset({"command", "args", "entryPoint", "Command", "Args", "EntryPoint", "commands",
                       "finally", "runcmd", "bootcmd"})  # (round 94: lists of shell lines)
DEFAULT_ACCOUNT = "$AZURE_STORAGE_ACCOUNT"
# How to make a store these commands name judgeable (the unresolved and unplaced messages' note).
STORE_NOTE = ("; the command or setting names the account, vault or store by a variable, an expression, a "
               "value kept elsewhere (a Key Vault reference, a parameter, a secret) or "
               "not at all (the Azure CLI then takes the account from AZURE_STORAGE_ACCOUNT or "
               "AZURE_STORAGE_CONNECTION_STRING in the image's environment or from its config file), so the "
               "pack cannot place it: write the name (a resource of this stack) in the command, e.g. "
               "`--account-name <account>`, or set AZURE_STORAGE_ACCOUNT to it in the resource's own "
               "environment")


def may_name(s: str) -> bool:
    """Whether the text may name a store by a command's parameter or run an `az storage` data command."""
    return bool(("-" in s and MAY_NAME.search(s)) or ("az" in s and _AZ_GROUP.search(s)))


def assigned(var: str, s: str) -> list[str]:
    """The literals the text assigns to a shell or PowerShell variable (none: the variable as written)."""
    name = re.escape(var.strip("${}"))
    value = r"[\"']?([A-Za-z0-9][A-Za-z0-9-]*)[\"']?(?=[\s;&)]|$)"
    shell = re.compile(rf"(?:^|[\s;&(])(?:export\s+)?{name}={value}")
    pwsh = re.compile(rf"(?i)\${name}\s*=\s*{value}")
    found = [m.group(1) for rx in (shell, pwsh) for m in rx.finditer(s)]
    if var == DEFAULT_ACCOUNT:  # the CLI's own config, set by the same text
        found += [m.group(1) for m in _CONFIG.finditer(s)]
    return found or [var]


def option_values(m: re.Match, s: str) -> list[str]:
    """The names an option's argument stands for; an expression as written, in braces (unresolved)."""
    name, expr = m.group(1), m.group(2)
    if name is None:
        splat = expr[:1] == "@" and re.search(rf"(?i)\${re.escape(expr[1:])}\s*=\s*@\{{", s)
        return [] if splat else [f"{{{expr}}}"]  # a splatted table's keys are read by their own form
    return assigned(name, s) if name[0] == "$" else [name]


def command_names(s: str) -> list[tuple[str, str, bool]]:
    """(kind `host`, host, False) of each storage account, vault or configuration store the text names by a
    command's parameter, and the default account of an `az storage` data command that names none."""
    out: list[tuple[str, str, bool]] = []
    s = _CONTINUED.sub(" ", s) if "\n" in s else s  # one command over several lines is one line (r86)
    for rx, suffix, group in _FORMS + _SPLAT_FORMS if "@{" in s else _FORMS:
        texts = [m.group(0) for m in _AZ[group].finditer(s)] if group else [s]
        for m in (m for t in texts for m in rx.finditer(t)):
            out += [("host", f"{v.lower()}{suffix}", False) for v in option_values(m, s)]
    if "storage" in s and any(not _PLACED.search(m.group(0)) for m in _DATA.finditer(s)):
        # round 86: the CLI takes the account from AZURE_STORAGE_ACCOUNT or its config; what the text
        # sets, else the resource's own environment (`code_values.environment_buckets`), else unresolved
        out += [("host", f"{v.lower()}.blob.core.windows.net", False) for v in assigned(DEFAULT_ACCOUNT, s)]
    return list(dict.fromkeys(out))


def exec_form(value: list) -> list[tuple[str, str, bool]]:
    """The buckets and stores an exec-form command's words name as one command line (the words joined)."""
    if len(value) < 2 or not all(type(v) is str for v in value) or not any(
            v[:1] == "-" or v == "storage" for v in value):
        return []  # an option is a word of its own: none (nor `az storage`), nothing new to read
    line = " ".join(value)
    buckets = option_buckets(line) if "-bucket" in line or "export-task" in line else []
    return buckets + (command_names(line) if may_name(line) else [])


def env_account(kind: str, value: str) -> tuple[tuple[str, str, bool], ...]:
    """The storage account a setting named `AZURE_STORAGE_ACCOUNT` (any case) gives the CLI (round 85); a
    value that is no plain name (a Key Vault reference, an ECS secret's parameter, a secret) is an account
    the pack cannot place, kept as written in braces (round 86); an unknown one is judged where it is."""
    upper = kind.upper()
    if upper not in ("AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCOUNT_PARAMETER") or value in UNKNOWN_VALUES:
        return ()
    if upper == "AZURE_STORAGE_ACCOUNT" and STORE_NAME.fullmatch(value):
        return (("host", f"{value.lower()}.blob.core.windows.net", False),)
    shown = "secret" if value == _REDACTED else value if len(value) < 100 else value[:99] + "…"
    return (("host", f"{{{shown}}}.blob.core.windows.net", False),)


def secret_account(value: dict) -> tuple[tuple[str, str, bool], ...]:
    """An environment entry `{name: AZURE_STORAGE_ACCOUNT, secretRef: s}` (Container Apps): the account the
    secret holds, `code_values.environment_buckets` reads it from the resource's own `secrets` (round 85)."""
    name = value.get("name")
    if type(name) is not str or name.upper() != "AZURE_STORAGE_ACCOUNT":
        return ()
    return (("host", "$azure_storage_account.blob.core.windows.net", False),)
