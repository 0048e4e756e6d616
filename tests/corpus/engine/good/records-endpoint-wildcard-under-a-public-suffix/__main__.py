"""Good: the endpoints record declares *.vlaio.co.uk (one registrant's domain under the public suffix co.uk) as hosted in Belgium; an SNS subscription sends to a host under it -> passes"""
import pulumi_aws as aws

topic = aws.sns.Topic("alerts")
aws.sns.TopicSubscription(
    "hook", topic=topic.arn, protocol="https",
    endpoint="https://hooks.vlaio.co.uk/alerts")
