"""Good: the endpoints record shares its reason and jurisdiction through an anchor and a merge key; an SNS subscription sends to a declared Belgian host -> passes"""
import pulumi_aws as aws

topic = aws.sns.Topic("alerts")
aws.sns.TopicSubscription(
    "hook", topic=topic.arn, protocol="https", endpoint="https://hooks.vlaanderen.be/alerts")
