"""Red-team round 8 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r8-*.yaml)."""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, messages, res

from policies.core.azure_hosts import azure_modules
from policies.core.destinations import judge_local
from policies.core.references import Ref, scan
from policies.core.rule import RuleContext
from policies.core.view import ProviderView

REPL, OPAQUE = "disallow-non-eea-replication", "disallow-opaque-deployers"
ENDPOINTS = "require-eea-provider-endpoints"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"


def _kinds(value: object, key: str = "v") -> set[tuple[str, str]]:
    return {(r.kind, r.value) for r in scan({key: value})}


def _local(kind: str, value: str) -> str | None:
    outcome = judge_local(Ref("f", kind, value), RuleContext(config=ALLOWED, stack="test"))
    return "defer" if outcome.deferred else outcome.problem


# ------------------------------------------------------------------ SSM documents run on instances


@pytest.mark.parametrize("doc", ["AWS-GatherSoftwareInventory", "AWS-RunPatchBaseline", "AWS-UpdateSSMAgent",
                                 "arn:aws:ssm:eu-west-1::document/AWS-RunPatchBaselineAssociation"])
def test_no_code_aws_documents_may_run(doc):
    assert messages(OPAQUE, res("aws:ssm/association:Association", "a", {"name": doc})) == []


@pytest.mark.parametrize("doc", ["AWS-RunShellScript", "AWS-RunPowerShellScript", "Eloket-Inventory",
                                 "AWS-RunPatchBaselineWithHooks",
                                 "arn:aws:ssm:eu-west-1:999999999999:document/AWS-GatherSoftwareInventory"])
def test_every_other_document_blocks(doc):
    assert "SSM document" in messages(OPAQUE, res("aws:ssm/association:Association", "a", {"name": doc}))[0]


