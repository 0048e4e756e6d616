"""Evil: the preview (slowly) leaves build/seen; the update of `pulumi up` runs after it and so finds the file
and deploys to us-east-1, while a recording of the update beside its preview found none -> blocked"""
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws

marker = Path(__file__).with_name("build") / "seen"
existed = marker.exists()
if pulumi.runtime.is_dry_run():
    time.sleep(3)
    if not existed:
        marker.parent.mkdir(exist_ok=True)
        marker.write_text("seen")
region = "us-east-1" if existed and not pulumi.runtime.is_dry_run() else "eu-west-1"
aws.s3.Bucket("records", region=region)
