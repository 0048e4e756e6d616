"""Resources an input names by their physical name or GUID, which only the stack can place.

A storage account, an AppFlow connector profile, a relay or a Log Analytics workspace named bare (not by id
or URL) resolves to the stack's resource of that name or GUID (policies/core/graph_index.py indexes them).
"""

from __future__ import annotations

import re

from policies.core.reference_text import GUID
from policies.core.references_ascii import key_search
from policies.core.relays import named_relay
from policies.core.typed_places import CONNECTOR_NAMES

GUID_KEY = re.compile(r"(?i)(workspace|wsid|instrumentation_?key|customer_?id)")  # also as setting names
# Types whose GUID outputs other resources send data to, and those outputs.
GUID_OUTPUTS: dict[str, tuple[str, ...]] = {
    "azure-native:operationalinsights:Workspace": ("customerId",),
    "azure-native:applicationinsights:Component": ("instrumentationKey", "appId"),
    # round 55: the stack's managed identities, by principal id (a data share's grantee must be one)
    "azure-native:managedidentity:UserAssignedIdentity": ("principalId",),
}
IDENTITY_PRINCIPAL = "identity.principalId"  # any Azure resource's system-assigned identity (round 55)
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
NAMED_REFS: dict[str, str] = {
    "connectorProfileName": "aws:appflow/connectorProfile:ConnectorProfile",
    "storageAccountName": STORAGE_ACCOUNT,  # Azure Files volumes (container groups), data mounts
    "storageAccount": STORAGE_ACCOUNT,  # a Cost Management export's SAS destination (a bare name only)
}
# A storage account's and a logical SQL server's name (an id or URL there is scanned as such). Round 83: of
# any case: Azure compares resource names without case ("Naming rules and restrictions for Azure resources")
# and the account's or server's host ignores it, so a name is read lowered (the stack's own are lower case).
_BARE_NAME = re.compile(r"^[a-z0-9]{3,24}$", re.I)
_SERVER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$", re.I)
# Round 83: an elastic job target group's member: the agent connects to the server and runs the job's steps
# there (an excluded member names a server the group also includes).
_MEMBER = re.compile(r"^members\.\d+\.serverName$")
_IDENTITY_ACCOUNT = re.compile(r"(?i)__account_?name$")  # `…__accountName`, as a setting `…__ACCOUNT_NAME`


# Keys whose answer below depends on where the key sits, not on the key alone (a connector's parameterValues,
# a storage-account or azureFile block, a Firehose block, an elastic job step's output): the scanner may not
# remember a string as holding nothing under such a key (references.QUIET is keyed by text and key), or a
# quiet `serverName` elsewhere in the stack hides an output server (r82-14).
_PATH_BOUND = frozenset({*CONNECTOR_NAMES, "username", "serverName"})


def path_bound(key: str) -> bool:
    """Whether `named_ref`'s answer for `key` can change with the path it is found at."""
    return key in _PATH_BOUND or key.lower() in ("streamname", "deliverystream")


def named_ref(s: str, key: str, path: str) -> tuple[str, str, bool] | None:
    """A resource named by its physical name or GUID, which only the stack can place (None: not one)."""
    # a storage account in a volume/mount list or an app env's `azureFile` (round 43), Stream Analytics
    # `storageAccounts`, `jobStorageAccount` or `externals.storageAccount` (round 40), a Logic Apps
    # connection's `parameterValues` (a top-level `accountName` is its parent), a Functions `…__accountName`
    target = NAMED_REFS.get(key) if key != "storageAccount" or _BARE_NAME.match(s) else None
    connector = "parametervalues" in path.lower()  # also nonSecret- and customParameterValues
    target = target or (CONNECTOR_NAMES.get(key) if connector else None) or named_relay(key, path) or (
        STORAGE_ACCOUNT if (key == "accountName" and ("torageAccount" in path or "azureFile" in path))
        or key_search(_IDENTITY_ACCOUNT, key)
        else None
    )
    if target is not None:
        # round 84: an Azure resource's name of any case (the index holds the stack's own lowered too)
        return ("named", f"{target}|{s.lower() if target.startswith('azure-native:') else s}", False)
    if key == "serverName" and (path == "output.serverName" or _MEMBER.match(path)) and _SERVER_NAME.match(s):
        return ("host", f"{s.lower()}.database.windows.net", False)  # round 81: an elastic job's server
    if len(s) == 36 and (key_search(GUID_KEY, key) or (connector and key == "username")) and GUID.match(s):
        return ("guid", s.lower(), False)  # a Log Analytics workspace / App Insights component by GUID (and
    return None  # the Log Analytics data collector connector's `username`, its workspace's GUID)
