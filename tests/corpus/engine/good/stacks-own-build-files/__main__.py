"""Good: two stacks (b after a) each write and read back their own build/<stack>.json"""
import json
from pathlib import Path

import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "b":
    pulumi.StackReference(pulumi.Config().require("after"))
own = Path(__file__).with_name("build") / f"{pulumi.get_stack()}.json"
own.parent.mkdir(exist_ok=True)
own.write_text(json.dumps({"stack": pulumi.get_stack()}))
aws.s3.Bucket(f"{pulumi.get_stack()}-data", region="eu-west-1", tags=json.loads(own.read_text()))
