"""require-strong-ipsec-crypto's reading of recorded tunnels: every side of every link meets the suite.

A pure function over recorded resources (no Pulumi runtime): AWS VPN connections and Azure gateway
connections are read into comparable sides, each judged against the minimum of policies/data/ipsec.py and
against the other sides of its link. Values it cannot read (unknown at preview, missing, malformed) fail
closed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from policies.core.view import SECRET_SIG_KEY, UNKNOWN_VALUES
from policies.data.ipsec import (
    AEAD,
    AWS_VPN_CONNECTION,
    AZURE_CONNECTION,
    AZURE_DH_GROUP,
    AZURE_ENCRYPTION,
    AZURE_IKE_INTEGRITY,
    AZURE_IKE_VERSION,
    AZURE_IPSEC_INTEGRITY,
    AZURE_PFS_GROUP,
    MAX_PHASE1_LIFETIME,
    MAX_PHASE2_LIFETIME,
    MIN_DH_GROUPS,
    MIN_ENCRYPTION,
    MIN_IKE_VERSIONS,
    MIN_INTEGRITY,
    TUNNELS,
    IpsecCrypto,
    fmt,
)


@dataclass(frozen=True)
class Finding:
    """One problem with the link's crypto, naming the resource and the field."""

    urn: str
    type: str
    name: str
    field: str
    message: str


class _Unknown(Exception):
    """A value the check cannot judge (unknown during preview, missing, malformed): fail closed."""


def _attr(resource: Any, *names: str) -> Any:
    for n in names:
        if isinstance(resource, Mapping):
            if n in resource:
                return resource[n]
        elif hasattr(resource, n):
            return getattr(resource, n)
    return None


def _plain(value: Any) -> Any:
    """Unwrap recorded secrets; raise on preview unknowns."""
    if isinstance(value, Mapping) and SECRET_SIG_KEY in value:
        value = value.get("value")
    if isinstance(value, str) and value in UNKNOWN_VALUES:
        raise _Unknown("value unknown during preview")
    return value


def _get(inputs: Mapping[str, Any], key: str) -> Any:
    if key not in inputs or inputs[key] is None:
        raise _Unknown("not set, the provider default is not pinned")
    return _plain(inputs[key])


def _str_list(inputs: Mapping[str, Any], key: str) -> frozenset[str]:
    value = _get(inputs, key)
    if not isinstance(value, list) or not value:
        raise _Unknown(f"expected a non-empty list, got {value!r}")
    items = [_plain(v) for v in value]
    if not all(isinstance(v, str) for v in items):
        raise _Unknown(f"expected strings, got {items!r}")
    return frozenset(items)


