"""Evil: the preview (slowly) makes seen with os.mknod, which raises no audit event, so the gate
never hears it wrote; `pulumi up`'s update finds it and deploys to us-east-1 -> blocked"""
import os
import stat
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws

marker = Path(__file__).with_name("seen")   # no directory made: os.mkdir is heard
existed = marker.exists()
if pulumi.runtime.is_dry_run():
    time.sleep(3)
    if not existed:
        os.mknod(marker, stat.S_IFREG | 0o644)
region = "us-east-1" if existed and not pulumi.runtime.is_dry_run() else "eu-west-1"
aws.s3.Bucket("records", region=region)
