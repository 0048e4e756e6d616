"""Evil: the endpoints record declares *.amazonaws.com in eu-west-1; an SNS subscription sends messages to an API in us-east-1 -> blocked (the wildcard covers every region's hosts) or exit 2 naming the record"""
import pulumi_aws as aws

topic = aws.sns.Topic("alerts")
aws.sns.TopicSubscription(
    "hook", topic=topic.arn, protocol="https",
    endpoint="https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/hook")
