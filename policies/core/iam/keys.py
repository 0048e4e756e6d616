"""Who administers and who uses each KMS key: key policies (principals compared as identities, `*` is
everyone in the account), KMS grants and IAM policies together (DPA annex 3 b.vi)."""

from __future__ import annotations

import re

from policies.core.iam.catalogue import functions, key_use
from policies.core.iam.principals import AwsPrincipal
from policies.core.iam.statements import (
    as_list,
    conditions,
    effective,
    principals,
    statement_actions,
    via_service_only,
)
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document, unknown_message

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
# Resources that carry the policy of a workload key: the key, its replicas, the stand-alone KeyPolicy.
# (External keys hold imported material of another party, e.g. the controller's off-vendor copy key.)
POLICY_HOLDERS = (KEY, "aws:kms/replicaKey:ReplicaKey", KEY_POLICY)
GRANT = "aws:kms/grant:Grant"
_IDENTITY = re.compile(r":(role|user)/(?:.*/)?([^/]+)$")
# A role session (`arn:aws:sts::<account>:assumed-role/<role>/<session>`) is that role.
_SESSION = re.compile(r":assumed-role/([^/]+)/[^/]+$")
_USE_OPS = {
    "Encrypt",
    "Decrypt",
    "ReEncryptFrom",
    "ReEncryptTo",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPairWithoutPlaintext",
    "Sign",
    "GenerateMac",
}


def identity(principal: str) -> str:
    """`role/<name>` / `user/<name>` of an ARN (paths ignored; a role session is its role), `*`, or the
    string itself."""
    session = _SESSION.search(principal)
    if session:
        return f"role/{session.group(1)}"
    m = _IDENTITY.search(principal)
    return f"{m.group(1)}/{m.group(2)}" if m else principal


def _principal_arns(stmt: dict) -> list[str] | None:
    """Identities an `aws:PrincipalArn` condition narrows a `*` principal to; None when it does not narrow
    (absent, …IfExists, or a wildcard value that could match anyone)."""
    for op, block in conditions(stmt).items():
        values = block.get("aws:principalarn")
        if (
            values
            and not op.endswith("IfExists")
            and op.replace("ForAnyValue:", "") in ("StringEquals", "ArnEquals", "StringLike", "ArnLike")
        ):
            if any("*" in v or "?" in v for v in values):
                return None
            return [identity(v) for v in values]
    return None


def _delegation(p: str) -> bool:
    return p.endswith(":root") or p.isdigit()


def _grants(graph: StackGraph, key: ResourceView) -> set[str]:
    """Grantees of grants on this key that allow use; a grant whose key cannot be placed counts for every
    key."""
    users: set[str] = set()
    for g in graph.by_type(GRANT):
        ref = g.input("keyId")
        on_key = key.urn in g.property_dependencies.get("keyId", ()) or (
            isinstance(ref, str)
            and not is_unknown(ref)
            and ref in (key.input("arn"), key.input("keyId"), key.name)
        )
        placed = bool(g.property_dependencies.get("keyId")) or (
            isinstance(ref, str) and ref.startswith("arn:")
        )
        if (on_key or not placed) and set(map(str, as_list(g.input("operations")))) & _USE_OPS:
            users.add(identity(str(g.input("granteePrincipal"))))
    return users


def _policies(graph: StackGraph):
    """(holder, statements or None, problem) of every key policy the stack sets."""
    for holder in graph.by_type(*POLICY_HOLDERS):
        if holder.input("policy") is None:
            continue  # the default key policy delegates to IAM, judged through IAM
        doc, err = json_document(holder.input("policy"))
        stmts = (doc or {}).get("Statement", []) if isinstance(doc, dict) else []
        yield holder, [s for s in as_list(stmts) if isinstance(s, dict)], err


def _named(s: dict) -> list[str]:
    """Identities an Allow statement of a key policy names (`*` narrowed by aws:PrincipalArn)."""
    ps = principals(s)
    if "*" in ps:
        return _principal_arns(s) or ["*"]
    return [identity(p) for p in ps.get("AWS", []) if not _delegation(p)]


def policy_admins(graph: StackGraph) -> set[str]:
    """Identities (`role/<name>`, `user/<name>`, `*`) a key policy makes key administrators. In the same
    account the key policy alone grants it, whatever IAM says; a permission boundary does not limit a grant
    naming a user or a role session, so none is applied here (over-approximation)."""
    admin_actions = functions()["key administration"]
    return {
        n
        for _, stmts, _ in _policies(graph)
        for s in stmts
        if s.get("Effect") == "Allow" and statement_actions(s) & admin_actions
        for n in _named(s)
    }


def key_findings(graph: StackGraph, people: list[AwsPrincipal]) -> list[tuple[str, str]]:
    admin_actions = functions()["key administration"]
    iam_admins = {f"{p.kind}/{p.physical_name}" for p in people if p.actions() & admin_actions}
    # People whose IAM policies use keys: they use a key whose policy delegates to the account (root).
    iam_users = {
        f"{p.kind}/{p.physical_name}"
        for p in people
        if effective([s for s in p.statements if not via_service_only(s)]) & key_use()
    }
    out: list[tuple[str, str]] = []
    for holder, stmts, err in _policies(graph):
        if err:
            why = (
                unknown_message("policy", "who administers and uses the key")
                if err == "unknown"
                else (f"`policy` is {err}, so who administers and uses the key cannot be judged")
            )
            out.append((holder.urn, why))
            continue
        key = (
            next(iter(graph.dependency_of(holder, "keyId")), holder) if holder.type == KEY_POLICY else holder
        )
        admins, users = set(iam_admins), _grants(graph, key)
        for s in stmts:
            if s.get("Effect") != "Allow":
                continue
            if any(_delegation(p) for p in principals(s).get("AWS", [])):
                users.update(iam_users)
            names = _named(s)
            acts = statement_actions(s)
            if acts & admin_actions:
                admins.update(n for n in names if n != "*")
            if acts & key_use() and not via_service_only(s):
                users.update(names)
        both = sorted(admins & users)
        if both:
            out.append(
                (
                    holder.urn,
                    f"{', '.join(both)} both administer and use the key (key policy, grants and "
                    "IAM policies together)",
                )
            )
        if "*" in users and admins:
            out.append(
                (
                    holder.urn,
                    "the key policy lets `*` (every principal of the account) use the key, which "
                    f"includes its administrators {', '.join(sorted(admins))}",
                )
            )
    return out
