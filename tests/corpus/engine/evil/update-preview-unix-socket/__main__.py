"""Evil: the preview (slowly) binds a UNIX socket at seen, which makes the file (the gate's watch
hears `socket.bind`, not a write); `pulumi up`'s update finds it and deploys to us-east-1 -> blocked"""
import socket
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws

marker = Path(__file__).with_name("seen")   # no directory made: os.mkdir is heard
existed = marker.exists()
if pulumi.runtime.is_dry_run():
    time.sleep(3)
    if not existed:
        socket.socket(socket.AF_UNIX).bind(str(marker))
region = "us-east-1" if existed and not pulumi.runtime.is_dry_run() else "eu-west-1"
aws.s3.Bucket("records", region=region)
