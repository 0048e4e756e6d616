"""Evil: runtime.options.toolchain poetry: the CLI deploys with the poetry environment of pyproject.toml (pulumi-aws 6.x: no resource-level region), the gate must not record with its own SDK -> exit 2 naming the toolchain"""
import pulumi_aws as aws

aws.s3.Bucket("data", region="eu-west-1")
