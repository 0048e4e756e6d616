"""A record in a zone that exists already: the zone id comes from a data source (an invoke)."""

import pulumi
from pulumi_aws import route53

zone = route53.get_zone(name="example.com", private_zone=False)
# A CNAME to the site's regional S3 website endpoint: a destination the residency pack can place.
record = route53.Record("www", zone_id=zone.zone_id, name=f"www.{zone.name}", type="CNAME", ttl=300,
                        records=["www.example.com.s3-website-eu-west-1.amazonaws.com"])
pulumi.export("fqdn", record.fqdn)
