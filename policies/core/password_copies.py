"""Copies of a master password outside the stores round 29 traced (round 31). A password the program gives a
database also reaches whoever reads any other place it is written to: a Lambda's environment
(`lambda:GetFunctionConfiguration` returns it in clear), an ECS task definition (`ecs:DescribeTaskDefinition`
returns its containers' `environment`), a Key Vault secret (its `getSecret` data action). A person who reads a
copy signs in as the shared master user, as with the master secret itself (round 26). Closed world: a
resource computed from the password's own source (a `random` password, a value read from a secret) that is
none of those, nor a secret or parameter round 29 judges, nor a database taking it, blocks. Round 32: a role
the gate cannot read counts as reading a Key Vault copy (fail closed), break-glass object ids of the PIA
record do not, and a secret stack output beside such a password blocks (outputs carry no dependencies;
round 33 judges every exported credential, `stack_outputs`)."""

from __future__ import annotations

from typing import Any

from policies.core.iam import breakglass
from policies.core.iam.azure import covers, permissions, principal_of
from policies.core.iam.azure_paths import ACCESS_POLICY, object_of
from policies.core.master_secrets import PARAMETER, PASSWORD_FIELDS, SECRET_VERSION, people_of, reading
from policies.core.stack_outputs import exported_credentials
from policies.core.view import ResourceView, StackGraph, get_path, is_unknown

# Azure database servers whose administrator password the program may give (round 31).
AZURE_PASSWORD_FIELDS = {
    "azure-native:dbforpostgresql:Server": ("administratorLoginPassword",),
    "azure-native:dbformysql:Server": ("administratorLoginPassword",),
    "azure-native:sql:Server": ("administratorLoginPassword",),
    "azure-native:sql:ManagedInstance": ("administratorLoginPassword",),
    "azure-native:synapse:Workspace": ("sqlAdministratorLoginPassword",),
    "azure-native:dbforpostgresql:ServerGroupCluster": ("administratorLoginPassword",),
}
FUNCTION = "aws:lambda/function:Function"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
KV_SECRET = "azure-native:keyvault:Secret"
VAULT = "azure-native:keyvault:Vault"
# Holders and the field a copy is written to: (type, field) -> (readers' actions, service, resource of name).
AWS_HOLDERS: dict[str, tuple[str, frozenset[str], str]] = {
    FUNCTION: (
        "environment",
        frozenset({"lambda:getfunctionconfiguration", "lambda:getfunction"}),
        "lambda",
    ),
    TASK: ("containerDefinitions", frozenset({"ecs:describetaskdefinition"}), "ecs"),
}
COPY_FIELD = {FUNCTION: "environment", TASK: "containerDefinitions", KV_SECRET: "properties"}
GET_SECRET = "Microsoft.KeyVault/vaults/secrets/getSecret/action"
ROLE_GRANTS = (
    "azure-native:authorization:RoleAssignment",
    "azure-native:authorization:RoleEligibilityScheduleRequest",
    "azure-native:authorization:RoleAssignmentScheduleRequest",
)
# Places round 29 judges, and databases that may share one password: not copies of their own.
JUDGED = frozenset({SECRET_VERSION, PARAMETER, *PASSWORD_FIELDS, *AZURE_PASSWORD_FIELDS})


def _sourced(graph: StackGraph) -> list[tuple[ResourceView, set[str]]]:
    """(database, URNs its password fields are computed from) for each database given a program's password."""
    fields = {**PASSWORD_FIELDS, **AZURE_PASSWORD_FIELDS}
    out = []
    for t, flds in fields.items():
        for db in graph.by_type(t):
            sources = {r.urn for f in flds for r in graph.dependency_of(db, f)}
            if sources:
                out.append((db, sources))
    return out


def _copies(graph: StackGraph) -> list[tuple[ResourceView, ResourceView, bool]]:
    """(database, resource computed from its password, whether from the password's own source) — a
    resource fed only from the database is a copy only where it is a known holder (its outputs include
    its endpoint and identifiers, which every neighbour reads)."""
    out = []
    for db, sources in _sourced(graph):
        for r in graph.resources:
            if r.urn == db.urn:
                continue
            fed = {u for us in r.property_dependencies.values() for u in us}
            if fed & sources:
                out.append((db, r, True))
            elif db.urn in r.property_dependencies.get(COPY_FIELD.get(r.type, ""), ()):
                out.append((db, r, False))
    return out


def _secret_outputs(graph: StackGraph) -> list[tuple[str, str]]:
    """Credentials exported as stack outputs (`stack_outputs`): a secret output beside a password the program
    gives a database may be that password (round 32); any other secret or credential-shaped output is judged
    there too (round 33)."""
    dbs = ", ".join(sorted({db.name for db, _ in _sourced(graph)}))
    return exported_credentials(graph, dbs or None)


def _aws_readers(graph: StackGraph, stack: str, db: ResourceView, r: ResourceView) -> list[tuple[str, str]]:
    fld, actions, service = AWS_HOLDERS[r.type]
    name = r.input("name") if r.type == FUNCTION else r.input("family")
    res = (
        (f"function:{name}" if r.type == FUNCTION else f"task-definition/{name}:1")
        if isinstance(name, str) and not is_unknown(name)
        else None
    )
    out = []
    for p in people_of(graph, stack):
        how = reading(p, actions, service, res)
        if how is not None:
            out.append(
                (
                    p.view.urn,
                    f"people using this {p.kind} read {r.name}'s `{fld}` ({sorted(actions)[0]} on {how}), "
                    f"into which the program copies the master password it gives {db.name}: they sign in as "
                    "the shared master user with no second factor; let the database manage its master "
                    "secret and hand the workload only the secret's ARN (`secrets`/`valueFrom`, or read at "
                    "run time)",
                )
            )
    return out


