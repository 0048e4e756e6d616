"""Live AWS evidence on identities: the account password policy, and MFA on the roles people assume (read
as require-admin-mfa reads it: policies.core.iam.statements)."""

from __future__ import annotations

import json
from typing import Any

from evidence.live.aws_common import PASSWORD_POLICY, ROLE, aws_check, client_error_code
from evidence.model import LiveCheck, StackEvidence
from policies.core.iam.statements import people_trust_requires_mfa

MIN_PASSWORD_LENGTH = 14


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
            mfa = people_trust_requires_mfa(doc)
            if role.get("Path", "/").startswith("/aws-service-role/") or mfa is None:
                continue
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
