"""The keys themselves, for require-customer-managed-keys (round 10): a customer-managed key is only as good
as what the stack can see of it. A Key Vault key rotates by its rotation policy; a multi-Region replica key
rotates (and is governed) by its primary, which must be a key of the stack; a store's KMS key ARN in another
account is another party's key; an EBS volume that names no key takes the account's default EBS key, which
the stack may set (`ebs.DefaultKmsKey`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from policies.core.accounts import aws_account
from policies.core.view import ProviderView, ResourceView, StackGraph, get_path, is_unknown, unknown_message

KeyOf = Callable[[str, Any, set[str]], list[str]]
Judge = Callable[[ResourceView, StackGraph, set[str]], list[str]]
KMS_KEY = "aws:kms/key:Key"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
DEFAULT_EBS_KEY = "aws:ebs/defaultKmsKey:DefaultKmsKey"
EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey"
REPLICA_EXTERNAL_KEY = "aws:kms/replicaExternalKey:ReplicaExternalKey"
STACK_KEYS = (KMS_KEY, REPLICA_KEY, EXTERNAL_KEY, REPLICA_EXTERNAL_KEY)
# the types whose `policy` input is a key policy (round 74), in the order the checks report them
KEY_POLICY_TYPES = (KMS_KEY, "aws:kms/keyPolicy:KeyPolicy", REPLICA_KEY, EXTERNAL_KEY, REPLICA_EXTERNAL_KEY)
STACK_REFERENCE = "pulumi:pulumi:StackReference"
_KEY_ARN = re.compile(r"^arn:aws[\w-]*:kms:[\w-]*:(\d{12}):key/")


ROTATION_DAYS = 365  # at least yearly: AWS's default period and the P1Y of the Key Vault examples
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def _days(duration: Any) -> int | None:
    """Days of an ISO 8601 duration as Key Vault takes them (P1Y, P11M, P90D); None when unreadable."""
    m = _DURATION.match(str(duration or "").upper())
    if not m or not any(m.groups()):
        return None
    y, mo, w, d = (int(g or 0) for g in m.groups())
    return y * 365 + mo * 30 + w * 7 + d


def kms_rotation_period(r: ResourceView) -> list[str]:
    """Rotation on, but how often: the API allows up to 2560 days (round 15)."""
    days = r.input("rotationPeriodInDays")
    if days is None:
        return []  # AWS's default: every 365 days
    if is_unknown(days) or not isinstance(days, int | float):
        return [unknown_message("rotationPeriodInDays", "how often the key rotates")]
    if days > ROTATION_DAYS:
        return [
            f"`rotationPeriodInDays` is {days}: the key rotates less than once a year; rotate at least every "
            f"{ROTATION_DAYS} days (R2016 regular re-encryption)"
        ]
    return []


def _rotation_days(policy: dict[str, Any], trigger: dict[str, Any]) -> tuple[int | None, str]:
    """Days between rotations of a `rotate` action, or None with what cannot be read."""
    if trigger.get("timeAfterCreate"):
        days = _days(trigger["timeAfterCreate"])
        return days, f"timeAfterCreate {trigger['timeAfterCreate']!r}"
    expiry, before = get_path(policy, "attributes.expiryTime"), trigger.get("timeBeforeExpiry")
    if not expiry:
        return None, f"timeBeforeExpiry {before!r} with no attributes.expiryTime (a key that never expires)"
    e, b = _days(expiry), _days(before)
    return (e - b if e is not None and b is not None else None), f"expiry {expiry!r} less {before!r}"


def key_vault_key(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """A key that stays in its vault (round 35) and rotates."""
    return key_release(r) + _key_vault_rotation(r)


def key_release(r: ResourceView) -> list[str]:
    """Round 35: an exportable key with a release policy leaves the vault for whatever environment the
    policy's attestation authority vouches for (secure key release): not custody of the controller's key."""
    exportable, policy = r.get("properties.attributes.exportable"), r.get("properties.releasePolicy")
    if is_unknown(exportable) or is_unknown(policy):
        return [unknown_message("properties.attributes.exportable", "whether the key can leave its vault")]
    if exportable is True or str(exportable).lower() == "true" or policy:
        return [
            "the key is exportable (`properties.attributes.exportable` true or a "
            "`properties.releasePolicy`): Key Vault releases its private key to any environment its release "
            "policy's attestation authority vouches for, outside the vault the controller holds; leave "
            "exportable false and set no release policy"
        ]
    return []


def imported_material(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """Round 35: key material the program imports (`keyMaterialBase64`) is in the program, its configuration
    and the state, and imported material never rotates automatically; material imported outside the
    program (the field left unset) is the controller's own, as before."""
    if r.input("keyMaterialBase64") is None and not graph.dependency_of(r, "keyMaterialBase64"):
        return []
    return [
        "`keyMaterialBase64` imports key material the program holds: it sits in the program, its "
        "configuration and the state, whoever reads them decrypts outside KMS, and imported material does "
        "not rotate automatically; leave it unset and import material generated and wrapped in the "
        "controller's HSM outside the program, or use a KMS key with rotation"
    ]