def test_runs_launched_by_other_types():
    task = {"taskType": "RUN_COMMAND", "taskArn": "AWS-RunShellScript"}
    assert messages(OPAQUE, res("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "t", task))
    lam = {"taskType": "LAMBDA", "taskArn": "arn:aws:lambda:eu-west-1:1:function:f"}
    assert messages(OPAQUE, res("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "t", lam)) == []
    target = {"arn": "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript",
              "runCommandTargets": [{"key": "k"}]}
    assert messages(OPAQUE, res("aws:cloudwatch/eventTarget:EventTarget", "e", target))
    queue = {"arn": "arn:aws:sqs:eu-west-1:1:q"}
    assert messages(OPAQUE, res("aws:cloudwatch/eventTarget:EventTarget", "e", queue)) == []
    computed = json.dumps({"DocumentName.$": "$.doc", "InstanceIds": ["i-1"]})
    sched = {"target": {"arn": "arn:aws:scheduler:::aws-sdk:ssm:sendCommand", "input": computed}}
    assert "cannot read" in messages(OPAQUE, res("aws:scheduler/schedule:Schedule", "s", sched))[0]
    sfn = json.dumps({"States": {"A": {"Resource": "arn:aws:states:::aws-sdk:ssm:sendCommand",
                                       "Parameters": {"DocumentName": "AWS-RunPatchBaseline"}}}})
    assert messages(OPAQUE, res("aws:sfn/stateMachine:StateMachine", "m", {"definition": sfn})) == []


# ------------------------------------------------------------------ identifiers that also serve data APIs


def test_graph_api_calls_are_destinations_identifiers_are_not():
    assert _kinds("https://graph.microsoft.com/v1.0/drives/b!x/root:/a:/content") == {
        ("service-api", "graph.microsoft.com")}
    graph_api = {("service-api", "graph.microsoft.com")}
    assert _kinds("https://graph.microsoft.com/beta/users/x/sendMail") == graph_api
    for ident in ("https://graph.microsoft.com", "https://graph.microsoft.com/.default",
                  "https://graph.microsoft.com/User.Read"):
        assert _kinds(ident) == {("host", "graph.microsoft.com")}
        assert _local("host", "graph.microsoft.com") is None
    assert "Graph API" in _local("service-api", "graph.microsoft.com")


def test_cross_region_profiles_and_application_profiles():
    assert ("inference-profile", "us") in _kinds(
        "arn:aws:bedrock:eu-west-1:1:guardrail-profile/us.guardrail.v1:0")
    assert ("inference-profile", "us") in _kinds("us.guardrail.v1:0", "guardrailProfileIdentifier")
    assert not [k for k, _ in _kinds("ops.guardrail.v1") if k == "inference-profile"]
    assert _local("arn", "arn:aws:bedrock:eu-west-1:1:application-inference-profile/abc") == "defer"
    assert _local("arn", "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0") is None


# ------------------------------------------------------------------ values naming callers, not destinations


def test_cors_origins_and_allow_lists_are_callers():
    cors = {"corsRules": [{"allowedOrigins": ["https://portal.partner.nl", "*"]}]}
    assert scan(cors) == []
    assert scan({"corsRules": [{"allowedOrigins": ["https://drop.partner.nl/upload"]}]})  # a path: no origin
    env = {"variables": {"ALLOWED_ORIGINS": "https://portal.partner.nl"}}
    assert scan({"environment": env})  # a user-chosen name is judged like any value
    assert scan({"networkAcls": {"ipRules": [{"value": "203.0.113.17"}]}}) == []
    assert scan({"securityRules": [{"sourceAddressPrefix": "198.51.100.7"}]}) == []
    assert scan({"settings": [{"name": "SYSLOG", "value": "198.51.100.7"}]})  # an address elsewhere
    assert scan({"definition": {"contentVersion": "1.0.0.0"}}) == []
    assert scan({"definition": {"target": "1.0.0.0"}})


def test_health_check_regions_are_where_checkers_run():
    hc = res("aws:route53/healthCheck:HealthCheck", "h", {"fqdn": "api.vlaanderen.be", "type": "HTTPS",
                                                          "regions": ["us-east-1", "eu-west-1", "sa-east-1"]})
    assert messages(REPL, hc, ALLOWED) == []


# ------------------------------------------------------------------ destinations implied by the type


def test_implied_services():
    push = res("aws:sns/platformApplication:PlatformApplication", "p", {"platform": "GCM"})
    assert "fcm.googleapis.com" in messages(REPL, push, ALLOWED)[0]
    hub = res("azure-native:notificationhubs:NotificationHub", "h", {"apnsCredential": {"keyId": "k"}})
    assert "api.push.apple.com" in messages(REPL, hub, ALLOWED)[0]
    bot = "azure-native:botservice:Channel"
    assert messages(REPL, res(bot, "c", {"properties": {"channelName": "DirectLineChannel"}}), ALLOWED) == []
    assert "NewChatChannel" in messages(REPL, res(bot, "c", {"channelName": "NewChatChannel"}), ALLOWED)[0]
    inv = res("azure-native:datashare:Invitation", "i", {"targetActiveDirectoryId": "7D2C"})
    assert "tenant '7d2c'" in messages(REPL, inv, ALLOWED)[0]


def test_private_names_dns_zone_ids_and_privatelink_names():
    assert _local("host", "localhost") is None
    rg = f"{SUB}/resourceGroups/rg/providers"
    assert _local("azure-id", f"{rg}/Microsoft.Network/privateDnsZones/z.net") is None
    assert _local("azure-id", f"{rg}/Microsoft.Network/dnsZones/x.be/A/www") is None
    assert _local("azure-id", f"{rg}/Microsoft.Storage/storageAccounts/a") == "defer"
    assert azure_modules("acct.privatelink.blob.core.windows.net") == ("acct", ("storage",))


def test_arm_deployments_named_by_id_block_at_any_scope():
    for scope in (SUB, f"{SUB}/resourceGroups/rg"):
        assert "ARM deployment" in _local("azure-id", f"{scope}/providers/Microsoft.Resources/deployments/x")
    assert _local("azure-id", f"{SUB}/providers/Microsoft.Resources/deploymentStacks/s")


def test_a_provider_plugin_from_elsewhere_blocks():
    inputs = {"region": "eu-west-1", "pluginDownloadURL": "https://get.example.org/"}
    provider = ProviderView("pulumi:providers:aws", inputs, "u", "p")
    found = messages(ENDPOINTS, res("aws:s3/bucket:Bucket", "b", provider=provider), ALLOWED)
    assert any("pluginDownloadURL" in m and "released plugin" in m for m in found)
