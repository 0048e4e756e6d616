"""Evil: Pulumi.yaml runtime nodejs: the CLI runs index.js (a us-east-1 bucket), not the EU __main__.py beside it -> exit 2 naming the runtime"""
import pulumi_aws as aws

aws.s3.Bucket("data")
