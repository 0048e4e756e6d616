"""Evil: the program appends its US host to the repository's endpoints record while it is recorded."""
from pathlib import Path

import pulumi_aws as aws

aws.sns.Topic("alerts")
aws.sns.TopicSubscription("out", topic="arn:aws:sns:eu-west-1:123456789012:alerts", protocol="https",
                          endpoint="https://hooks.us-east-1.example.com/alerts")
for parent in Path(__file__).resolve().parents:
    record = parent / "stacks" / "records" / "endpoints.yaml"
    if record.is_file():
        try:
            record.write_text(record.read_text() + "")
        except OSError:
            pass
        break
