"""Separation of duties as a matrix (R2016; D36 §101, §113; issue 16 item 4).

For every human role (AWS) and every Entra group (Azure): which of {structure, rights, keys, data} it can
reach through any path - its own permissions, roles it can assume, roles it can hand out or rewrite,
and its own policies if it could widen them. Each reaches at most one; the three R2016 functions reach
no data. A focused evaluator over the recorded graphs (resource- and path-aware, conditions read
conservatively: a conditional Allow counts, a conditional Deny does not - except the two conditions the
stacks rely on, aws:PrincipalArn on key policies and the RBAC delegation allow-list, which it evaluates).
"""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import pytest
from gate.recording import Graph, record_program

from components.azure.common import ROLES

PROJECT = Path(__file__).parents[2]
ACCOUNT = "111122223333"  # dosis-eloket:accountId of portal-prod (policies name roles by this account)
CAPABILITIES = ("structure", "rights", "keys", "data")
AWS_PROBES = {
    "structure": (
        "rds:CreateDBInstance",
        "rds:ModifyDBInstance",
        "rds:DeleteDBInstance",
        "rds:ModifyDBParameterGroup",
    ),
    "rights": ("iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreateUser"),
    "keys": ("kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey"),
    "data": (
        "secretsmanager:GetSecretValue",
        "s3:GetObject",
        "kms:Decrypt",
        "ecs:ExecuteCommand",
        "ssm:StartSession",
    ),
}
SELF_WIDENING = (
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:UpdateAssumeRolePolicy",
)
# Azure: built-in roles by what they reach; the custom key-admin role is read from its definition.
AZURE_ROLE_CAPS = {
    ROLES["SQL DB Contributor"]: {"structure"},
    ROLES["SQL Server Contributor"]: {"structure"},
    ROLES["Role Based Access Control Administrator"]: {"rights"},
    ROLES["User Access Administrator"]: {"rights"},
    ROLES["Owner"]: set(CAPABILITIES),
    ROLES["Key Vault Crypto Officer"]: {"keys", "data"},  # keys/* data actions include decrypt/unwrap
    ROLES["Key Vault Crypto Service Encryption User"]: {"data"},
    ROLES["Storage Blob Data Contributor"]: {"data"},
    ROLES["Storage Blob Data Reader"]: {"data"},
    ROLES["Website Contributor"]: {"data"},  # deploys code that runs with the app's data identity
    ROLES["Reader"]: set(),
    ROLES["Security Reader"]: set(),
    ROLES["Microsoft Sentinel Reader"]: set(),
    ROLES["Log Analytics Reader"]: set(),
}
TRIAD_AWS = {"db-structure-admin": "structure", "iam-admin": "rights", "key-admin": "keys"}
TRIAD_AZURE = {"db-structure-admin": "structure", "access-rights-admin": "rights", "key-admin": "keys"}


def _doc(value):
    return json.loads(value) if isinstance(value, str) else value


def _list(value):
    return value if isinstance(value, list) else [value]


def _match(patterns, value: str) -> bool:
    return any(fnmatch.fnmatchcase(value.lower(), str(p).lower()) for p in _list(patterns))


def _covers(stmt, action: str, resource: str | None) -> bool:
    """Does the statement apply to `action` on `resource`? None = on some resource: an Allow on any
    resource counts, a Deny only when it covers every resource (conservative both ways)."""
    acts = stmt.get("Action")
    hit = _match(acts, action) if acts is not None else not _match(stmt.get("NotAction", []), action)
    if resource is None:
        return hit and (stmt["Effect"] == "Allow" or "*" in _list(stmt.get("Resource", "*")))
    return hit and _match(stmt.get("Resource", "*"), resource)


