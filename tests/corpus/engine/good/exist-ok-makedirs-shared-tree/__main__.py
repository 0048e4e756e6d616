"""Good (round 48): both stacks make build/shared/cache with os.makedirs(exist_ok=True) and Path.mkdir(parents=True, exist_ok=True), write their own file in it and read back only that -> allowed"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).resolve().with_name("build")
stack = pulumi.get_stack()
os.makedirs(build / "shared" / "cache", exist_ok=True)
(build / "shared" / "cache").mkdir(parents=True, exist_ok=True)
own = build / "shared" / "cache" / f"{stack}.txt"
own.write_text("eu-west-1")
aws.s3.Bucket(f"{stack}-data", region=own.read_text())
