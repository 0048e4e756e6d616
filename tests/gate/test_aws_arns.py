"""ARNs the offline engine records for EventBridge, CloudWatch, DynamoDB tables and ECR repositories have the
shape AWS gives them: a policy that names the stack's own bus, rule, table or repository literally
(`arn:aws:events:…:event-bus/<name>`, `…:table/<name>`) names what the recorded graph holds, not a made-up
`arn:aws:cloudwatch:…:event-bus/…` or `table/<logical name>-<hex>`."""

from __future__ import annotations

import pytest
from gate.mocks import aws_outputs

R, A = "eu-west-1", "123456789012"
EV = f"arn:aws:events:{R}:{A}"


@pytest.mark.parametrize(("cls", "inputs", "arn"), [
    ("cloudwatch/eventBus:EventBus", {"name": "dosis"}, f"{EV}:event-bus/dosis"),
    ("cloudwatch/eventRule:EventRule", {"name": "r"}, f"{EV}:rule/r"),
    ("cloudwatch/eventRule:EventRule", {"name": "r", "eventBusName": "default"}, f"{EV}:rule/r"),
    ("cloudwatch/eventRule:EventRule", {"name": "r", "eventBusName": "dosis"}, f"{EV}:rule/dosis/r"),
    ("cloudwatch/eventRule:EventRule", {"name": "r", "eventBusName": f"{EV}:event-bus/dosis"},
     f"{EV}:rule/dosis/r"),
    ("cloudwatch/eventArchive:EventArchive", {"name": "a"}, f"{EV}:archive/a"),
    ("cloudwatch/eventEndpoint:EventEndpoint", {"name": "g"}, f"{EV}:endpoint/g"),
    ("cloudwatch/metricAlarm:MetricAlarm", {"name": "m"}, f"arn:aws:cloudwatch:{R}:{A}:alarm:m"),
    ("dynamodb/table:Table", {"name": "dossiers"}, f"arn:aws:dynamodb:{R}:{A}:table/dossiers"),
    ("ecr/repository:Repository", {"name": "drupal"}, f"arn:aws:ecr:{R}:{A}:repository/drupal"),
    ("cloudwatch/dashboard:Dashboard", {"name": "d"}, f"arn:aws:cloudwatch::{A}:dashboard/d"),
])
def test_arns_name_what_aws_names(cls, inputs, arn):
    assert aws_outputs(f"aws:{cls}", "n", inputs, R, "id-1")["arn"] == arn


@pytest.mark.parametrize("cls", ["dynamodb/table:Table", "ecr/repository:Repository"])
def test_a_table_or_repository_is_identified_by_its_name(cls):
    assert aws_outputs(f"aws:{cls}", "n", {"name": "dossiers"}, R, "n-1a2b3c4d")["id"] == "dossiers"
