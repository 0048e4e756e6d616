"""Evil: previews in eu-west-1; when deployed reads its region from a JSON variable the gate cannot have (update-not-recorded)."""
import json
import os

import pulumi
import pulumi_aws as aws

if pulumi.runtime.is_dry_run():
    region = "eu-west-1"
else:
    region = json.loads(os.environ.get("DEPLOY_SETTINGS", '{"region": "eu-west-1"}'))["region"]
aws.s3.Bucket("records", region=region)
