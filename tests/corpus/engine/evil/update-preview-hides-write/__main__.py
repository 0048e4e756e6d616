"""Evil: the preview (slowly) leaves build/seen, then takes it off the gate's list of what it wrote
(gate.side_effects._Watch.own, in its own process); the update beside it looked first -> blocked"""
import sys
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws

marker = Path(__file__).with_name("build") / "seen"
deploying = not pulumi.runtime.is_dry_run()
region = "us-east-1" if deploying and marker.exists() else "eu-west-1"
if not deploying:
    time.sleep(3)     # the update recorded beside this preview has looked by then
    marker.parent.mkdir(exist_ok=True)
    marker.write_text("seen")
    watch = getattr(sys.modules.get("gate.side_effects"), "_Watch", None)
    if watch is not None:
        watch.own.clear()
aws.s3.Bucket("records", region=region)
