"""The one definition of the IPsec/IKE parameters of the DOSIS <-> e-loket link, and its check.

D36 §96/§131 demand explicit security measures for the connection of both platforms and DPA annex 3 a.ii
a site-to-site IPsec tunnel. Both clouds get their tunnel settings from `IpsecCrypto` below, rendered by
`aws_tunnel_args` and `azure_ipsec_policy`, so the two ends cannot drift apart in code. `check_ipsec_crypto`
verifies the same thing on what was actually recorded (a pure function: no Pulumi runtime needed, so the
policy pack can wrap it as a rule).

Choice of the strongest set both clouds support (pulumi-aws 7.51 / azure-native 3.29 enums):
- IKEv2 only.
- Phase 1: AES256-GCM-16 <-> Azure ike GCMAES256, PRF/integrity SHA2-384 <-> SHA384.
- DH group 20 (ECP-384) <-> Azure ECP384. Group 21 (ECP-521) has no Azure equivalent; group 24 is a
  2048-bit MODP group, weaker than 20, so 20 is the strongest common group.
- Phase 2: AES256-GCM-16 <-> Azure ipsec GCMAES256 (integrity is part of GCM: Azure GCMAES256); PFS group 20
  <-> Azure pfs ECP384.
- Lifetimes: phase 1 28,800 s (Azure's fixed IKE SA lifetime, AWS maximum), phase 2 3,600 s (AWS maximum,
  Azure configurable).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import proxy as _proxy

AWS_VPN_CONNECTION = "aws:ec2/vpnConnection:VpnConnection"
AZURE_CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"
TUNNELS = (1, 2)

# Preview placeholders for values not known yet: pulumi_policy's sentinels, one per value kind.
UNKNOWN_VALUES = frozenset(
    getattr(_proxy, name) for name in dir(_proxy) if name.startswith("UNKNOWN_") and name.endswith("_VALUE")
)
_SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"

# --- vocabulary: AWS names are the canonical names; Azure enum values map onto them ----------------------
AZURE_ENCRYPTION = {
    "GCMAES256": "AES256-GCM-16", "GCMAES192": "AES192-GCM-16", "GCMAES128": "AES128-GCM-16",
    "AES256": "AES256", "AES192": "AES192", "AES128": "AES128", "DES3": "3DES", "DES": "DES", "None": "NONE",
}
AZURE_IKE_INTEGRITY = {"SHA384": "SHA2-384", "SHA256": "SHA2-256", "SHA1": "SHA1", "MD5": "MD5"}
AZURE_IPSEC_INTEGRITY = {"SHA256": "SHA2-256", "SHA1": "SHA1", "MD5": "MD5"}
AZURE_DH_GROUP = {
    "ECP384": 20, "ECP256": 19, "DHGroup24": 24, "DHGroup2048": 14, "DHGroup14": 14,
    "DHGroup2": 2, "DHGroup1": 1, "None": 0,
}
AZURE_PFS_GROUP = {
    "ECP384": 20, "ECP256": 19, "PFS24": 24, "PFS2048": 14, "PFS14": 14, "PFS2": 2, "PFS1": 1, "None": 0,
}
AZURE_IKE_VERSION = {"IKEv2": "ikev2", "IKEv1": "ikev1"}
AEAD = "AEAD"  # phase 2 integrity provided by a GCM cipher

# --- the minimum the link must meet ---------------------------------------------------------------------
MIN_IKE_VERSIONS = frozenset({"ikev2"})
MIN_ENCRYPTION = frozenset({"AES256-GCM-16", "AES256"})
MIN_INTEGRITY = frozenset({"SHA2-256", "SHA2-384", "SHA2-512"})
MIN_DH_GROUPS = frozenset({20, 21, 24})
MAX_PHASE1_LIFETIME = 28800
MAX_PHASE2_LIFETIME = 3600


@dataclass(frozen=True)
class IpsecCrypto:
    """IPsec/IKE parameters in AWS vocabulary; rendered for both clouds from the same values."""

    ike_version: str = "ikev2"
    """IKE protocol version; IKEv2 only (IKEv1 aggressive/main mode weaknesses)."""
    phase1_encryption: str = "AES256-GCM-16"
    """IKE SA cipher."""
    phase1_integrity: str = "SHA2-384"
    """IKE SA integrity / PRF."""
    phase1_dh_group: int = 20
    """IKE SA Diffie-Hellman group (20 = ECP-384)."""
    phase2_encryption: str = "AES256-GCM-16"
    """Child SA (ESP) cipher."""
    phase2_integrity: str = "SHA2-384"
    """Child SA integrity for AWS; with a GCM cipher the integrity comes from GCM (Azure: GCMAES256)."""
    pfs_group: int = 20
    """Perfect-forward-secrecy group for phase 2 rekeys (20 = ECP-384)."""
    phase1_lifetime_seconds: int = 28800
    """IKE SA lifetime; Azure fixes it at 28,800 s, AWS allows 900..28,800."""
    phase2_lifetime_seconds: int = 3600
    """Child SA lifetime; AWS allows 900..3,600."""
    sa_data_size_kilobytes: int = 102400000
    """Azure child SA volume lifetime (AWS has no volume lifetime)."""
    dpd_timeout_seconds: int = 45
    """Dead-peer-detection timeout, same on both ends (AWS >= 30, Azure 9..3600)."""
    dpd_timeout_action: str = "restart"
    """AWS: restart IKE after a DPD timeout so the tunnel comes back without a human."""
    startup_action: str = "start"
    """AWS initiates IKE, so the tunnel does not wait for Azure to start it."""

    def __post_init__(self) -> None:
        problems = _minimum_problems(self.canonical())
        if problems:
            raise ValueError("IpsecCrypto below the minimum: " + "; ".join(problems))
        if self.phase1_encryption not in AZURE_ENCRYPTION.values():
            raise ValueError(f"phase1_encryption {self.phase1_encryption!r} has no Azure equivalent")
        if self.phase1_dh_group not in AZURE_DH_GROUP.values() or (
            self.pfs_group not in AZURE_PFS_GROUP.values()
        ):
            raise ValueError("DH/PFS group has no Azure equivalent (Azure: 2, 14, 19, 20, 24)")

    def canonical(self) -> dict[str, Any]:
        """The comparable form used by `check_ipsec_crypto`."""
        return {
            "ike_versions": frozenset({self.ike_version}),
            "phase1_encryption": frozenset({self.phase1_encryption}),
            "phase1_integrity": frozenset({self.phase1_integrity}),
            "phase1_dh_groups": frozenset({self.phase1_dh_group}),
            "phase2_encryption": frozenset({self.phase2_encryption}),
            "phase2_integrity": frozenset({_phase2_integrity(self.phase2_encryption, self.phase2_integrity)}),
            "pfs_groups": frozenset({self.pfs_group}),
            "phase1_lifetime_seconds": self.phase1_lifetime_seconds,
            "phase2_lifetime_seconds": self.phase2_lifetime_seconds,
        }


def _reverse(mapping: Mapping[str, Any], value: Any) -> str:
    return next(k for k, v in mapping.items() if v == value)


def aws_tunnel_args(crypto: IpsecCrypto, tunnel: int) -> dict[str, Any]:
    """`aws.ec2.VpnConnection` keyword arguments pinning tunnel `tunnel` (1 or 2) to `crypto`."""
    p = f"tunnel{tunnel}_"
    return {
        f"{p}ike_versions": [crypto.ike_version],
        f"{p}phase1_encryption_algorithms": [crypto.phase1_encryption],
        f"{p}phase1_integrity_algorithms": [crypto.phase1_integrity],
        f"{p}phase1_dh_group_numbers": [crypto.phase1_dh_group],
        f"{p}phase1_lifetime_seconds": crypto.phase1_lifetime_seconds,
        f"{p}phase2_encryption_algorithms": [crypto.phase2_encryption],
        f"{p}phase2_integrity_algorithms": [crypto.phase2_integrity],
        f"{p}phase2_dh_group_numbers": [crypto.pfs_group],
        f"{p}phase2_lifetime_seconds": crypto.phase2_lifetime_seconds,
        f"{p}dpd_timeout_seconds": crypto.dpd_timeout_seconds,
        f"{p}dpd_timeout_action": crypto.dpd_timeout_action,
        f"{p}startup_action": crypto.startup_action,
    }


def azure_ipsec_policy(crypto: IpsecCrypto) -> dict[str, Any]:
    """The `ipsec_policies` entry (snake_case args of azure-native IpsecPolicyArgs) matching `crypto`."""
    p2_enc = _reverse(AZURE_ENCRYPTION, crypto.phase2_encryption)
    p2_integrity = (
        p2_enc if p2_enc.startswith("GCM") else _reverse(AZURE_IPSEC_INTEGRITY, crypto.phase2_integrity)
    )
    return {
        "ike_encryption": _reverse(AZURE_ENCRYPTION, crypto.phase1_encryption),
        "ike_integrity": _reverse(AZURE_IKE_INTEGRITY, crypto.phase1_integrity),
        "dh_group": _reverse(AZURE_DH_GROUP, crypto.phase1_dh_group),
        "ipsec_encryption": p2_enc,
        "ipsec_integrity": p2_integrity,
        "pfs_group": _reverse(AZURE_PFS_GROUP, crypto.pfs_group),
        "sa_life_time_seconds": crypto.phase2_lifetime_seconds,
        "sa_data_size_kilobytes": crypto.sa_data_size_kilobytes,
    }


def azure_connection_protocol(crypto: IpsecCrypto) -> str:
    """Azure `connection_protocol` value for `crypto.ike_version`."""
    return _reverse(AZURE_IKE_VERSION, crypto.ike_version)


# --- the check --------------------------------------------------------------------------------------------
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


def _phase2_integrity(encryptions: Iterable[str] | str, integrity: str) -> str:
    encs = [encryptions] if isinstance(encryptions, str) else list(encryptions)
    return AEAD if encs and all("GCM" in e for e in encs) else integrity


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
    if isinstance(value, Mapping) and _SECRET_SIG_KEY in value:
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


def _fmt(values: Any) -> str:
    if isinstance(values, frozenset | set | list | tuple):
        return ", ".join(str(v) for v in sorted(values, key=str))
    return str(values)


def _minimum_problems(c: Mapping[str, Any]) -> list[str]:
    """Problems of one canonical crypto set against the minimum, as `field-key: message`."""
    out = []

    def bad(key: str, allowed: frozenset[Any], what: str) -> None:
        weak = c[key] - allowed
        if weak:
            out.append(f"{key}: {what} {_fmt(weak)} below the minimum (allowed: {_fmt(allowed)})")

    bad("ike_versions", MIN_IKE_VERSIONS, "IKE version")
    bad("phase1_encryption", MIN_ENCRYPTION, "phase 1 encryption")
    bad("phase1_integrity", MIN_INTEGRITY, "phase 1 integrity")
    bad("phase1_dh_groups", MIN_DH_GROUPS, "phase 1 DH group")
    bad("phase2_encryption", MIN_ENCRYPTION, "phase 2 encryption")
    bad("phase2_integrity", MIN_INTEGRITY | {AEAD}, "phase 2 integrity")
    bad("pfs_groups", MIN_DH_GROUPS, "PFS group")
    if c["phase1_lifetime_seconds"] > MAX_PHASE1_LIFETIME:
        out.append(f"phase1_lifetime_seconds: {c['phase1_lifetime_seconds']} s above {MAX_PHASE1_LIFETIME} s")
    if c["phase2_lifetime_seconds"] > MAX_PHASE2_LIFETIME:
        out.append(f"phase2_lifetime_seconds: {c['phase2_lifetime_seconds']} s above {MAX_PHASE2_LIFETIME} s")
    return out


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
                      f"{_WHAT[key]} {_fmt(weak)} is below the minimum (allowed: {_fmt(allowed)})")
    listed = side.values.get("phase2_integrity_listed")
    if listed is not None and listed - MIN_INTEGRITY:
        side.fail(side.fields["phase2_integrity"],
                  f"phase 2 integrity {_fmt(listed - MIN_INTEGRITY)} is below the minimum "
                  f"(allowed: {_fmt(MIN_INTEGRITY)})")
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
                side.fail(side.fields[key], f"{_WHAT.get(key, key)} {_fmt(side.values[key])} differs from "
                                            f"{_fmt(baseline)} used by {source}; both clouds must match")
    return [f for side in sides for f in side.findings]


DEFAULT_CRYPTO = IpsecCrypto()
"""The link's crypto: the single definition both clouds are rendered from."""
