"""The cross-cloud IPsec link between DOSIS (Azure) and the e-loket (AWS); see link.py and crypto.py."""

from components.interconnect.crypto import DEFAULT_CRYPTO, IpsecCrypto
from components.interconnect.link import AwsEnd, AzureEnd, CrossCloudVpnLink, CrossCloudVpnLinkArgs

__all__ = [
    "DEFAULT_CRYPTO",
    "AwsEnd",
    "AzureEnd",
    "CrossCloudVpnLink",
    "CrossCloudVpnLinkArgs",
    "IpsecCrypto",
]
