"""Azure Automation's assets (round 48): credentials (a user name and password), certificates (with their
private key), connections (field values such as keys) and variables live in their Automation account, which
keeps them encrypted with the account's key (`encryption.keySource`, judged on the account since round 47)
and serves them to runbooks through its API only. So each is judged through its account: it must be an
Automation account of this stack. A variable is encrypted only when `isEncrypted` is true; absent or false,
its value is kept in clear and returned to whoever may read the account's variables. A certificate must not be
exportable (round 49); a connection's field values are settings in clear (`config_credentials`)."""

from __future__ import annotations

from policies.core.parents import find_parents
from policies.core.types import AUTOMATION_ASSETS
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

ACCOUNT = "azure-native:automation:AutomationAccount"
VARIABLE = "azure-native:automation:Variable"
CERTIFICATE = "azure-native:automation:Certificate"
STORES = AUTOMATION_ASSETS
# Why the account's own checks cover the asset (disallow-public-data-access's coverage column).
NOT_PUBLIC = {t: "reachable only through its Automation account, whose public network access is judged"
              for t in STORES}


def asset_key(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """require-customer-managed-keys: kept under the key of an Automation account of the stack."""
    parents, _ = find_parents(r, graph)
    if not any(p.type == ACCOUNT for p in parents):
        return [
            f"the asset lives in Automation account {r.input('automationAccountName')!r}, which is not an "
            "Automation account of this stack: the key it is encrypted with cannot be judged; create it in "
            "an Automation account of this stack (and pass its name as that account's output)"
        ]
    if r.type == CERTIFICATE:
        return _exportable(r)
    if r.type != VARIABLE:
        return []
    encrypted = r.input("isEncrypted")
    if is_unknown(encrypted):
        return [unknown_message("isEncrypted", "whether the variable is encrypted")]
    if encrypted is not True:
        return [
            f"`isEncrypted` is {encrypted!r} (absent: false): the variable's value is kept in clear, outside "
            "the account's key, and returned to whoever may read the account's variables; set it true"
        ]
    return []


def _exportable(r: ResourceView) -> list[str]:
    """A certificate's private key stays in the account unless `isExportable` is true (round 49): then any
    runbook of the account (Get-AutomationCertificate) takes it out with the certificate."""
    exportable = r.input("isExportable")
    if is_unknown(exportable):
        return [unknown_message("isExportable", "whether the certificate's private key can be taken out")]
    if exportable is True:
        return [
            "`isExportable` is true: any runbook of the account can export the certificate's private key, "
            "which then leaves the account's key; set it false"
        ]
    return []
