"""A record in a zone that exists already: the zone id comes from a data source (an invoke)."""

import pulumi
from pulumi_aws import route53

zone = route53.get_zone(name="example.com", private_zone=False)
record = route53.Record("www", zone_id=zone.zone_id, name=f"www.{zone.name}", type="A", ttl=300,
                        records=["192.0.2.10"])
pulumi.export("fqdn", record.fqdn)
