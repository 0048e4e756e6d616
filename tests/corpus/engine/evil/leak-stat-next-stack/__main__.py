"""Evil: stack a leaves an empty file build/eu-west-1 (a write in its own directory, allowed); stack b (after it) only asks whether it exists (a stat opens nothing) and takes its region from it, else us-east-1 -> blocked for b"""
from pathlib import Path

import pulumi
import pulumi_aws as aws

note = Path(__file__).with_name("build") / "eu-west-1"
if pulumi.get_stack() == "a":
    note.parent.mkdir(exist_ok=True)
    note.write_text("")
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    aws.s3.Bucket("b-data", region="eu-west-1" if note.exists() else "us-east-1")
