"""Good: imports an existing eu-west-1 topic and declares region=eu-west-1 (the import fails if the topic is elsewhere)"""
import pulumi
import pulumi_aws as aws

aws.sns.Topic("alerts", name="alerts", region="eu-west-1",
              opts=pulumi.ResourceOptions(import_="arn:aws:sns:eu-west-1:123456789012:alerts"))
