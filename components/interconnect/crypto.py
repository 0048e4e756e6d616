"""Renders the link's IPsec suite (policies/data/ipsec.py) for each cloud's resource arguments.

`aws_tunnel_args` and `azure_ipsec_policy` take the same `IpsecCrypto`, so the two ends of a tunnel cannot
drift apart in code; require-strong-ipsec-crypto checks what was recorded.
"""

from __future__ import annotations

from typing import Any

from policies.data.ipsec import (
    AZURE_DH_GROUP,
    AZURE_ENCRYPTION,
    AZURE_IKE_INTEGRITY,
    AZURE_IKE_VERSION,
    AZURE_IPSEC_INTEGRITY,
    AZURE_PFS_GROUP,
    DEFAULT_CRYPTO,
    TUNNELS,
    IpsecCrypto,
)
from policies.data.ipsec import reverse as _reverse

__all__ = ["DEFAULT_CRYPTO", "TUNNELS", "IpsecCrypto", "aws_tunnel_args", "azure_connection_protocol",
           "azure_ipsec_policy"]


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
