"""disallow-non-eea-replication: every reference in a resource's inputs is judged from what it says itself
(ARN region, regional host, region name, declared endpoint); geo-redundant copies go to the paired region."""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, UNKNOWN, azure_store, messages, res

RULE = "disallow-non-eea-replication"
FILTER = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"


def test_references_judged_from_themselves():
    ok = res(FILTER, "f", {"destinationArn": "arn:aws:firehose:eu-west-1:1:deliverystream/siem"})
    assert messages(RULE, ok, ALLOWED) == []
    us = res(FILTER, "f", {"destinationArn": "arn:aws:kinesis:us-east-1:1:stream/siem"})
    assert messages(RULE, us, ALLOWED) == [
        "`destinationArn` (data is sent there) is in 'us-east-1', which is outside the EEA"
    ]


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        ("arn:aws-cn:kinesis:cn-north-1:1:stream/siem",
         "`destinationArn` = 'arn:aws-cn:kinesis:cn-north-1:1:stream/siem' is in the aws-cn partition, "
         "outside the EEA"),
        ("arn:aws:cloudfront::1:distribution/E1",
         "`destinationArn` refers to CloudFront, a global edge service"),
    ],
)
def test_arns_in_other_partitions_or_at_the_edge(arn, message):
    assert messages(RULE, res(FILTER, "f", {"destinationArn": arn}), ALLOWED) == [message]


def test_references_inside_json_strings_and_upper_case():
    td = res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "td",
        {
            "containerDefinitions": json.dumps(
                [{"logConfiguration": {"options": {"awslogs-region": "US-EAST-1"}}}]
            )
        },
    )
    assert messages(RULE, td, ALLOWED) == [
        "`containerDefinitions(json).0.logConfiguration.options.awslogs-region` (data is sent there) is in "
        "'us-east-1', which is outside the EEA"
    ]


def test_hosts_must_be_declared():
    fn = res(
        "aws:lambda/function:Function",
        "fn",
        {
            "handler": "index.handler",
            "environment": {
                "variables": {
                    "URL": "https://hooks.example.net/x",
                    "MAIL": "soc@vlaanderen.be",
                    "F": "settings.yaml",
                }
            },
        },
    )
    assert messages(RULE, fn, ALLOWED) == [
        "`environment.variables.URL` sends to hooks.example.net, which is neither a resource of this stack "
        "nor a declared external endpoint (stacks/records/endpoints.yaml: add it with its region and why)"
    ]


def test_edge_hosts_partitions_and_global_endpoints():
    r = res(
        "aws:route53/record:Record",
        "r",
        {"records": ["d1.cloudfront.net"], "aliases": [{"name": "x.s3.amazonaws.com.cn"}]},
    )
    found = messages(RULE, r, ALLOWED)
    assert any("global edge service" in m for m in found) and any("partition" in m for m in found)
    svc = res(
        "aws:iam/role:Role",
        "r",
        {
            "assumeRolePolicy": json.dumps(
                {
                    "Statement": [
                        {"Principal": {"Service": "lambda.amazonaws.com"}, "Resource": "arn:aws:logs:*:*:*"}
                    ]
                }
            )
        },
    )
    assert messages(RULE, svc, ALLOWED) == []


def test_geo_redundant_copy_goes_to_the_pair():
    assert messages(RULE, azure_store(sku={"name": "Standard_GRS"}), ALLOWED) == []
    found = messages(RULE, azure_store(location="germanywestcentral", sku={"name": "Standard_GRS"}), ALLOWED)
    assert found == [
        "`sku.name` (geo-redundant copy) is in 'germanynorth', which is not an allowed region "
        "(allowed: northeurope, westeurope)"
    ]
    # the store's own location is require-eea-location's; its pair (westus) is this rule's
    assert messages(RULE, azure_store(location="eastus", sku={"name": "Standard_RAGRS"})) == [
        "`sku.name` (geo-redundant copy) is in 'westus', which is outside the EEA"
    ]


def test_geo_redundant_copy_that_cannot_be_placed_fails_closed():
    assert messages(RULE, azure_store(sku={"name": UNKNOWN}), ALLOWED) == [
        "`sku.name` is unknown during preview, so where the geo-redundant copy goes cannot be judged; the "
        "resource is treated as non-compliant (fail closed)"
    ]
    assert messages(RULE, azure_store(location="brazilsoutheast", sku={"name": "Standard_GRS"}), ALLOWED) == [
        "`sku.name` = 'Standard_GRS' is geo-redundant but 'brazilsoutheast' has no known paired region, so "
        "the copy's location cannot be judged"
    ]


