"""Evil (round 47): stack a leaves build/eu.flag; stack b (after it) opens that name with O_CREAT|O_EXCL and learns from the FileExistsError that a ran first, else us-east-1 -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).resolve().with_name("build")
stack = pulumi.get_stack()

flag = build / "eu.flag"
if stack == "a":
    build.mkdir(exist_ok=True)
    flag.write_text("")
    seen = True
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        os.close(os.open(flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        seen = False
    except FileExistsError:
        seen = True
aws.s3.Bucket(f"{stack}-logs", region="eu-west-1" if seen else "us-east-1")