# A multi-Region replica of an imported key takes material of its own too (judged as a CONFIGURES entry: it
# is no data store of the closed world).
REPLICA_EXTERNAL = "aws:kms/replicaExternalKey:ReplicaExternalKey"


def _key_vault_rotation(r: ResourceView) -> list[str]:
    """A rotation policy with a `rotate` lifetime action at least yearly; an expiry or a notification
    rotates nothing, and a rotation once in ten years is none (round 15)."""
    policy = r.get("properties.rotationPolicy")
    if is_unknown(policy) or (policy is not None and r.unknowns("properties.rotationPolicy")):
        return [unknown_message("properties.rotationPolicy", "whether the key rotates")]
    actions = get_path(policy, "lifetimeActions") if isinstance(policy, dict) else None
    slow: list[str] = []
    for a in actions if isinstance(actions, list) else []:
        kind = get_path(a, "action.type") if isinstance(a, dict) else None
        trigger = get_path(a, "trigger") if isinstance(a, dict) else None
        if str(kind).lower() == "rotate" and isinstance(trigger, dict) and any(trigger.values()):
            days, what = _rotation_days(policy, trigger)  # type: ignore[arg-type]
            if days is not None and 0 < days <= ROTATION_DAYS:
                return []
            slow.append(what if days is None else f"{what}: every {days} days")
    if slow:
        return [
            f"the key's rotation ({'; '.join(slow)}) is not at least yearly or cannot be read: rotate "
            f"at most {ROTATION_DAYS} days apart (timeAfterCreate P1Y, or expiryTime with timeBeforeExpiry)"
        ]
    return [
        "the key has no rotation policy with a `rotate` lifetime action (an expiry or a notification rotates "
        "nothing): add properties.rotationPolicy.lifetimeActions [{action: {type: rotate}, trigger: "
        "{timeAfterCreate: P1Y}}] (R2016 regular re-encryption)"
    ]


