"""Evil: an extra pack registers atexit os._exit(0): the gate's blocked exit code becomes 0 at interpreter exit -> exit 1 stays"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
