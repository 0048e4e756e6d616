"""Evil: the endpoints record declares *.co.uk as hosted in Ireland; an SNS subscription sends messages to any .co.uk domain -> exit 2 naming the record (a wildcard over a public suffix covers every registrant's domain)"""
import pulumi_aws as aws

topic = aws.sns.Topic("alerts")
aws.sns.TopicSubscription(
    "hook", topic=topic.arn, protocol="https",
    endpoint="https://hooks.anyone-at-all.co.uk/alerts")
