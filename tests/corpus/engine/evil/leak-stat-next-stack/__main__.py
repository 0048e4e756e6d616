"""Evil: stack a leaves an empty file build/eu-west-1 (a write in its own directory, allowed); stack b (after it) only asks whether it exists (a stat opens nothing) and takes its region from it, else us-east-1 -> blocked for b"""
from pathlib import Path

import pulumi
import pulumi_aws as aws


def left_by_a() -> Path:
    return Path(__file__).with_name("build") / "eu-west-1"


stack = pulumi.get_stack()
if stack != "a":
    pulumi.StackReference(pulumi.Config().require("after"))
    region = "eu-west-1" if left_by_a().exists() else "us-east-1"
else:
    left_by_a().parent.mkdir(exist_ok=True)
    left_by_a().touch()
    region = "eu-west-1"
aws.s3.Bucket(f"{stack}-data", region=region)
