"""Private name resolution of DOSIS-UIT for the e-loket (D36 §96): a Route 53 private hosted zone
`privatelink.azurewebsites.net` associated with the portal VPC only.

`<app>.azurewebsites.net` resolves publicly to a CNAME `<app>.privatelink.azurewebsites.net`; inside the
portal VPC this zone answers that name with the app's private-endpoint address, reached over the IPsec
link. One record per DOSIS region, so the e-loket can use either region's name (failover: runbook).
The private endpoints have static addresses (config of dosis-prod), so no resolver forwarding is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common.tags import Tags
from policies.core.eea import PORTAL_REGION

ZONE = "privatelink.azurewebsites.net"
PUBLIC_SUFFIX = ".azurewebsites.net"


@dataclass
class PrivateLinkNamesArgs:
    vpc_id: pulumi.Input[str]
    """Portal VPC the zone is associated with (private zones answer only there)."""
    records: list[tuple[pulumi.Input[str], pulumi.Input[str]]]
    """(app host name `<app>.azurewebsites.net`, private endpoint address) per DOSIS region."""
    tags: Tags
    """Mandatory tags."""
    ttl: int = 60
    """Record TTL in seconds (short: a failover changes which name the e-loket uses, not the records)."""


def private_name(host: str) -> str:
    """`<app>.azurewebsites.net` -> `<app>.privatelink.azurewebsites.net` (refuses other names)."""
    if not isinstance(host, str) or not host.endswith(PUBLIC_SUFFIX) or host.count(".") != 2:
        raise ValueError(f"not an App Service default host name: {host!r}")
    return host.removesuffix(PUBLIC_SUFFIX) + "." + ZONE


class PrivateLinkNames(pulumi.ComponentResource):
    """The private zone and one A record per DOSIS-UIT endpoint."""

    def __init__(self, name: str, args: PrivateLinkNamesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:interconnect:PrivateLinkNames", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.zone = aws.route53.Zone(
            name,
            name=ZONE,
            comment="DOSIS private endpoints reached over the IPsec link (D36 §96)",
            vpcs=[{"vpc_id": args.vpc_id, "vpc_region": PORTAL_REGION}],
            force_destroy=False,
            tags=args.tags.as_dict(),
            opts=child,
        )
        for i, (host, ip) in enumerate(args.records):
            aws.route53.Record(
                f"{name}-{i}",
                zone_id=self.zone.zone_id,
                name=pulumi.Output.from_input(host).apply(private_name),
                type="A",
                ttl=args.ttl,
                records=[ip],
                opts=child,
            )
        self.register_outputs({"zoneId": self.zone.zone_id})
