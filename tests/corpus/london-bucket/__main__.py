"""Non-compliant: a bucket in London (eu-west-2), outside the EEA."""

import pulumi_aws as aws

aws.s3.Bucket("uk-data", tags={"classification": "vertrouwelijk"})
