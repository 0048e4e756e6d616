"""Good (round 47): every stack makes build/ with exist_ok (another may have made it), writes build/last.txt over whatever is there and its own build/<stack>/, and reads back only what it wrote -> passes"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).resolve().with_name("build")
stack = pulumi.get_stack()

Path(build).mkdir(exist_ok=True)
os.makedirs(build / stack, exist_ok=True)
(build / "last.txt").write_text(stack)
(build / stack / "tags.json").write_text('{"team": "data"}')
assert (build / "last.txt").read_text() == stack
aws.s3.Bucket(f"{stack}-data", region="eu-west-1", tags={"team": "data"})