def _whole(value: Any) -> int:
    value = _plain(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Unknown(f"expected a whole number, got {value!r}")
    if value != int(value):
        raise _Unknown(f"expected a whole number, got {value!r}")
    return int(value)


def _int_list(inputs: Mapping[str, Any], key: str) -> frozenset[int]:
    value = _get(inputs, key)
    if not isinstance(value, list) or not value:
        raise _Unknown(f"expected a non-empty list, got {value!r}")
    return frozenset(_whole(v) for v in value)


# canonical key -> (AWS input suffix after "tunnelN", reader)
_AWS_FIELDS = {
    "ike_versions": ("IkeVersions", _str_list),
    "phase1_encryption": ("Phase1EncryptionAlgorithms", _str_list),
    "phase1_integrity": ("Phase1IntegrityAlgorithms", _str_list),
    "phase1_dh_groups": ("Phase1DhGroupNumbers", _int_list),
    "phase2_encryption": ("Phase2EncryptionAlgorithms", _str_list),
    "phase2_integrity": ("Phase2IntegrityAlgorithms", _str_list),
    "pfs_groups": ("Phase2DhGroupNumbers", _int_list),
    "phase1_lifetime_seconds": ("Phase1LifetimeSeconds", lambda i, k: _whole(_get(i, k))),
    "phase2_lifetime_seconds": ("Phase2LifetimeSeconds", lambda i, k: _whole(_get(i, k))),
}

# canonical key -> (Azure ipsecPolicies field, vocabulary)
_AZURE_FIELDS = {
    "phase1_encryption": ("ikeEncryption", AZURE_ENCRYPTION),
    "phase1_integrity": ("ikeIntegrity", AZURE_IKE_INTEGRITY),
    "phase1_dh_groups": ("dhGroup", AZURE_DH_GROUP),
    "phase2_encryption": ("ipsecEncryption", AZURE_ENCRYPTION),
    "pfs_groups": ("pfsGroup", AZURE_PFS_GROUP),
}


class _Side:
    """One end's crypto as seen in one resource (an AWS tunnel or an Azure IPsec policy)."""

    def __init__(self, resource: Any, label: str) -> None:
        self.urn = str(_attr(resource, "urn") or "")
        self.type = str(_attr(resource, "type", "resource_type") or "")
        self.name = str(_attr(resource, "name") or (self.urn.split("::")[-1] if self.urn else "?"))
        self.label = label  # "tunnel1", "ipsecPolicies[0]"
        self.values: dict[str, Any] = {}
        self.fields: dict[str, str] = {}
        self.findings: list[Finding] = []

    def fail(self, field: str, message: str) -> None:
        self.findings.append(
            Finding(self.urn, self.type, self.name, field, f"{self.type} '{self.name}': {field}: {message}")
        )


def _aws_sides(resource: Any, inputs: Mapping[str, Any]) -> list[_Side]:
    sides = []
    for t in TUNNELS:
        side = _Side(resource, f"tunnel{t}")
        for key, (suffix, reader) in _AWS_FIELDS.items():
            field = f"tunnel{t}{suffix}"
            side.fields[key] = field
            try:
                value = reader(inputs, field)
            except _Unknown as exc:
                side.fail(field, f"{exc}; cannot verify, failing closed")
                continue
            if key in ("phase1_dh_groups", "pfs_groups"):
                value = frozenset(value)
            side.values[key] = value
        if "phase2_encryption" in side.values and "phase2_integrity" in side.values:
            # Integrity algorithms stay judged on their own; GCM makes them irrelevant for equality.
            side.values["phase2_integrity_listed"] = side.values["phase2_integrity"]
            if all("GCM" in e for e in side.values["phase2_encryption"]):
                side.values["phase2_integrity"] = frozenset({AEAD})
        sides.append(side)
    return sides


def _azure_sides(resource: Any, inputs: Mapping[str, Any]) -> list[_Side]:
    try:
        kind = _plain(inputs.get("connectionType"))
    except _Unknown:
        kind = None
    if kind not in (None, "IPsec"):
        return []  # Vnet2Vnet / ExpressRoute: not this link
    head = _Side(resource, "connection")
    try:
        protocol = _get(inputs, "connectionProtocol")
        if protocol not in AZURE_IKE_VERSION:
            raise _Unknown(f"unrecognised value {protocol!r}")
        ike = frozenset({AZURE_IKE_VERSION[protocol]})
    except _Unknown as exc:
        head.fail("connectionProtocol", f"{exc}; cannot verify, failing closed")
        return [head]
    try:
        policies = _plain(inputs.get("ipsecPolicies"))
        if not isinstance(policies, list) or not policies:
            raise _Unknown("no custom IPsec/IKE policy (the Azure default policy offers weaker algorithms)")
    except _Unknown as exc:
        head.fail("ipsecPolicies", f"{exc}; cannot verify, failing closed")
        return [head]
    sides = []
    for i, raw in enumerate(policies):
        side = _Side(resource, f"ipsecPolicies[{i}]")
        side.values["ike_versions"] = ike
        side.fields["ike_versions"] = "connectionProtocol"
        try:
            policy = _plain(raw)
            if not isinstance(policy, Mapping):
                raise _Unknown(f"expected an object, got {policy!r}")
        except _Unknown as exc:
            side.fail(f"ipsecPolicies[{i}]", f"{exc}; cannot verify, failing closed")
            sides.append(side)
            continue
        for key, (name, vocab) in _AZURE_FIELDS.items():
            field = f"ipsecPolicies[{i}].{name}"
            side.fields[key] = field
            try:
                value = _get(policy, name)
                if value not in vocab:
                    raise _Unknown(f"unrecognised value {value!r}")
                side.values[key] = frozenset({vocab[value]})
            except _Unknown as exc:
                side.fail(field, f"{exc}; cannot verify, failing closed")
        field = f"ipsecPolicies[{i}].ipsecIntegrity"
        side.fields["phase2_integrity"] = field
        try:
            integrity = _get(policy, "ipsecIntegrity")
            encryption = _get(policy, "ipsecEncryption")
            if isinstance(integrity, str) and integrity.startswith("GCM"):
                if integrity != encryption:
                    side.fail(field, f"{integrity} must equal ipsecEncryption ({encryption}) with GCM")
                side.values["phase2_integrity"] = frozenset({AEAD})
            elif integrity in AZURE_IPSEC_INTEGRITY:
                side.values["phase2_integrity"] = frozenset({AZURE_IPSEC_INTEGRITY[integrity]})
            else:
                raise _Unknown(f"unrecognised value {integrity!r}")
        except _Unknown as exc:
            side.fail(field, f"{exc}; cannot verify, failing closed")
        field = f"ipsecPolicies[{i}].saLifeTimeSeconds"
        side.fields["phase2_lifetime_seconds"] = field
        try:
            side.values["phase2_lifetime_seconds"] = _whole(_get(policy, "saLifeTimeSeconds"))
        except _Unknown as exc:
            side.fail(field, f"{exc}; cannot verify, failing closed")
        sides.append(side)
    if len(policies) > 1:
        head.fail("ipsecPolicies", f"{len(policies)} policies; exactly one is applied per connection")
        sides.append(head)
    return sides


_WHAT = {
    "ike_versions": "IKE version", "phase1_encryption": "phase 1 encryption",
    "phase1_integrity": "phase 1 integrity", "phase1_dh_groups": "phase 1 DH group",
    "phase2_encryption": "phase 2 encryption", "phase2_integrity": "phase 2 integrity",
    "pfs_groups": "PFS group", "phase2_lifetime_seconds": "phase 2 lifetime (s)",
}
_ALLOWED = {
    "ike_versions": MIN_IKE_VERSIONS, "phase1_encryption": MIN_ENCRYPTION, "phase1_integrity": MIN_INTEGRITY,
    "phase1_dh_groups": MIN_DH_GROUPS, "phase2_encryption": MIN_ENCRYPTION,
    "phase2_integrity": MIN_INTEGRITY | {AEAD}, "pfs_groups": MIN_DH_GROUPS,
}


def _check_minimum(side: _Side) -> None:
    for key, allowed in _ALLOWED.items():
        if key not in side.values:
            continue
        weak = side.values[key] - allowed
        if weak:
            side.fail(side.fields[key],
                      f"{_WHAT[key]} {fmt(weak)} is below the minimum (allowed: {fmt(allowed)})")
    listed = side.values.get("phase2_integrity_listed")
    if listed is not None and listed - MIN_INTEGRITY:
        side.fail(side.fields["phase2_integrity"],
                  f"phase 2 integrity {fmt(listed - MIN_INTEGRITY)} is below the minimum "
                  f"(allowed: {fmt(MIN_INTEGRITY)})")
    for key, limit in (("phase1_lifetime_seconds", MAX_PHASE1_LIFETIME),
                       ("phase2_lifetime_seconds", MAX_PHASE2_LIFETIME)):
        if key in side.values and side.values[key] > limit:
            side.fail(side.fields[key], f"lifetime {side.values[key]} s exceeds {limit} s")


_COMPARED = ("ike_versions", "phase1_encryption", "phase1_integrity", "phase1_dh_groups",
             "phase2_encryption", "phase2_integrity", "pfs_groups", "phase2_lifetime_seconds")


def _majority(sides: list[_Side], key: str) -> tuple[Any, _Side] | None:
    """The value most sides use for `key` (first seen wins a tie), with the first side using it."""
    counts: dict[Any, list[_Side]] = {}
    for side in sides:
        if key in side.values:
            counts.setdefault(side.values[key], []).append(side)
    if not counts:
        return None
    value, users = max(counts.items(), key=lambda kv: len(kv[1]))
    return value, users[0]


def check_ipsec_crypto(resources: Iterable[Any], reference: IpsecCrypto | None = None) -> list[Finding]:
    """Verify the AWS tunnel options and the Azure IPsec policies are equal and meet the minimum.

    `resources`: recorded resources — objects or dicts with `type` (or `resource_type`) and `inputs` (or
    `props`), optionally `urn` and `name`; other types are ignored. Unknown, missing or unrecognised values
    are findings (fail closed). Every tunnel and policy must meet the minimum and use the same values as
    the others (the majority value is taken as the link's; with `reference`, that definition instead).
    """
    sides: list[_Side] = []
    for resource in resources:
        rtype = _attr(resource, "type", "resource_type")
        inputs = _attr(resource, "inputs", "props")
        inputs = inputs if isinstance(inputs, Mapping) else {}
        if rtype == AWS_VPN_CONNECTION:
            sides.extend(_aws_sides(resource, inputs))
        elif rtype == AZURE_CONNECTION:
            sides.extend(_azure_sides(resource, inputs))
    expected = reference.canonical() if reference is not None else None
    for side in sides:
        _check_minimum(side)
    differing: set[tuple[int, str]] = set()
    for key in _COMPARED:
        if expected is not None:
            baseline, source = expected[key], "the link's crypto definition"
        else:
            found = _majority(sides, key)
            if found is None:
                continue
            baseline, first = found
            source = f"the other end(s), e.g. '{first.name}' {first.fields[key]}"
        for side in sides:
            if key == "phase2_integrity" and (id(side), "phase2_encryption") in differing:
                continue  # follows from the cipher already reported
            if key in side.values and side.values[key] != baseline:
                differing.add((id(side), key))
                side.fail(side.fields[key], f"{_WHAT.get(key, key)} {fmt(side.values[key])} differs from "
                                            f"{fmt(baseline)} used by {source}; both clouds must match")
    return [f for side in sides for f in side.findings]


