"""Entry point: one static site from ./www."""

import pulumi
from website import StaticSite

site = StaticSite("site", "www")
pulumi.export("bucket_name", site.bucket.id)
pulumi.export("website_url", site.endpoint)
