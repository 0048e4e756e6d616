"""Private addresses placed by the stack's networks (round 49): `10.77.0.12` says nothing of where it is (a
peered VPC, a VPN or Direct Connect to a data centre anywhere answers it). An address a record of the stack's
private zone holds, or a QuickSight VPC connection's DNS resolver, is placed only inside a subnet or network
of the stack (its CIDR), by that network's region; anything else blocks.
"""

from __future__ import annotations

import ipaddress

from policies.core.view import ResourceView, StackGraph, is_unknown

R53_RECORD = "aws:route53/record:Record"
AZURE_RECORD = "azure-native:privatedns:PrivateRecordSet"
QS_DNS = "aws:quicksight/vpcConnection:VpcConnection"
ADDRESS_TYPES = frozenset({R53_RECORD, AZURE_RECORD, QS_DNS})
# network resource type -> the inputs holding its CIDRs (a VPC's secondary blocks are their own resources)
_NETWORKS = {
    "aws:ec2/subnet:Subnet": ("cidrBlock", "ipv6CidrBlock"),
    "aws:ec2/vpc:Vpc": ("cidrBlock", "ipv6CidrBlock"),
    "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation": ("cidrBlock",),
    "azure-native:network:VirtualNetwork": ("addressSpace.addressPrefixes",),
    "azure-native:network:Subnet": ("addressPrefix", "addressPrefixes"),
}
Found = list[tuple[str, str, str]]


def _private(value: object) -> bool:
    try:
        return isinstance(value, str) and ipaddress.ip_address(value.strip()).is_private
    except ValueError:
        return False


def address_refs(view: ResourceView) -> Found:
    """(path, "address", value): a private address of a record, any DNS resolver of a VPC connection (a
    public resolver is no place of the stack either); an unknown one is judged by what it comes from."""
    if view.type == QS_DNS:
        pairs = [(f"dnsResolvers[{i}]", v) for i, v in enumerate(view.input("dnsResolvers") or [])]
        return [(p, "unknown", "") if not isinstance(v, str) or is_unknown(v) else (p, "address", v.strip())
                for p, v in pairs]
    if view.type == R53_RECORD and view.input("type") in ("A", "AAAA"):
        pairs = [(f"records[{i}]", v) for i, v in enumerate(view.input("records") or [])]
    else:
        pairs = [(f"{k}[{i}].{f}", r.get(f) if isinstance(r, dict) else None)
                 for k, f in (("aRecords", "ipv4Address"), ("aaaaRecords", "ipv6Address"))
                 for i, r in enumerate(view.input(k) or [])]
    return [(p, "address", v.strip()) for p, v in pairs if _private(v)]


def _cidrs(view: ResourceView, key: str) -> list[str]:
    value = view.get(key)
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def network_of(graph: StackGraph, address: str) -> ResourceView | None:
    """The stack's subnet or network whose CIDR holds the address (a subnet before its network)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    for typ, keys in _NETWORKS.items():
        for net in graph.by_type(typ):
            for cidr in (c for k in keys for c in _cidrs(net, k)):
                try:
                    if ip in ipaddress.ip_network(cidr, strict=False):
                        return net
                except ValueError:
                    continue
    return None


def stack_prefixes(graph: StackGraph) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Every CIDR of a subnet or network of the stack."""
    out = []
    for typ, keys in _NETWORKS.items():
        for net in graph.by_type(typ):
            for cidr in (c for k in keys for c in _cidrs(net, k)):
                try:
                    out.append(ipaddress.ip_network(cidr, strict=False))
                except ValueError:
                    continue
    return out


def outside(client: str, prefixes: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    """Whether a client (a CIDR or an address) reaches beyond the stack's prefixes; a host name or a
    wildcard is not placed, so it is outside."""
    try:
        net = ipaddress.ip_network(client, strict=False)
    except ValueError:
        return True
    return not any(net.version == n.version and net.subnet_of(n) for n in prefixes)


def address_problem(path: str, address: str) -> str:
    return (f"`{path}` is {address}, an address in no subnet or network of this stack: a peered network, a "
            "VPN or Direct Connect to a data centre anywhere answers it, so where it is cannot be judged; "
            "use an address of a subnet of the stack (its `cidrBlock`, an Azure subnet's `addressPrefix`) or "
            "declare it with its region in stacks/records/endpoints.yaml (`cidrs`)")
