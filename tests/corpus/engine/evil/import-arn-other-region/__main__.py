"""Evil: imports an existing topic by its us-east-1 ARN without declaring a region (the provider takes the ARN's region) -> exit 2 naming the id"""
import pulumi
import pulumi_aws as aws

aws.sns.Topic("alerts", name="alerts",
              opts=pulumi.ResourceOptions(import_="arn:aws:sns:us-east-1:123456789012:alerts"))