def test_regional_and_location_free_hosts_of_real_programs():
    app = res(
        "azure-native:web:WebApp",
        "app",
        {
            "location": "westeurope",
            "siteConfig": {
                "appSettings": [
                    {
                        "name": "APPLICATIONINSIGHTS_CONNECTION_STRING",
                        "value": "InstrumentationKey=0;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
                    },
                    {"name": "AUDIENCE", "value": "https://vault.azure.net"},
                ]
            },
        },
    )
    assert messages(RULE, app, ALLOWED) == []
    rec = res("aws:route53/record:Record", "v", {"type": "CNAME", "records": ["_x.abc.acm-validations.aws."]})
    assert messages(RULE, rec, ALLOWED) == []
    td = res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "td",
        {"containerDefinitions": json.dumps([{"image": "public.ecr.aws/nginx/nginx:1.27"}])},
    )
    assert messages(RULE, td, ALLOWED) == []
    us = res(
        "azure-native:web:WebApp",
        "app",
        {
            "location": "westeurope",
            "siteConfig": {
                "appSettings": [{"name": "X", "value": "https://eastus-8.in.applicationinsights.azure.com/"}]
            },
        },
    )
    assert "outside the EEA" in messages(RULE, us, ALLOWED)[0]


def test_free_text_is_not_a_destination():
    alarm = res(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "a",
        {"alarmDescription": "Runbook: https://docs.aws.amazon.com/x", "comment": "see example.net"},
    )
    assert messages(RULE, alarm, ALLOWED) == []


def test_components_are_not_judged():
    us = {"destinationArn": "arn:aws:kinesis:us-east-1:1:stream/s"}
    comp = res("acme:x:Component", "c", us, custom=False)
    assert messages(RULE, comp, ALLOWED) == []


def _env(**variables):
    return res(
        "aws:lambda/function:Function",
        "fn",
        {"handler": "app.handler", "environment": {"variables": variables}},
    )


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("db.exfil-host.net:5432", "db.exfil-host.net"),  # host:port, no scheme
        ("Server=tcp:sql.exfil-host.net,1433;Initial Catalog=x", "sql.exfil-host.net"),  # connection string
        ("b-1.exfil-host.net:9092,b-2.exfil-host.net:9092", "b-1.exfil-host.net"),  # broker list
        ("collector.exfil.me", "collector.exfil.me"),  # a two-letter TLD the list does not hold
        ("https%3A%2F%2Fhooks.exfil-host.net%2Fin", "hooks.exfil-host.net"),  # URL-encoded
        ("aHR0cHM6Ly9ob29rcy5leGZpbC1ob3N0Lm5ldC9pbg==", "hooks.exfil-host.net"),  # base64
    ],
)
def test_hosts_in_any_notation_are_found(value, host):
    found = messages(RULE, _env(X=value), ALLOWED)
    assert found and f"sends to {host}, which is neither" in found[0]


def test_ipv6_addresses_are_places():
    found = messages(RULE, _env(SYSLOG_HOST="2600:1f18:4a3:6b00::10"), ALLOWED)
    assert found == []  # a public address: only the stack can place it (require-resolved-references)
    from policies.core.references import scan

    assert [(r.kind, r.value) for r in scan({"v": "[2600:1f18::1]:514"})] == [("host", "2600:1f18::1")]
    assert messages(RULE, _env(LISTEN="[::1]:8080", BIND="0.0.0.0:8080", MOD="app.main:app"), ALLOWED) == []


def test_region_fields_that_name_no_known_region_block():
    cos = res(
        "azure-native:cosmosdb:DatabaseAccount",
        "c",
        {"location": "westeurope", "locations": [{"locationName": "Washington DC"}]},
    )
    assert messages(RULE, cos, ALLOWED) == [
        "`locations.0.locationName` = 'Washington DC' names no region the pack knows, so where it puts the "
        "data cannot be judged; use an allowed region name (e.g. westeurope, eu-west-1)"
    ]


@pytest.mark.parametrize(
    ("model", "why"),
    [
        ("us.anthropic.claude-3-5-sonnet-20240620-v1:0", "regions outside the EEA"),
        ("arn:aws:bedrock:eu-west-1:1:inference-profile/global.anthropic.claude-sonnet-4-v1:0", "outside"),
        ("eu.anthropic.claude-3-5-sonnet-20240620-v1:0", "not an allowed region"),
    ],
)
def test_cross_region_inference_profiles_are_judged_by_their_geography(model, why):
    agent = res("aws:bedrock/agentAgent:AgentAgent", "a", {"foundationModel": model})
    found = messages(RULE, agent, ALLOWED)
    assert len(found) == 1 and why in found[0]
    plain = res("aws:bedrock/agentAgent:AgentAgent", "a", {"foundationModel": "anthropic.claude-v2:1"})
    assert messages(RULE, plain, ALLOWED) == []


def test_protocol_relative_urls_name_their_host():
    found = messages(RULE, _env(UPLOAD="//uploads.exfil-host.net/in"), ALLOWED)
    assert found and "sends to uploads.exfil-host.net" in found[0]
    assert messages(RULE, _env(P="https://vlaanderen.be/a//b.c", Q="dir//file.txt"), ALLOWED) == []


def test_every_eea_region_is_a_known_region():
    """A region field naming no known region blocks, so no allowed region may be missing from the list."""
    from policies.core.destinations import AZURE_REGIONS, region_of
    from policies.core.eea import AWS_EEA_REGIONS, AZURE_EEA_REGIONS

    assert AZURE_EEA_REGIONS <= AZURE_REGIONS
    assert all(region_of(r) == ("aws", r) for r in AWS_EEA_REGIONS)
