"""Evil: the queue exists in us-east-1; ignore_changes=['*'] keeps every property (its region too) as it is -> exit 2 naming the option"""
import pulumi
import pulumi_aws as aws

aws.sqs.Queue("jobs", region="eu-west-1", opts=pulumi.ResourceOptions(ignore_changes=["*"]))