def replica_key(kms_key: Judge) -> Judge:
    """A replica shares its primary's key material and rotation: the primary must be judged here."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        primary = r.input("primaryKeyArn")
        if is_unknown(primary) and not graph.dependency_of(r, "primaryKeyArn"):
            return [unknown_message("primaryKeyArn", "the primary key")]
        ours = [k for k in graph.dependency_of(r, "primaryKeyArn") if k.type == KMS_KEY]
        if not ours:
            return [
                f"the primary key {primary!r} is not a key of this stack, so the rotation and policy this "
                "replica shares with it cannot be judged: create the primary (multiRegion) in the stack and "
                "pass its ARN"
            ]
        return [f"primary key {k.name}: {m}" for k in ours for m in kms_key(k, graph, known)]

    return judge


def foreign_keys(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    """KMS key ARNs among a store's inputs that belong to another account than the one it is created in. A
    field computed from a key of the stack is that key (judged where it is defined, whatever its ARN)."""
    account, _ = aws_account(r.provider) if r.type.startswith("aws:") else (None, None)
    if account is None or r.type in STACK_KEYS:
        return []  # a key's own ARN (an output in the recorded state) is itself
    out: list[str] = []
    fed: set[str] | None = None
    for fld, value in r.inputs.items():
        if fld in ("arn", "id", "keyId"):
            continue  # the resource's own identity, as the recorded state carries it
        deps = [d for u in r.property_dependencies.get(fld, ()) if (d := graph.get(u)) is not None]
        if any(k.type in STACK_KEYS for k in deps):
            continue
        # a key another stack of the project exports (StackReference) is judged in that stack
        referenced = any(k.type == STACK_REFERENCE for k in deps)
        for arn in _key_arns(value):
            m = _KEY_ARN.match(arn)
            if m and m.group(1) != account:
                out.append(
                    f"the KMS key {arn} belongs to account {m.group(1)}, not {account} where the store is "
                    "created: another party holds it and its rotation and administrators cannot be judged; "
                    "use a key of this stack"
                )
            elif m and arn not in known and not referenced:
                out.append(_UNDECLARED.format(fld=fld, key=arn))
        bare = isinstance(value, str) and _BARE_KEY_ID.match(value) and value not in known
        if bare and _KEY_FIELD.search(fld) and not referenced:
            out.append(_UNDECLARED.format(fld=fld, key=value))
        if not referenced and isinstance(value, (dict, list)):
            fed = fed if fed is not None else fed_key_ids(r, graph) | known
            out += [_UNDECLARED.format(fld=w, key=v) for w, v in _setting_key_ids(fld, value, fed)]
    return out


def fed_key_ids(r: ResourceView, graph: StackGraph) -> set[str]:
    """Ids of the key ARNs written into fields a key of the stack feeds: the same key named again by its id
    elsewhere in the resource (a Lambda's `kmsKeyArn` and its `KEY_ID` variable) is that key."""
    ids = set()
    for fld, value in r.inputs.items():
        deps = (graph.get(u) for u in r.property_dependencies.get(fld, ()))
        if any(d is not None and d.type in STACK_KEYS for d in deps):
            ids |= {a.rsplit("/", 1)[-1] for a in _key_arns(value)}
    return ids


def _names_key(name: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(name)]
    return "kms" in words or words[-1:] == ["key"] or words[-2:] in (["key", "id"], ["key", "arn"])


def bare_key_id(name: str, value: Any, kms_only: bool = False) -> bool:
    """A bare KMS key id under a name that names a key (`kms_only`: a name with `kms` in it)."""
    if not (isinstance(value, str) and _BARE_KEY_ID.match(value)):
        return False
    return "kms" in (w.lower() for w in _WORDS.findall(name)) if kms_only else _names_key(name)


def undeclared(where: str, key: str) -> str:
    return _UNDECLARED.format(fld=where, key=key)


def _setting_key_ids(where: str, value: Any, known: set[str]) -> Iterator[tuple[str, str]]:
    """Round 37: bare KMS key ids (UUIDs, `mrk-…`) in nested settings — a Lambda variable, an env entry —
    under a name that names a key (`DATA_KEY_ID`, `kmsKey`); a tenant or client GUID names no key. `known`:
    ids to pass (AWS-managed ones reported elsewhere, ids of the stack's keys the resource names)."""
    if isinstance(value, list):
        for i, v in enumerate(value):
            yield from _setting_key_ids(f"{where}[{i}]", v, known)
        return
    if not isinstance(value, dict):
        return
    pairs = list(value.items())
    if isinstance(value.get("name"), str) and "value" in value:  # an env entry {name, value}
        pairs.append((value["name"], value["value"]))
    for k, v in pairs:
        if isinstance(v, str) and _BARE_KEY_ID.match(v) and v not in known and _names_key(str(k)):
            yield f"{where}.{k}", v
        elif isinstance(v, (dict, list)):
            yield from _setting_key_ids(f"{where}.{k}", v, known)


# Round 12: a literal key of the store's own account that no key resource of the stack feeds may be an
# AWS-managed key (their ARNs and ids look like any other key's), or a key whose rotation and policy nobody
# here judges: only a key of the stack counts.
_KEY_FIELD = re.compile(r"kms|key", re.IGNORECASE)
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_BARE_KEY_ID = re.compile(
    r"^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
_UNDECLARED = (
    "`{fld}` names the KMS key {key}, which no key of this stack feeds: it may be an AWS-managed key (their "
    "ARNs look like any other) and its rotation and administrators cannot be judged; pass the key "
    "resource's ARN (kms.Key, ReplicaKey or ExternalKey of the stack, or the output of the project's stack "
    "that makes it, through a StackReference)"
)


def _key_arns(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith("arn:aws") and ":kms:" in value else []
    if isinstance(value, dict):
        return [a for v in value.values() for a in _key_arns(v)]
    if isinstance(value, list):
        return [a for v in value for a in _key_arns(v)]
    return []


def _same_place(a: ProviderView | None, b: ProviderView | None) -> bool:
    if a is not None and b is not None and a.urn == b.urn:
        return True
    if a is None or b is None:
        return a is b
    region = a.inputs.get("region")
    return (
        aws_account(a)[0] is not None
        and aws_account(a)[0] == aws_account(b)[0]
        and region is not None
        and region == b.inputs.get("region")
    )


def ebs_key(
    graph: StackGraph, r: ResourceView, where: str, key: Any, known: set[str], key_of: KeyOf
) -> list[str]:
    """An EBS device naming no key is encrypted with the account's default EBS key of its region: judged
    when the stack sets that default (`ebs.DefaultKmsKey`) through the same account and region."""
    if key is None:
        defaults = [d for d in graph.by_type(DEFAULT_EBS_KEY) if _same_place(d.provider, r.provider)]
        if defaults:
            return [
                m
                for d in defaults
                for m in key_of(f"{where} (the account default)", d.input("keyArn"), known)
            ]
    return key_of(where, key, known)


def instance_devices(
    graph: StackGraph, r: ResourceView, known: set[str], key_of: KeyOf, names_keys: bool = True
) -> list[str]:
    """The root and extra EBS devices of an instance (or spot request, or launch configuration, whose
    devices name no key: `names_keys` False) are encrypted, each with its key or the account default."""
    devices = [("rootBlockDevice", r.input("rootBlockDevice") or {})]
    devices += [(f"ebsBlockDevices.{i}", d) for i, d in enumerate(r.input("ebsBlockDevices") or [])]
    out = []
    for where, d in devices:
        if is_unknown(d) or not isinstance(d, dict):
            out.append(unknown_message(where, "the volume encryption"))
            continue
        if d.get("encrypted") is not True:
            out.append(f"`{where}.encrypted` is not true")
        key = d.get("kmsKeyId") if names_keys else None
        out += ebs_key(graph, r, f"{where}.kmsKeyId", key, known, key_of)
    return out


def ebs_volume(key_of: KeyOf) -> Judge:
    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        flag = r.input("encrypted")
        if is_unknown(flag):
            return [unknown_message("encrypted", "the encryption")]
        out = (
            []
            if flag is True
            else [f"`encrypted` is {flag!r}; encryption with a customer-managed key requires True"]
        )
        return out + ebs_key(graph, r, "kmsKeyId", r.input("kmsKeyId"), known, key_of)

    return judge


def table_key(inherits: bool) -> Callable[[KeyOf], Judge]:
    """S3 Tables: `encryptionConfiguration` aws:kms with a customer-managed key; absent, a table bucket
    is SSE-S3 (AES256) and a table takes its bucket's (judged there)."""

    def make(key_of: KeyOf) -> Judge:
        def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
            config = r.input("encryptionConfiguration")
            if is_unknown(config) or (config is not None and r.unknowns("encryptionConfiguration")):
                return [unknown_message("encryptionConfiguration", "the encryption key")]
            if config is None and inherits:
                return []
            algo = config.get("sseAlgorithm") if isinstance(config, dict) else None
            if algo != "aws:kms":
                return [
                    f"`encryptionConfiguration.sseAlgorithm` is {algo or 'not set (AES256)'!r}: S3 keys, not "
                    "a customer-managed KMS key"
                ]
            return key_of("encryptionConfiguration.kmsKeyArn", config.get("kmsKeyArn"), known)

        return judge

    return make


def key_checks(kms_key: Judge, bucket: Judge, key_of: KeyOf) -> dict[str, Judge]:
    return {
        "azure-native:keyvault:Key": key_vault_key,
        "aws:kms/externalKey:ExternalKey": imported_material,  # round 35
        REPLICA_KEY: replica_key(kms_key),
        "aws:s3/directoryBucket:DirectoryBucket": bucket,  # SSE through the bucket encryption resources
        "aws:s3tables/tableBucket:TableBucket": table_key(inherits=False)(key_of),
        "aws:s3tables/table:Table": table_key(inherits=True)(key_of),
        "aws:cloudtrail/eventDataStore:EventDataStore": lambda r, g, k: key_of(
            "kmsKeyId", r.input("kmsKeyId"), k
        ),
        "aws:kinesis/videoStream:VideoStream": lambda r, g, k: key_of("kmsKeyId", r.input("kmsKeyId"), k),
    }


def _aws_owned_only(what: str) -> Judge:
    return lambda r, g, k: [
        f"{what} encrypts with a key AWS owns and has no customer-managed-key setting, so it cannot hold "
        "data classified 'vertrouwelijk' or above: keep the data in a store that takes a customer-managed key"
    ]


# Stores that can never take a customer-managed key (round 15): judged here, not only by the closed world.
NO_CUSTOMER_KEY: dict[str, Judge] = {
    "aws:lightsail/database:Database": _aws_owned_only("a Lightsail database"),
    "aws:lightsail/instance:Instance": _aws_owned_only("a Lightsail instance (its system disk)"),
    "aws:lightsail/disk:Disk": _aws_owned_only("a Lightsail disk"),
    "aws:lightsail/bucket:Bucket": _aws_owned_only("a Lightsail bucket"),
    "aws:cognito/userPool:UserPool": _aws_owned_only("a Cognito user pool (its users' names, e-mail, phone)"),
}
