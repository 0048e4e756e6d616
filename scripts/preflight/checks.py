"""The checklist (one home for what a deployment needs that no stack can create) and result lines.

Status: ok, missing (a prerequisite is not met: the deployment would fail or be unsafe), manual (no API
can tell; a person confirms), error (the check could not run: never read as ok).
"""

from __future__ import annotations

from dataclasses import dataclass

OK, MISSING, MANUAL, ERROR = "ok", "missing", "manual", "error"


@dataclass(frozen=True)
class Item:
    id: str
    cloud: str
    need: str
    why: str


CHECKLIST = (
    Item(
        "entra-p1",
        "azure",
        "Microsoft Entra ID P1 licences (or P2) in the tenant",
        "Conditional Access (MFA for DOSIS administrators, D36 §101 4th) needs P1",
    ),
    Item(
        "entra-p2",
        "azure",
        "Microsoft Entra ID P2 licences for every eligible administrator",
        "PIM for Groups (approval, MFA, <= 8 h activation, D36 §115) needs P2",
    ),
    Item(
        "security-defaults-off",
        "azure",
        "Security Defaults disabled",
        "Conditional Access policies cannot be created while Security Defaults are on",
    ),
    Item(
        "deployer-azure-rbac",
        "azure",
        "deployer holds Owner, or Contributor + Role Based Access Control "
        "Administrator, on the DOSIS subscription",
        "the stack creates resources and role assignments",
    ),
    Item(
        "deployer-entra-roles",
        "azure",
        "deployer holds Conditional Access Administrator, Groups "
        "Administrator, Privileged Role Administrator and Security Administrator (or Global Administrator)",
        "Conditional Access, groups, PIM for Groups policies and the Entra diagnostic setting",
    ),
    Item(
        "aws-account",
        "aws",
        "credentials of the e-loket account (dosis-eloket:accountId)",
        "the provider refuses any other account (allowed_account_ids)",
    ),
    Item(
        "deployer-role",
        "aws",
        "the deployment role (dosis-eloket:deployerRoleName) exists",
        "key policies name it; without it the keys lock out the pipeline",
    ),
    Item(
        "guardduty-free",
        "aws",
        "no GuardDuty detector yet in eu-west-1 (or import it)",
        "one detector per region: a landing-zone detector makes `up` fail",
    ),
    Item(
        "config-free",
        "aws",
        "no AWS Config recorder / delivery channel yet in eu-west-1 (or import them)",
        "one recorder per region: a landing-zone recorder makes `up` fail",
    ),
    Item(
        "certificate",
        "aws",
        "an ISSUED ACM certificate for dosis-eloket:domainName in eu-west-1, or DNS "
        "validation published by the domain owner",
        "the HTTPS listener needs an issued certificate",
    ),
    Item(
        "identity-center-mfa",
        "aws",
        "IAM Identity Center requires MFA at every sign-in (Settings > Authentication)",
        "role sessions from Identity Center carry no aws:MultiFactorAuthPresent; no "
        "API reports the setting, so a person confirms it",
    ),
)


@dataclass(frozen=True)
class Result:
    item: str
    status: str
    detail: str

    def line(self) -> str:
        return f"{self.status.upper():8} {self.item:24} {self.detail}"


def manual(item: str, detail: str = "") -> Result:
    need = next(i.need for i in CHECKLIST if i.id == item)
    return Result(item, MANUAL, detail or f"confirm: {need}")
