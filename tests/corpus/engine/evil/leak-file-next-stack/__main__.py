"""Evil: stack a writes build/last-region.txt; stack b (after a) takes its region from it, else us-east-1 (a deploy runner's fresh checkout has no such file) -> blocked for b"""
from pathlib import Path

import pulumi
import pulumi_aws as aws

note = Path(__file__).with_name("build") / "last-region.txt"
if pulumi.get_stack() == "a":
    note.parent.mkdir(exist_ok=True)
    note.write_text("eu-west-1")
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    aws.s3.Bucket("b-data", region=note.read_text() if note.exists() else "us-east-1")
