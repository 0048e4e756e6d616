"""Evil: the endpoints record declares *.github.io with the EU jurisdiction; an SNS subscription sends messages to anyone's GitHub Pages site -> exit 2 naming the record (a wildcard over a public suffix covers every tenant)"""
import pulumi_aws as aws

topic = aws.sns.Topic("alerts")
aws.sns.TopicSubscription(
    "hook", topic=topic.arn, protocol="https",
    endpoint="https://someone-else.github.io/collect")
