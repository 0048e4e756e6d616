"""Names in a private DNS zone (round 48): `db.dosis.internal` carries no region, and a Resolver rule, a
peered VPC or another account's zone answers it with any address. Such a name is placed only as a record of a
private zone of the stack (a Route 53 hosted zone's record, an Azure private DNS zone's record set), whose
own values (an address, a CNAME target) are judged as that record's inputs.
"""

from __future__ import annotations

from policies.core.host_classes import PRIVATE_NAMES, PRIVATE_SUFFIXES, ec2_private_region
from policies.core.view import ResourceView, StackGraph

R53_ZONE = "aws:route53/zone:Zone"
R53_RECORD = "aws:route53/record:Record"
AZURE_ZONE = "azure-native:privatedns:PrivateZone"
AZURE_RECORD = "azure-native:privatedns:PrivateRecordSet"
# Suffixes that name nothing to resolve (the loopback, a reserved invalid name): no zone can hold them.
_NOWHERE = (".localhost", ".invalid")
_KEY_STORE = "aws:kms/customKeyStore:CustomKeyStore"
_GATEWAY_CONNECTION = "azure-native:web:Connection"


def zone_name(host: str) -> bool:
    """A name only a private DNS zone answers (not the loopback, nor an EC2 name placed by its region)."""
    h = host.lower().rstrip(".")
    return (h.endswith(PRIVATE_SUFFIXES) and not h.endswith(_NOWHERE) and h not in PRIVATE_NAMES
            and ec2_private_region(h) is None)


def _name(record: str, zone: str) -> str:
    record, zone = record.lower().rstrip("."), zone.lower().rstrip(".")
    return record if record in (zone, "@") or record.endswith(f".{zone}") else f"{record}.{zone}"


def zone_records(graph: StackGraph) -> dict[str, ResourceView]:
    """The full names of the records of the stack's private zones, by the zone each is written to (its
    `zoneId` computed from, or equal to, a zone of the stack; an Azure zone of the stack by name)."""
    out: dict[str, ResourceView] = {}
    zones = {z.input("zoneId"): z for z in graph.by_type(R53_ZONE)}
    for r in graph.by_type(R53_RECORD):
        deps = [z for z in graph.dependency_of(r, "zoneId") if z.type == R53_ZONE]
        zone = deps[0] if deps else zones.get(r.input("zoneId"))
        n, z = r.input("name"), zone.input("name") if zone is not None else None
        if isinstance(n, str) and isinstance(z, str):
            out.setdefault(_name(n, z), r)
    azure = {str(z.input("privateZoneName") or "").lower() for z in graph.by_type(AZURE_ZONE)}
    for r in graph.by_type(AZURE_RECORD):
        zone, rel = r.input("privateZoneName"), r.input("relativeRecordSetName")
        if isinstance(zone, str) and isinstance(rel, str) and zone.lower() in azure:
            out.setdefault(_name(rel, zone) if rel != "@" else zone.lower(), r)
    return out


def placed_otherwise(view: ResourceView, path: str) -> bool:
    """A private name that is no destination of its own: a Resolver rule's forwarded domain (its targets are
    judged), an External Key Store's proxy URI behind a VPC endpoint service (that service's private DNS
    name, placed by the service name), a Logic Apps connection's server behind an on-premises data gateway
    (placed by the gateway, round 45)."""
    if view.type == "aws:route53/resolverRule:ResolverRule":
        return path == "domainName"
    if view.type == _KEY_STORE:
        return path == "xksProxyUriEndpoint" and view.input("xksProxyConnectivity") == "VPC_ENDPOINT_SERVICE"
    return view.type == _GATEWAY_CONNECTION and view.get("properties.parameterValues.gateway") is not None


def zone_problem(path: str, host: str) -> str:
    return (f"`{path}` names {host}, a name in a private DNS zone that carries no region (a Resolver rule, "
            "a peered VPC or another account's zone answers it with any address), so where it is cannot be "
            "judged; make it a record of a private zone of the stack (a Route 53 hosted zone's "
            "`aws.route53.Record`, an Azure private DNS zone's `PrivateRecordSet`) or declare the host with "
            "its region in stacks/records/endpoints.yaml")
