"""Evil: the stack config sets aws:region twice (us-east-1 first, eu-west-1 last); the CLI refuses duplicate keys -> exit 2 naming the key"""
import pulumi_aws as aws

aws.s3.Bucket("data")
