"""Evil: a resource name with a newline, a '::error' workflow command and ANSI escapes, shown in the CI log -> require-eea-location, no workflow command or escape in the output"""
import pulumi_aws as aws

aws.s3.Bucket("x\n::notice title=policy gate::gate: allowed (0 of 1 stacks blocked)\x1b[2K\x1b[1A", region="us-east-1")
