"""Live AWS evidence on identities: the account password policy, and MFA on the roles people assume."""

from __future__ import annotations

import json
from typing import Any

from evidence.live.aws_common import PASSWORD_POLICY, ROLE, aws_check, client_error_code
from evidence.model import LiveCheck, StackEvidence

MIN_PASSWORD_LENGTH = 14


def _is_human_trust(doc: dict[str, Any]) -> bool:
    """A role people assume: trusted by an account / IAM user or a SAML provider, not by a service."""
    for st in doc.get("Statement", []):
        principal = st.get("Principal", {})
        if isinstance(principal, dict) and (principal.get("AWS") or principal.get("Federated")):
            return True
    return False


def _requires_mfa(doc: dict[str, Any]) -> bool:
    for st in doc.get("Statement", []):
        if st.get("Effect") != "Allow":
            continue
        cond = json.dumps(st.get("Condition", {})).lower()
        if "aws:multifactorauthpresent" not in cond and "saml" not in cond:
            return False
    return True


def iam(session: Any, evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Password policy, and MFA conditions on every role that people assume (DPA annex 3 b.iii.2)."""
    client = session.client("iam")
    out: list[LiveCheck] = []
    try:
        pol = client.get_account_password_policy()["PasswordPolicy"]
    except Exception as exc:
        if client_error_code(exc) != "NoSuchEntity":
            raise
        pol = {}
    length = int(pol.get("MinimumPasswordLength", 0))
    ok = (
        bool(pol)
        and length >= MIN_PASSWORD_LENGTH
        and all(
            pol.get(k)
            for k in (
                "RequireSymbols",
                "RequireNumbers",
                "RequireUppercaseCharacters",
                "RequireLowercaseCharacters",
            )
        )
    )
    out.append(
        aws_check(
            "aws.iam.password-policy",
            "account",
            ok,
            f"minimum length {length}, complexity {'on' if ok else 'incomplete'}"
            if pol
            else "no account password policy",
            PASSWORD_POLICY,
            actual=pol or None,
            expected={"MinimumPasswordLength": f">= {MIN_PASSWORD_LENGTH}"},
        )
    )
    for page in client.get_paginator("list_roles").paginate():
        for role in page.get("Roles", []):
            doc = role.get("AssumeRolePolicyDocument") or {}
            if isinstance(doc, str):
                doc = json.loads(doc)
            if role.get("Path", "/").startswith("/aws-service-role/") or not _is_human_trust(doc):
                continue
            mfa = _requires_mfa(doc)
            out.append(
                aws_check(
                    "aws.iam.role-mfa",
                    role.get("Arn", role.get("RoleName", "")),
                    mfa,
                    "assume-role requires MFA" if mfa else "people can assume this role without MFA",
                    ROLE,
                )
            )
    return out
