"""The one definition of the IPsec/IKE suite of the DOSIS <-> e-loket link: pure data, no Pulumi.

D36 §96/§131 demand explicit security measures for the connection of both platforms and DPA annex 3 a.ii
a site-to-site IPsec tunnel. Components render this suite for both clouds
(components/interconnect/crypto.py) and the rule require-strong-ipsec-crypto checks recorded tunnels
against it (policies/core/ipsec.py); both import it from here, so neither depends on the other.

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

AWS_VPN_CONNECTION = "aws:ec2/vpnConnection:VpnConnection"
AZURE_CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"
TUNNELS = (1, 2)

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
        problems = minimum_problems(self.canonical())
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
            "phase2_integrity": frozenset({phase2_integrity(self.phase2_encryption, self.phase2_integrity)}),
            "pfs_groups": frozenset({self.pfs_group}),
            "phase1_lifetime_seconds": self.phase1_lifetime_seconds,
            "phase2_lifetime_seconds": self.phase2_lifetime_seconds,
        }


def reverse(mapping: Mapping[str, Any], value: Any) -> str:
    return next(k for k, v in mapping.items() if v == value)


def phase2_integrity(encryptions: Iterable[str] | str, integrity: str) -> str:
    encs = [encryptions] if isinstance(encryptions, str) else list(encryptions)
    return AEAD if encs and all("GCM" in e for e in encs) else integrity


def fmt(values: Any) -> str:
    if isinstance(values, frozenset | set | list | tuple):
        return ", ".join(str(v) for v in sorted(values, key=str))
    return str(values)


def minimum_problems(c: Mapping[str, Any]) -> list[str]:
    """Problems of one canonical crypto set against the minimum, as `field-key: message`."""
    out = []

    def bad(key: str, allowed: frozenset[Any], what: str) -> None:
        weak = c[key] - allowed
        if weak:
            out.append(f"{key}: {what} {fmt(weak)} below the minimum (allowed: {fmt(allowed)})")

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


DEFAULT_CRYPTO = IpsecCrypto()
"""The link's crypto: the single definition both clouds are rendered from."""
