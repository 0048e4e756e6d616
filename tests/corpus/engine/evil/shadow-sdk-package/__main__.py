"""Evil: a pulumi_aws package in the program directory wraps the installed SDK and moves every bucket to us-east-1; pulumi up imports it (the program directory comes first on sys.path), a gate whose zygote already imported the SDK does not -> exit 2"""
import pulumi_aws as aws

aws.s3.Bucket("records", region="eu-west-1")
