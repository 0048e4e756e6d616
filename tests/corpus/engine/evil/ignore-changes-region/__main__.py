"""Evil: the bucket exists in us-east-1; the program now says eu-west-1 but ignores changes to region, so the engine leaves it where it is -> exit 2 naming the option"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("records", region="eu-west-1", opts=pulumi.ResourceOptions(ignore_changes=["region"]))
