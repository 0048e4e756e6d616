"""Evil: the preview (slowly) leaves build/seen, then takes it off the gate's list of what it wrote
(gate.side_effects._Watch.own, in its own process); the update beside it looked first -> blocked"""
import sys
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
        watch = getattr(sys.modules.get("gate.side_effects"), "_Watch", None)
        if watch is not None:
            watch.own.clear()
region = "us-east-1" if existed and not pulumi.runtime.is_dry_run() else "eu-west-1"
aws.s3.Bucket("records", region=region)
