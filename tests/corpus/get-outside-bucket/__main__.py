"""Non-compliant: the trail logs to a partner's existing bucket, read with `.get()` (it is in us-east-1).

The default provider is in eu-west-1 and the program even passes `region="eu-west-1"` as a hint; only a
real read would say where the bucket is, so offline it cannot be placed: blocked unless declared as an
endpoint with its region (stacks/records/endpoints.yaml).
"""

import pulumi_aws as aws

partner = aws.s3.Bucket.get("partner", "partner-us-audit", bucket="partner-us-audit", region="eu-west-1")
aws.cloudtrail.Trail("trail", name="org", s3_bucket_name=partner.id, is_multi_region_trail=True)
