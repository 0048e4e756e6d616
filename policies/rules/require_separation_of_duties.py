"""Three functions stay apart: database structure, access rights, key administration (R2016; D36 §101 3rd/5th;
DPA annex 3 b.iii.2, b.vi). No principal holds two, key administrators cannot use keys, no `*:*` or Owner for
people."""

from __future__ import annotations

from typing import Any

from policies.core.helpers import allows, parse_policy, statements
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document, unknown_message

# Concrete actions that prove a function (wildcards in statements are matched against them).
AWS_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "database structure": (
        "rds:CreateDBInstance",
        "rds:ModifyDBInstance",
        "rds:DeleteDBInstance",
        "rds:RestoreDBInstanceFromDBSnapshot",
        "dynamodb:CreateTable",
        "dynamodb:DeleteTable",
    ),
    "access rights": (
        "iam:CreateRole",
        "iam:AttachRolePolicy",
        "iam:PutRolePolicy",
        "iam:CreateUser",
        "iam:UpdateAssumeRolePolicy",
    ),
    "key administration": ("kms:CreateKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"),
}
KMS_ADMIN = AWS_FUNCTIONS["key administration"]
KMS_USE = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom")
_AWS_MANAGED = "arn:aws:iam::aws:policy/"
# What the AWS-managed policies people get allow (for the function analysis); read-only ones allow none.
MANAGED: dict[str, list[dict[str, Any]]] = {
    "AdministratorAccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    "PowerUserAccess": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}
    ],
    "IAMFullAccess": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}],
    "ReadOnlyAccess": [],
    "SecurityAudit": [],
    "ViewOnlyAccess": [],
}

