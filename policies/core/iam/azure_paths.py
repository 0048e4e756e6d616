"""Azure paths to R2016's functions outside role assignments: the Entra administrator of a database server
(database structure), Key Vault access policies (key administration and key use, vaults without RBAC), the
admin groups of an AKS cluster (round 29: cluster-admin binds any role to anyone in the cluster, so access
rights, whether Kubernetes or Azure RBAC authorises the rest), the initial administrators of a Managed HSM
(round 44: Administrator of its local RBAC, which Azure role assignments do not show, so they assign
themselves or anyone any key role: key administration), Data Explorer principal assignments whose role
administers the databases (round 44: database structure), and the members an `azuread.Group` declares itself
(they hold what the group holds)."""

from __future__ import annotations

from dataclasses import dataclass

from policies.core.iam.azure_secrets import SP, is_workload
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown

# Database servers and the field naming their Entra administrator (a person or group: database structure).
DB_ADMINS: dict[str, str] = {
    "azure-native:sql:Server": "administrators.sid",
    "azure-native:sql:ManagedInstance": "administrators.sid",
    "azure-native:sql:ServerAzureADAdministrator": "sid",
    "azure-native:sql:ManagedInstanceAdministrator": "sid",
    "azure-native:dbforpostgresql:Administrator": "objectId",
    "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": "objectId",
    "azure-native:dbformysql:AzureADAdministrator": "sid",
    "azure-native:synapse:WorkspaceAadAdmin": "sid",  # round 20: Synapse workspaces and their SQL pools
    "azure-native:synapse:WorkspaceSqlAadAdmin": "sid",
}
# Round 44: Data Explorer (Kusto) principal assignments and the roles among theirs that administer databases
# (an unreadable role counts as one: closed world).
KUSTO_ADMINS = {
    "azure-native:kusto:ClusterPrincipalAssignment": "AllDatabasesAdmin",
    "azure-native:kusto:DatabasePrincipalAssignment": "Admin",
}
AKS = "azure-native:containerservice:ManagedCluster"
AKS_ADMINS = "aadProfile.adminGroupObjectIDs"
HSM = "azure-native:keyvault:ManagedHsm"
# Resources naming a list of directory objects that administer them, the field and the function they hold.
LISTED_ADMINS = {
    AKS: (AKS_ADMINS, "access rights"),
    HSM: ("properties.initialAdminObjectIds", "key administration"),
}
VAULT = "azure-native:keyvault:Vault"
ACCESS_POLICY = "azure-native:keyvault:AccessPolicy"
GROUP = "azuread:index/group:Group"
# PIM for Groups: an eligible or active member or owner can be (or make itself) a member of the group.
PIM_GROUPS = (
    "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule",
    "azuread:index/privilegedAccessGroupAssignmentSchedule:PrivilegedAccessGroupAssignmentSchedule",
)
# Key permissions of an access policy (case-insensitive) that administer keys, and that use them.
KEY_ADMIN = frozenset(
    {
        "all",
        "create",
        "delete",
        "import",
        "update",
        "rotate",
        "setrotationpolicy",
        "purge",
        "recover",
        "restore",
    }
)
KEY_USE = frozenset({"all", "decrypt", "encrypt", "unwrapkey", "wrapkey", "sign", "release"})  # 84: release
# Round 91: a certificate's key is a key of the vault (created, imported, replaced, deleted with it), so the
# certificate permissions that make or remove one administer keys; get, list and the issuers and contacts do
# not. A managed storage account's SAS (getsas, setsas, regeneratekey) is the data's credential, as a
# secret's value is (round 90): its reading is use beside key administration.
CERT_ADMIN = frozenset({"all", "create", "import", "update", "delete", "purge", "recover", "restore"})
SECRET_GET = frozenset({"get", "all"})
STORAGE_READ = frozenset({"all", "getsas", "setsas", "regeneratekey"})
# Round 92: a backup of a secret, a certificate (its private key with it) or a managed storage account
# restores, values included, into any vault of the subscription whose restore the holder has, one it
# administers among them (outside the stack too): backing up is reading. A key's backup is not: restoring it
# is key administration already, and a key administrator may give itself use in any vault it administers.
BACKUP = frozenset({"all", "backup"})


@dataclass
class Grant:
    """A function (or key use) an Azure resource gives one directory object; key None = unknown."""

    urn: str
    key: str | None
    functions: frozenset[str]
    uses_keys: bool
    people: bool = True
    reads_secrets: bool = False  # round 90: an access policy's secrets get/all


def object_of(graph: StackGraph, r: ResourceView, fld: str) -> tuple[str | None, bool]:
    """(object key, is people) of a directory-object field: the object id (lower case) of a literal or of the
    stack resource it is an output of (else that resource's URN); a workload identity is not people."""
    for d in graph.dependency_of(r, fld.split(".", 1)[0]):
        if d.type.startswith(("azuread:", "azure-native:managedidentity")):
            oid = d.input("objectId") or d.input("principalId")
            key = oid.lower() if isinstance(oid, str) and not is_unknown(oid) else d.urn
            return key, not is_workload(graph, d)
    value = get_path(r.inputs, fld)
    if isinstance(value, str) and value and not is_unknown(value):
        return value.lower(), True
    return None, True


