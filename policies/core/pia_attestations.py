"""What a stack's PIA record states about settings outside the program, validated entry by entry when the
pia-conditions pack loads and when `evidence export` reads the record (rounds 42 and 43): a misspelt key, a
value of the wrong kind, a missing field, a date in the future or an entry naming nothing the rules can
match is bad input — the pack refuses to start, the gate and the export exit 2 naming the file and key —
instead of a statement the rules silently read as absent, or silently trust.

`require-pia-record` judges the record's own fields (reference, classification, action points, residual
risk: `policies/core/records.py`); the record's shape (known keys, statement lists of mappings) is
`record_shapes.PIA`'s check, which runs first (engine round 15); the rules read the lists with
`breakglass.records`. Here, one schema per list (`STATEMENTS`), each field with its check:

- `break_glass` (D36 §101 3rd/4th): `[{principal, reason, alarm}]` — an IAM role or user (ARN or name; then
  `alarm`, the event rule or metric alarm watching its use, is required) or an Entra object id;
- `identity_center_mfa` (round 14): `[{instance: <instance ARN>, mfa: always-on | context-aware,
  verified_on, how?}]`;
- `saml_providers_mfa` (rounds 26, 30): `[{provider: <SAML provider ARN or the IdP's entity ID>, idp,
  mfa: enforced, how, verified_on}]`;
- `entra_external_mfa` (round 26): `[{tenant: <tenant id>, inbound_mfa_trust: none, verified_on, how?}]`;
- `entra_pim_mfa` (round 41; D36 §101 4th, CLOUD "Multifactorauthenticatie", D36 §115 PAM): per privileged
  Entra directory role made PIM-eligible by the program, that activating it asks MFA — `[{role: <template
  id of standing_roles.PRIVILEGED> | all, mfa: on-activation, verified_on, how?}]` (an eligibility for any
  other role needs no statement, so a statement naming one is a typo);
- `network_subscriptions` (round 62): `[{subscription: <lower-case subscription id>, held_by, why}]` — the
  Azure subscriptions, besides what the stack creates, whose networks its resources may admit, join or be
  placed in and whose resources its private links may reach (`network_rule_subnets`,
  `private_link_targets`): who runs each and why the stack names it. A provider's pin is no such statement:
  a provider may pin another party's subscription for one harmless resource.
- `aws_accounts` (round 63): `[{account: '<12 digits>' (quoted: YAML reads bare digits as a number), held_by,
  why}]` — the AWS accounts the stack's grants, shares, trust conditions, delegated administrators and lake
  subscribers may name (`pia_other_accounts`): who holds each and why. The workload and log-archive accounts
  are listed too: a provider's `allowedAccountIds` is no such statement, for the same reason.
- `aws_organizations` (round 76): `[{organization: o-<10 to 32 lower-case letters or digits>, held_by,
  why}]` — the AWS organisations whose every account a `Principal: *` or service grant may admit by
  `aws:PrincipalOrgID`/`aws:SourceOrgID` or their org paths (`pia_pinning`).
- `non_siem_log_groups` (round 98): `[{log_group: <name>, why}]` — log groups of the stack that are no part
  of the SIEM (a team's scratch group), which a function's Allow may then delete or re-time without holding
  SIEM logging, provided no resource of the stack names them (`iam.quiet_log_groups`);
- `api_sign_in` (round 98; D36 §77-78, DPA annex 3 a.i): `[{provider: <Cognito user-pool ARN or JWT issuer
  URL>, sign_up: closed | public, who, apis?, verified_on}]` — who may get an account at an identity
  provider an API Gateway authorizer trusts (`api_sign_in`): `closed` when the controller hands out the
  accounts, `public` when anyone may register, and then `apis` (required) names the APIs public-facing by
  design that may trust it.

`mfa`-like fields take the one value that asserts something; `verified_on` is a date on or before the
evaluation date (who verified it when, in the console of the setting).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policies.core.iam.identity_center import MFA_MODES as IC_MFA
from policies.core.iam.standing_roles import PRIVILEGED
from policies.core.records import (
    RecordsError,
    _as_date,
    _read_yaml,
    _records_dir,
    _shown,
    current_stack,
    evaluation_date,
)

PIM_RECORD = "entra_pim_mfa"
PIM_MFA = ("on-activation",)
_ACCOUNT = re.compile(r"^\d{12}$")
_ORGANIZATION = re.compile(r"^o-[a-z0-9]{10,32}$")  # an organisation id, as the Organizations API gives it
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_IAM_NAME = r"[\w+=,.@-]{1,128}"
_IAM_PRINCIPAL = re.compile(rf"^arn:aws[\w-]*:iam::\d{{12}}:(role|user)/({_IAM_NAME}/)*{_IAM_NAME}$")
_IC_INSTANCE = re.compile(r"^arn:aws[\w-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9.-]{1,16}$")
_LOG_GROUP = re.compile(r"^[\w./#-]{1,512}$")
_SIGN_IN_PROVIDER = re.compile(r"^(arn:aws[\w-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool/[\w-]+|https://\S+)$")
_SAML_PROVIDER = re.compile(r"^(arn:aws[\w-]*:iam::\d{12}:saml-provider/[\w.-]{1,128}|(https?://|urn:)\S+)$")


class PiaRecordError(RecordsError):
    """A PIA record key the rules cannot read (bad input: the pack refuses to start, the gate exits 2)."""


Check = Callable[[Any, str, dt.date], None]
Schema = tuple[dict[str, Check], tuple[str, ...]]  # {field: check}, required fields


def _one_of(*values: str) -> Check:
    def check(value: Any, where: str, on: dt.date) -> None:
        if value not in values:
            raise PiaRecordError(f"{where}: {value!r} must be {' | '.join(values)}")
    return check


def _text(what: str) -> Check:
    def check(value: Any, where: str, on: dt.date) -> None:
        if not (isinstance(value, str) and value.strip()):
            raise PiaRecordError(f"{where}: must be text ({what})")
    return check


def _matching(pattern: re.Pattern[str], what: str) -> Check:
    def check(value: Any, where: str, on: dt.date) -> None:
        if not (isinstance(value, str) and pattern.match(value)):
            raise PiaRecordError(f"{where}: {value!r} is not {what}")
    return check


def _day(value: Any, where: str, on: dt.date) -> None:
    day = _as_date(value)
    if day is None:
        raise PiaRecordError(f"{where}: not a date (YYYY-MM-DD)")
    if day > on:
        raise PiaRecordError(f"{where}: {day.isoformat()} lies in the future")


def _pim_role(value: Any, where: str, on: dt.date) -> None:
    if value != "all" and not (isinstance(value, str) and _GUID.match(value) and value in PRIVILEGED):
        raise PiaRecordError(
            f"{where}: {value!r} is not the lower-case template id of a privileged directory role "
            "(policies/core/iam/standing_roles.py PRIVILEGED) nor `all`"
        )


def _names(value: Any, where: str, on: dt.date) -> None:
    if not (isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)):
        raise PiaRecordError(f"{where}: must be a list of API names (the `name` of each RestApi or Api)")


_principal = _matching(
    re.compile(rf"^({_IAM_PRINCIPAL.pattern[1:-1]}|[\w+=,.@-]{{1,64}})$"),
    "a principal the rules can match: an IAM role or user ARN (arn:aws:iam::<account>:role/<name>), its "
    "name, or an Entra object id",
)
_HOW = _text("who verified it where")
_VERIFIED = {"verified_on": _day, "how": _HOW}

STATEMENTS: dict[str, Schema] = {
    "break_glass": (
        {"principal": _principal, "reason": _text("why the account exists and how its use is watched"),
         "alarm": _text("the event rule or metric alarm that watches its use")},
        ("principal", "reason"),
    ),
    "identity_center_mfa": (
        {"instance": _matching(_IC_INSTANCE, "an Identity Center instance ARN (arn:aws:sso:::instance/"
                                             "ssoins-<id>), as a permission set's instanceArn gives it"),
         "mfa": _one_of(*IC_MFA), **_VERIFIED},
        ("instance", "mfa", "verified_on"),
    ),
    "saml_providers_mfa": (
        {"provider": _matching(_SAML_PROVIDER, "a SAML provider ARN (arn:aws:iam::<account>:saml-provider/"
                                               "<name>) nor an identity provider's entity ID (a URL or URN)"),
         "idp": _text("which identity provider"), "mfa": _one_of("enforced"), **_VERIFIED},
        ("provider", "idp", "mfa", "how", "verified_on"),
    ),
    "entra_external_mfa": (
        {"tenant": _matching(_GUID, "a lower-case Entra tenant id"), "inbound_mfa_trust": _one_of("none"),
         **_VERIFIED},
        ("tenant", "inbound_mfa_trust", "verified_on"),
    ),
    PIM_RECORD: (
        {"role": _pim_role, "mfa": _one_of(*PIM_MFA), **_VERIFIED},
        ("role", "mfa", "verified_on"),
    ),
    "network_subscriptions": (
        {"subscription": _matching(_GUID, "a lower-case Azure subscription id"),
         "held_by": _text("who runs the subscription"), "why": _text("why the stack names its networks")},
        ("subscription", "held_by", "why"),
    ),
    "aws_accounts": (
        {"account": _matching(_ACCOUNT, "a 12-digit AWS account id in quotes (bare digits are a number)"),
         "held_by": _text("who holds the account"), "why": _text("why the stack's grants may name it")},
        ("account", "held_by", "why"),
    ),
    "aws_organizations": (
        {"organization": _matching(_ORGANIZATION, "an AWS organisation id (o- and 10 to 32 lower-case "
                                                  "letters or digits)"),
         "held_by": _text("who holds the organisation"), "why": _text("why the stack's grants may admit it")},
        ("organization", "held_by", "why"),
    ),
    "non_siem_log_groups": (
        {"log_group": _matching(_LOG_GROUP, "a CloudWatch log group name (letters, digits, _ - / . #)"),
         "why": _text("what the group holds and why it is no part of the SIEM")},
        ("log_group", "why"),
    ),
    "api_sign_in": (
        {"provider": _matching(_SIGN_IN_PROVIDER, "a Cognito user-pool ARN (arn:aws:cognito-idp:<region>:"
                                                  "<account>:userpool/<id>) nor a JWT issuer URL (https://…)"),
         "sign_up": _one_of("closed", "public"),
         "who": _text("who gets an account and how they are identified"),
         "apis": _names, **_VERIFIED},
        ("provider", "sign_up", "who", "verified_on"),
    ),
}


def _entry(e: dict[str, Any], where: str, schema: Schema, on: dt.date) -> None:
    fields, required = schema
    extra = sorted(set(map(str, e)) - set(fields))
    if extra:
        raise PiaRecordError(f"{where}.{extra[0]}: unknown key (known: {', '.join(sorted(fields))})")
    for key, check in fields.items():
        if key in e:
            check(e[key], f"{where}.{key}", on)
        elif key in required:
            raise PiaRecordError(f"{where}.{key}: required key is missing")


def _iam_alarm(e: dict[str, Any], where: str) -> None:
    """A break-glass IAM principal is excused only while an alarm watches it: the record must name it."""
    if "alarm" not in e and not _GUID.match(str(e.get("principal", "")).lower()):
        raise PiaRecordError(
            f"{where}.alarm: required for an IAM principal (the event rule or metric alarm that watches "
            "its use)"
        )


def _public_apis(e: dict[str, Any], where: str) -> None:
    """A provider anyone may sign up to is trusted only by the APIs the record names as public-facing."""
    if (e.get("sign_up") == "public") != ("apis" in e):
        raise PiaRecordError(
            f"{where}.apis: required with sign_up public (the APIs public-facing by design), and only then"
        )


def validate(data: Any, path: str, on: dt.date) -> None:
    """Raise PiaRecordError naming `path` and the key when the record's statements cannot be read."""
    if not isinstance(data, dict):
        return  # no record, or a shape record_shapes.PIA refuses before this runs
    for key, schema in STATEMENTS.items():
        entries = data.get(key)
        for i, e in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(e, dict):
                _entry(e, f"{path}: {key}[{i}]", schema, on)
                if key == "break_glass":
                    _iam_alarm(e, f"{path}: {key}[{i}]")
                if key == "api_sign_in":
                    _public_apis(e, f"{path}: {key}[{i}]")


def validate_file(path: Path, on: dt.date, shown: str | None = None) -> None:
    """Validate the statements of the PIA record at `path` (if there is one), naming it `shown`."""
    shown = shown or _shown(path)
    data, error = _read_yaml(path)
    if error:
        raise PiaRecordError(error.replace(str(path), shown))
    validate(data, shown, on)


def validate_record(stack: str | None = None) -> None:
    """Validate the PIA record of `stack` (default: the stack being judged); called when the pack loads."""
    path = Path(_records_dir()) / "pia" / f"{stack if stack is not None else current_stack()}.yaml"
    validate_file(path, evaluation_date())