# Azure built-in role definition GUIDs per function.
AZURE_OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
AZURE_FUNCTIONS: dict[str, frozenset[str]] = {
    "database structure": frozenset(
        {
            "6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437",
            "9b7fa17d-e63e-47b0-bb0a-15c516ac86ec",
            "b24988ac-6180-42a0-ab88-20f7382dd24c",
        }
    ),
    "access rights": frozenset(
        {"18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "f58310d9-a9f6-439a-9e8d-f62e7b41a168", AZURE_OWNER}
    ),
    "key administration": frozenset(
        {"14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "00482a5a-887f-4fb3-b363-3b7fe8e74483"}
    ),
}
AZURE_KEY_USE = frozenset({"12338af0-0e69-4776-bea7-57ae8d297424", "e147488a-f6f5-4113-8e2d-b22465e65bf6"})
_PEOPLE = ("User", "Group")
# Standing assignments and PIM eligibilities both give a principal a role.
ASSIGNMENTS = (
    "azure-native:authorization:RoleAssignment",
    "azure-native:authorization:PimRoleEligibilitySchedule",
    "azure-native:authorization:RoleEligibilitySchedule",
)


def _human_role(role: ResourceView) -> bool:
    doc, err = json_document(role.input("assumeRolePolicy"))
    if err:
        return True  # cannot tell: judge it as a role people may assume (fail closed)
    for s in statements(doc):
        p = s.get("Principal")
        if p == "*" or (isinstance(p, dict) and ("AWS" in p or "Federated" in p)):
            return True
    return False


def _attached(graph: StackGraph, role: ResourceView, typ: str) -> list[ResourceView]:
    name = role.input("name")
    out = []
    for r in graph.by_type(typ):
        if (
            role.urn in r.property_dependencies.get("role", ())
            or (isinstance(name, str) and r.input("role") == name)
            or r.input("role") == role.name
        ):
            out.append(r)
    return out


def _role_findings(graph: StackGraph, role: ResourceView) -> list[str]:
    stmts: list[dict[str, Any]] = []
    out: list[str] = []
    for rp in _attached(graph, role, "aws:iam/rolePolicy:RolePolicy"):
        s, problem = parse_policy(rp, "policy")
        if problem:
            out.append(f"inline policy {rp.name}: {problem}")
        stmts.extend(s)
    for s in role.input("inlinePolicies") or []:
        if isinstance(s, dict) and s.get("policy") is not None:
            doc, err = json_document(s["policy"])
            if err == "unknown":
                out.append(unknown_message("inlinePolicies.policy", "the permissions it grants"))
            stmts.extend(statements(doc))
    for att in _attached(graph, role, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        arn = att.input("policyArn")
        if is_unknown(arn):
            policies = [p for p in graph.dependency_of(att, "policyArn") if p.type == "aws:iam/policy:Policy"]
            if not policies:
                out.append(unknown_message(f"{att.name}.policyArn", "the permissions it grants"))
            for p in policies:
                s, problem = parse_policy(p, "policy")
                if problem:
                    out.append(f"policy {p.name}: {problem}")
                stmts.extend(s)
        elif isinstance(arn, str) and arn.startswith(_AWS_MANAGED):
            name = arn.rsplit("/", 1)[-1]
            if name not in MANAGED:
                out.append(
                    f"AWS-managed policy {name} is not analysed, so the functions it grants cannot be judged"
                )
            stmts.extend(MANAGED.get(name, []))
        else:
            policies = [
                p
                for p in graph.by_type("aws:iam/policy:Policy")
                if role.urn
                and (p.urn in att.property_dependencies.get("policyArn", ()) or p.input("arn") == arn)
            ]
            if not policies:
                out.append(
                    f"policy {arn!r} is not in this stack, so the functions it grants cannot be judged"
                )
            for p in policies:
                s, problem = parse_policy(p, "policy")
                if problem:
                    out.append(f"policy {p.name}: {problem}")
                stmts.extend(s)
    if out:
        return out
    for s in stmts:
        acts = s.get("Action")
        acts = acts if isinstance(acts, list) else [acts]
        res = s.get("Resource")
        res = res if isinstance(res, list) else [res]
        if s.get("Effect") == "Allow" and "*" in acts and "*" in res:
            out.append("an inline policy allows `*` on `*` for a role people assume")
            break
    held = [fn for fn, actions in AWS_FUNCTIONS.items() if any(allows(stmts, a) for a in actions)]
    if len(held) > 1:
        out.append(f"the role holds {len(held)} separated functions: {', '.join(held)}")
    if "key administration" in held and any(allows(stmts, a) for a in KMS_USE):
        out.append("the role administers keys and can also use them (kms:Decrypt/Encrypt/GenerateDataKey)")
    return out


def _via_service(stmt: dict[str, Any]) -> bool:
    """Use only through a named AWS service (kms:ViaService), e.g. a deployer creating encrypted RDS storage:
    the principal never handles key material or plaintext itself."""
    cond = stmt.get("Condition")
    if not isinstance(cond, dict):
        return False
    return any(isinstance(block, dict) and "kms:ViaService" in block for block in cond.values())


def _key_policy(key: ResourceView) -> list[str]:
    stmts, problem = parse_policy(key, "policy")
    if problem:
        return [problem] if key.input("policy") is not None else []
    admins: set[str] = set()
    users: set[str] = set()
    for s in stmts:
        if s.get("Effect") != "Allow":
            continue
        p = s.get("Principal")
        principals = p.get("AWS") if isinstance(p, dict) else p
        principals = [str(x) for x in (principals if isinstance(principals, list) else [principals]) if x]
        principals = [x for x in principals if not x.endswith(":root")]  # account delegation to IAM
        if any(allows([s], a) for a in KMS_ADMIN):
            admins.update(principals)
        if any(allows([s], a) for a in KMS_USE) and not _via_service(s):
            users.update(principals)
    both = sorted(admins & users)
    return [f"key policy lets {', '.join(both)} both administer and use the key"] if both else []


def _azure(graph: StackGraph) -> list[tuple[str, str]]:
    held: dict[str, set[str]] = {}
    uses: dict[str, bool] = {}
    first: dict[str, str] = {}
    out: list[tuple[str, str]] = []
    for ra in graph.by_type(*ASSIGNMENTS):
        principal, rd, ptype = (
            ra.input("principalId"),
            ra.input("roleDefinitionId"),
            ra.input("principalType"),
        )
        if is_unknown(principal):  # an identity of this stack, known by its resource
            deps = graph.dependency_of(ra, "principalId")
            principal = deps[0].urn if deps else principal
        if is_unknown(principal) or is_unknown(rd):
            out.append((ra.urn, unknown_message("principalId/roleDefinitionId", "the separation of duties")))
            continue
        guid = str(rd).rsplit("/", 1)[-1].lower()
        if guid == AZURE_OWNER and ptype in _PEOPLE:
            out.append((ra.urn, f"Owner is assigned to a {str(ptype).lower()}: people get no Owner role"))
        key = str(principal)
        first.setdefault(key, ra.urn)
        for fn, guids in AZURE_FUNCTIONS.items():
            if guid in guids:
                held.setdefault(key, set()).add(fn)
        uses[key] = uses.get(key, False) or guid in AZURE_KEY_USE
    for principal, fns in held.items():
        if len(fns) > 1:
            out.append(
                (
                    first[principal],
                    f"principal {principal} holds {len(fns)} separated functions: {', '.join(sorted(fns))}",
                )
            )
        if "key administration" in fns and uses.get(principal):
            out.append((first[principal], f"principal {principal} administers keys and can also use them"))
    return out


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for role in graph.by_type("aws:iam/role:Role"):
        if _human_role(role):
            out.extend((role.urn, m) for m in _role_findings(graph, role))
    for key in graph.by_type("aws:kms/key:Key"):
        out.extend((key.urn, m) for m in _key_policy(key))
    out.extend(_azure(graph))
    return out


RULE = Rule(
    id="require-separation-of-duties",
    title="No person holds two of database structure, access rights and key administration, and key "
    "administrators cannot use keys.",
    severity="critical",
    remediation="Split the rights over separate MFA-only roles / groups "
    "(components.aws.identity.HumanRoles), deny "
    "the other functions, keep key-use grants away from key administrators, never give people "
    "*:* or "
    "Owner.",
    controls=("PIA-02", "PIA-04", "IAM-01", "IAM-02", "IAM-04", "IAM-05", "ENC-04"),
    check=check,
    module=__name__,
    scope="stack",
)
