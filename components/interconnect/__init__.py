"""The cross-cloud IPsec link between DOSIS (Azure) and the e-loket (AWS); see link.py and crypto.py."""

from components.interconnect.crypto import DEFAULT_CRYPTO, IpsecCrypto
from components.interconnect.link import CrossCloudVpnLink
from components.interconnect.link_args import AwsEnd, AzureEnd, CrossCloudVpnLinkArgs

__all__ = [
    "DEFAULT_CRYPTO",
    "AwsEnd",
    "AzureEnd",
    "CrossCloudVpnLink",
    "CrossCloudVpnLinkArgs",
    "IpsecCrypto",
]