def grants(graph: StackGraph) -> list[Grant]:
    out: list[Grant] = []
    for t, fld in DB_ADMINS.items():
        for r in graph.by_type(t):
            if t.endswith((":Server", ":ManagedInstance")) and r.get(fld) is None:
                continue  # no Entra administrator set on the server itself
            key, people = object_of(graph, r, fld)
            out.append(Grant(r.urn, key, frozenset({"database structure"}), False, people))
    for t, admin in KUSTO_ADMINS.items():
        for r in graph.by_type(t):
            if is_unknown(r.input("role")) or r.input("role") == admin:
                key, people = object_of(graph, r, "principalId")
                people = people and r.input("principalType") != "App"
                if r.input("principalType") == "App" and (sp := _client_sp(graph, r)) is not None:
                    key, people = object_of(graph, sp, "objectId")[0] or sp.urn, not is_workload(graph, sp)
                out.append(Grant(r.urn, key, frozenset({"database structure"}), False, people))
    for t, (fld, function) in LISTED_ADMINS.items():
        for c in graph.by_type(t):
            admins = c.get(fld)
            for i in range(len(admins) if isinstance(admins, list) else int(is_unknown(admins))):
                key, people = object_of(graph, c, f"{fld}.{i}") if isinstance(admins, list) else (None, True)
                out.append(Grant(c.urn, key, frozenset({function}), False, people))
    for v in graph.by_type(VAULT):
        policies = v.get("properties.accessPolicies")
        if is_unknown(policies):
            out.append(Grant(v.urn, None, frozenset(), False))
            continue
        for i, p in enumerate(policies or []):
            out.append(_access(graph, v, f"properties.accessPolicies.{i}", p))
    for a in graph.by_type(ACCESS_POLICY):
        out.append(_access(graph, a, "policy", a.input("policy")))
    return out


def declared_application(graph: StackGraph, g: Grant) -> bool:
    """A database server's Entra administrator given as a literal id with `principalType` Application
    (SQL) or ServicePrincipal (PostgreSQL): the deployment identity, a workload that Conditional Access's
    user conditions do not reach and no MFA can be asked of (its credentials are judged as a pipeline's).
    An administrator that is an object of the stack is judged by that object's kind instead."""
    r = graph.get(g.urn)
    fld = DB_ADMINS.get(r.type) if r is not None else None
    if fld is None or graph.dependency_of(r, fld.split(".", 1)[0]):
        return False
    kind = r.get(f"{fld.rpartition('.')[0]}.principalType".lstrip("."))
    return kind in ("Application", "ServicePrincipal")


# Round 45: Data Explorer names an application (principalType App) by its client id, which role assignments
# never use (they name the service principal's object id): the assignment is matched to the stack's service
# principal for that client id (taken from the same application or service principal, or equal as a literal)
# and judged as it: people when it carries a secret or certificate, a workload when it does not.


def _client_sp(graph: StackGraph, r: ResourceView) -> ResourceView | None:
    """The stack's service principal for the client id `r.principalId` names, or None."""
    named = {d.urn for d in graph.dependency_of(r, "principalId")}
    cid = r.input("principalId")
    for sp in graph.by_type(SP):
        lit = sp.input("clientId")
        if named & ({d.urn for d in graph.dependency_of(sp, "clientId")} | {sp.urn}) or (
            not named and isinstance(cid, str) and isinstance(lit, str) and lit.lower() == cid.lower()
        ):
            return sp
    return None


def _access(graph: StackGraph, r: ResourceView, where: str, policy: object) -> Grant:
    if not isinstance(policy, dict) or is_unknown(policy):
        return Grant(r.urn, None, frozenset(), False)
    perms = policy.get("permissions") if isinstance(policy.get("permissions"), dict) else {}
    kinds = ("keys", "secrets", "certificates", "storage")
    keys, secrets, certs, storage = ({str(k).lower() for k in perms.get(kind) or []} for kind in kinds)
    key, people = object_of(graph, r, f"{where}.objectId")
    fns = frozenset({"key administration"}) if keys & KEY_ADMIN or certs & CERT_ADMIN else frozenset()
    reads = bool(secrets & SECRET_GET or storage & STORAGE_READ)  # round 91: a managed account's SAS
    reads = reads or bool((secrets | certs | storage) & BACKUP)  # round 92: backed up, restored, read
    return Grant(r.urn, key, fns, bool(keys & KEY_USE), people, reads)


def group_member_edges(graph: StackGraph) -> list[tuple[str, str, str]]:
    """(member key, group key, group URN) for the members an azuread.Group lists itself, and its owners:
    an owner manages the group's members, so it can add itself and hold what the group holds."""
    edges = []
    for g in graph.by_type(GROUP):
        oid = g.input("objectId")
        gkey = oid.lower() if isinstance(oid, str) and not is_unknown(oid) else g.urn
        members: set[str] = set()
        for fld in ("members", "owners"):
            members |= {m.lower() for m in g.input(fld) or [] if isinstance(m, str) and not is_unknown(m)}
            for d in graph.dependency_of(g, fld):
                moid = d.input("objectId")
                members.add(moid.lower() if isinstance(moid, str) and not is_unknown(moid) else d.urn)
        edges.extend((m, gkey, g.urn) for m in members)
    return edges
