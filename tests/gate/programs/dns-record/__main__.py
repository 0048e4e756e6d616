"""A record in a zone that exists already: the zone id comes from a data source (an invoke)."""

import pulumi
from pulumi_aws import route53

zone = route53.get_zone(name="example.com", private_zone=False)
# An SPF record saying the name sends no mail: no destination for the residency pack to place (a CNAME
# to a bucket's website host would need that bucket in the stack or declared: whose it is cannot be told).
record = route53.Record("www", zone_id=zone.zone_id, name=f"www.{zone.name}", type="TXT", ttl=300,
                        records=["v=spf1 -all"])
pulumi.export("fqdn", record.fqdn)