def _role_arn(path: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role{path}{name}"


class AwsAccount:
    """Identity policies, boundaries, managed policies, trusts and key policies of the portal account."""

    def __init__(self, graph: Graph):
        self.graph = graph
        policies = {
            p.outputs.get("arn"): _doc(p.inputs["policy"]) for p in graph.by_type("aws:iam/policy:Policy")
        }
        self.roles = {}
        for role in graph.by_type("aws:iam/role:Role"):
            inline = [
                _doc(p.inputs["policy"])
                for p in graph.by_type("aws:iam/rolePolicy:RolePolicy")
                if p.inputs["role"] == role.id
            ]
            managed = [
                a.inputs["policyArn"]
                for a in graph.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if a.inputs["role"] == role.inputs.get("name", role.id)
            ]
            self.roles[role.outputs["arn"]] = {
                "name": (role.inputs.get("tags") or {}).get("human-role") or role.name,
                "human": bool((role.inputs.get("tags") or {}).get("human-role")),
                "identity": [s for d in inline for s in d["Statement"]] + self._managed(managed),
                "boundary": policies.get(role.inputs.get("permissionsBoundary")),
                "trust": _doc(role.inputs["assumeRolePolicy"])["Statement"],
                "path_arn": _role_arn(role.inputs.get("path", "/"), role.inputs.get("name", role.name)),
            }
        self.keys = [_doc(k.inputs["policy"])["Statement"] for k in graph.by_type("aws:kms/key:Key")]

    @staticmethod
    def _managed(arns):
        known = {"ViewOnlyAccess": [], "SecurityAudit": [], "AWS_ConfigRole": []}
        out = []
        for arn in arns:
            name = arn.rsplit("/", 1)[-1]
            assert name in known, f"managed policy {arn} is not modelled by this test"
            out += known[name]
        return out

    def may(self, arn: str, action: str, resource: str | None = None) -> bool:
        r = self.roles[arn]
        stmts = r["identity"] + (r["boundary"]["Statement"] if r["boundary"] else [])
        if any(
            s["Effect"] == "Deny" and not s.get("Condition") and _covers(s, action, resource) for s in stmts
        ):
            return False
        allowed = any(s["Effect"] == "Allow" and _covers(s, action, resource) for s in r["identity"])
        bounded = r["boundary"] is None or any(
            s["Effect"] == "Allow" and _covers(s, action, resource) for s in r["boundary"]["Statement"]
        )
        return allowed and bounded

    def _key_admin(self, arn: str, action: str) -> bool:
        """A key-management action is reachable only if some key policy lets this principal do it."""
        for stmts in self.keys:
            for s in stmts:
                principals = _list((s.get("Principal") or {}).get("AWS", []))
                names = _list(((s.get("Condition") or {}).get("ArnEquals") or {}).get("aws:PrincipalArn", []))
                direct = arn in principals
                via_root = (
                    any(str(p).endswith(":root") for p in principals) and self.roles[arn]["path_arn"] in names
                )
                if s["Effect"] == "Allow" and (direct or via_root) and _covers(s, action, "*"):
                    return True
        return False

    def direct(self, arn: str) -> set[str]:
        caps = set()
        for cap, probes in AWS_PROBES.items():
            for action in probes:
                if not self.may(arn, action):
                    continue
                kms = cap == "keys" or action.startswith("kms:")
                if kms and not self._key_admin(arn, action) and not self._key_user(arn, action):
                    continue
                caps.add(cap)
        return caps

    def _key_user(self, arn: str, action: str) -> bool:
        return action == "kms:Decrypt" and any(
            s["Effect"] == "Allow"
            and arn in _list((s.get("Principal") or {}).get("AWS", []))
            and _covers(s, action, "*")
            for stmts in self.keys
            for s in stmts
        )

    def reach(self, arn: str, seen: frozenset = frozenset()) -> set[str]:
        caps = self.direct(arn)
        own = self.roles[arn]["path_arn"]
        if any(self.may(arn, a, own) for a in SELF_WIDENING):
            return set(CAPABILITIES)  # could grant itself anything
        for other, r in self.roles.items():
            if other in seen or other == arn or not self.may(arn, "sts:AssumeRole", r["path_arn"]):
                continue
            trusted = any(
                s["Effect"] == "Allow"
                and "AWS" in (s.get("Principal") or {})
                and any(p == arn or str(p).endswith(":root") for p in _list(s["Principal"]["AWS"]))
                for s in r["trust"]
            )
            if trusted:
                caps |= self.reach(other, seen | {arn})
        return caps


@pytest.fixture(scope="module")
def portal() -> AwsAccount:
    return AwsAccount(record_program(PROJECT, "portal-prod"))


@pytest.fixture(scope="module")
def dosis() -> Graph:
    return record_program(PROJECT, "dosis-prod")


def test_aws_matrix(portal):
    humans = {r["name"]: arn for arn, r in portal.roles.items() if r["human"]}
    assert set(humans) >= set(TRIAD_AWS) | {"operator", "security-auditor", "break-glass"}
    matrix = {name: portal.reach(arn) for name, arn in humans.items()}
    for name, caps in matrix.items():
        assert len(caps) <= 1, (name, caps)
        assert "data" not in caps, (name, caps)
    for name, cap in TRIAD_AWS.items():
        assert matrix[name] == {cap}, (name, matrix[name])


def test_aws_matrix_catches_an_escape(portal):
    """The evaluator is not vacuous: a key-admin that could assume a workload role would reach data."""
    key_admin = next(a for a, r in portal.roles.items() if r["name"] == "key-admin")
    drupal_exec = next(a for a, r in portal.roles.items() if r["name"] == "drupal-exec")
    saved = dict(portal.roles[key_admin]), list(portal.roles[drupal_exec]["trust"])
    portal.roles[key_admin]["identity"] = [
        *portal.roles[key_admin]["identity"],
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
    ]
    portal.roles[key_admin]["boundary"] = None
    portal.roles[drupal_exec]["trust"] = [
        {"Effect": "Allow", "Principal": {"AWS": key_admin}, "Action": "sts:AssumeRole"}
    ]
    try:
        assert "data" in portal.reach(key_admin)
    finally:
        portal.roles[key_admin].update(saved[0])
        portal.roles[drupal_exec]["trust"] = saved[1]


def _azure_matrix(graph: Graph) -> dict[str, set[str]]:
    custom = {}
    for d in graph.by_type("azure-native:authorization:RoleDefinition"):
        (perm,) = d.inputs["permissions"]
        uses = set(perm.get("dataActions", [])) and not {
            "Microsoft.KeyVault/vaults/keys/decrypt/action",
            "Microsoft.KeyVault/vaults/keys/unwrap/action",
        } <= set(perm.get("notDataActions", []))
        custom[d.id] = {"keys", "data"} if uses else {"keys"}
    groups = {
        g.outputs["objectId"]: g.inputs["displayName"].removeprefix("dosis-")
        for g in graph.by_type("azuread:index/group:Group")
    }
    delegable: set[str] = set()
    matrix: dict[str, set[str]] = {name: set() for name in groups.values()}
    for ra in graph.by_type("azure-native:authorization:RoleAssignment"):
        group = groups.get(ra.inputs.get("principalId"))
        if group is None:
            continue  # service identities (apps, servers, storage, cluster) are not people
        rd = ra.inputs["roleDefinitionId"]
        guid = rd.rsplit("/", 1)[-1]
        caps = custom.get(rd) if rd in custom else AZURE_ROLE_CAPS.get(guid)
        assert caps is not None, f"role {rd} of {group} is not classified by this test"
        matrix[group] |= caps
        if "rights" in caps:  # whatever it may hand out (to itself too) it reaches
            listed = set(
                re.findall(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", ra.inputs.get("condition") or "")
            )
            assert listed or ra.inputs.get("condition") is None
            delegable = listed if listed else set(AZURE_ROLE_CAPS)
            for g in delegable:
                matrix[group] |= AZURE_ROLE_CAPS.get(g, set(CAPABILITIES))
    return matrix


def test_azure_matrix(dosis):
    matrix = _azure_matrix(dosis)
    for name, caps in matrix.items():
        assert len(caps) <= 1, (name, caps)
    for name, cap in TRIAD_AZURE.items():
        assert matrix[name] == {cap}, (name, matrix[name])
    assert matrix["security-auditor"] == set()
    # nobody is SQL Entra admin (db_owner = data) but the deployment identity
    groups = {g.outputs["objectId"] for g in dosis.by_type("azuread:index/group:Group")}
    assert not {s.inputs["administrators"]["sid"] for s in dosis.by_type("azure-native:sql:Server")} & groups


def test_azure_matrix_catches_a_deny_list_and_a_crypto_officer(dosis):
    """Mutations of issue 16's findings: built-in Crypto Officer (keys + data), RBAC admin without an
    allow-list (every role, so every capability)."""
    key_admin = next(
        g for g in dosis.by_type("azuread:index/group:Group") if g.inputs["displayName"] == "dosis-key-admin"
    )
    rbac = [
        ra for ra in dosis.by_type("azure-native:authorization:RoleAssignment") if "condition" in ra.inputs
    ]
    (kv,) = [
        ra
        for ra in dosis.by_type("azure-native:authorization:RoleAssignment")
        if ra.inputs.get("principalId") == key_admin.outputs["objectId"]
        and not ra.inputs["roleDefinitionId"].endswith(ROLES["Reader"])
    ]
    saved = kv.inputs["roleDefinitionId"], [r.inputs["condition"] for r in rbac]
    try:
        kv.inputs["roleDefinitionId"] = f"/x/roleDefinitions/{ROLES['Key Vault Crypto Officer']}"
        assert _azure_matrix(dosis)["key-admin"] == {"keys", "data"}
        kv.inputs["roleDefinitionId"] = saved[0]
        for r in rbac:
            r.inputs["condition"] = None
        assert _azure_matrix(dosis)["access-rights-admin"] == set(CAPABILITIES)
    finally:
        kv.inputs["roleDefinitionId"] = saved[0]
        for r, c in zip(rbac, saved[1], strict=True):
            r.inputs["condition"] = c
