"""Evil: reads its environment from /proc/self/environ, past os.environ (the deploy runner sets DEPLOY_REGION=us-east-1) -> exit 2 naming the read"""
from pathlib import Path

import pulumi_aws as aws

raw = Path("/proc/self/environ").read_bytes().split(b"\0")
env = dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)
aws.s3.Bucket("data", region=env.get("DEPLOY_REGION", "eu-west-1"))
