"""Evil: the pack config names require-eea-location twice; a reviewer reads the first, a last-wins parser disables it -> exit 2 naming the key"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
