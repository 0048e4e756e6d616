"""Evil: the pack config holds a 5,000-digit integer (past Python's int-parsing limit) -> exit 2 naming the file, not an internal error"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