def _covers_vault(graph: StackGraph, grant: ResourceView, vault: ResourceView | None) -> bool:
    """Whether a grant's scope may include the vault: a subscription, resource group, management group, the
    vault itself or an unknown scope do; a scope naming another resource does not."""
    if vault is not None and any(d.urn == vault.urn for d in graph.dependency_of(grant, "scope")):
        return True
    scope = grant.input("scope")
    low = scope.lower() if isinstance(scope, str) and not is_unknown(scope) else ""
    if "/providers/" not in low or low.startswith("/providers/microsoft.management/"):
        return True  # unknown, subscription, resource group or management group
    name = vault.input("vaultName") if vault is not None else None
    parts = low.rstrip("/").split("/providers/", 1)[1].split("/")
    if parts[:2] != ["microsoft.keyvault", "vaults"]:
        return False
    return len(parts) < 3 or not isinstance(name, str) or parts[2] == name.lower()


def _secret_get(policy: Any) -> bool:
    perms = get_path(policy, "permissions.secrets") if isinstance(policy, dict) else None
    return bool({str(x).lower() for x in perms or []} & {"get", "all"}) if isinstance(perms, list) else False


def _person(obj: tuple[str | None, bool], recorded: frozenset[str]) -> bool:
    return obj[1] and str(obj[0]).lower() not in recorded


def _policy_readers(
    graph: StackGraph, vault: ResourceView | None, recorded: frozenset[str]
) -> list[ResourceView]:
    """The vault (inline) or `AccessPolicy` resources whose access policy lets a person get secrets; a
    managed identity or a secret-less service principal of the stack is the workload."""
    if vault is None:
        return []
    out = []
    pols = vault.get("properties.accessPolicies")
    for i, p in enumerate(pols if isinstance(pols, list) else []):
        obj = object_of(graph, vault, f"properties.accessPolicies.{i}.objectId")
        if _secret_get(p) and _person(obj, recorded):
            out.append(vault)
    for a in graph.by_type(ACCESS_POLICY):
        mine = any(d.urn == vault.urn for d in graph.dependency_of(a, "vaultName")) or a.input(
            "vaultName"
        ) == vault.input("vaultName")
        obj = object_of(graph, a, "policy.objectId")
        if mine and _secret_get(a.input("policy")) and _person(obj, recorded):
            out.append(a)
    return list({r.urn: r for r in out}.values())


def _azure_readers(
    graph: StackGraph, db: ResourceView, secret: ResourceView, recorded: frozenset[str]
) -> list[tuple[str, str]]:
    """People reading a Key Vault copy; break-glass object ids the PIA record names are excluded, as from
    Conditional Access and separation of duties."""
    vault = next((d for d in graph.dependency_of(secret, "vaultName") if d.type == VAULT), None)
    if vault is None:
        name = secret.input("vaultName")
        vault = next((v for v in graph.by_type(VAULT) if v.input("vaultName") == name), None)
    why = (
        f"reads the Key Vault secret {secret.name}, which holds the administrator password the program gives "
        f"{db.name}: everyone it admits signs in as the shared administrator with a password alone; keep "
        "people on Entra authentication as themselves and the password to the workload (or switch password "
        "authentication off)"
    )
    out = []
    for g in graph.by_type(*ROLE_GRANTS):
        key, people = principal_of(graph, g)
        if not people or str(key).lower() in recorded or not _covers_vault(graph, g, vault):
            continue
        perms, problem = permissions(graph, g)
        if perms is None:
            out.append((g.urn, f"a person or group holds a role the gate cannot read ({problem}) at a scope "
                        f"that may include the vault holding {secret.name}, a copy of the administrator "
                        f"password the program gives {db.name}: whether it reads that copy cannot be judged; "
                        "name a built-in role the gate knows or a custom role of this stack"))
        elif covers(perms, GET_SECRET, data=True):
            out.append((g.urn, f"a person or group holding this role {why}"))
    out.extend(
        (r.urn, f"an access policy with secret `get` {why}") for r in _policy_readers(graph, vault, recorded)
    )
    return out


def people_reading_copies(graph: StackGraph, stack: str) -> list[tuple[str, str]]:
    """People who may read a copy of a master password, and copies whose readers cannot be judged."""
    out: list[tuple[str, str]] = _secret_outputs(graph)
    recorded = frozenset(str(e.get("principal", "")).lower() for e in breakglass.records(stack))
    for db, r, own in _copies(graph):
        if r.type in AWS_HOLDERS:
            out.extend(_aws_readers(graph, stack, db, r))
        elif r.type == KV_SECRET:
            out.extend(_azure_readers(graph, db, r, recorded))
        elif own and r.type not in JUDGED and not r.type.startswith("random:"):
            out.append(
                (
                    r.urn,
                    f"{r.name} ({r.type}) is computed from the master password the program gives {db.name}, "
                    "and who can read it there cannot be judged: keep the password only in the database's "
                    "managed secret, a Secrets Manager secret, SSM parameter, Key Vault secret, Lambda "
                    "environment or task definition of this stack, whose readers the gate weighs",
                )
            )
    return out
