"""Evil: stack a leaves an empty file named after its region in build/leak/ (a write in its own directory,
allowed); stack b (after it) lists build/leak/ (a listing opens no file) and takes its region from the name
it finds, else us-east-1 (a deploy runner's fresh checkout has no such file) -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

leak = Path(__file__).with_name("build") / "leak"
if pulumi.get_stack() == "a":
    leak.mkdir(parents=True, exist_ok=True)
    (leak / "eu-west-1").write_text("")
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    names = os.listdir(leak) if leak.is_dir() else []
    aws.s3.Bucket("b-data", region=names[0] if names else "us-east-1")
