"""Red-team round 9 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r9-*.yaml)."""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, messages, res

from policies.core.destinations import judge_local
from policies.core.outside_parties import phone_region
from policies.core.references import Ref, scan
from policies.core.rule import RuleContext
from policies.core.view import ProviderView

REPL, OPAQUE = "disallow-non-eea-replication", "disallow-opaque-deployers"


def _kinds(value: object, key: str = "v") -> set[tuple[str, str]]:
    return {(r.kind, r.value) for r in scan({key: value})}


def _local(kind: str, value: str) -> str | None:
    outcome = judge_local(Ref("f", kind, value), RuleContext(config=ALLOWED, stack="test"))
    return "defer" if outcome.deferred else outcome.problem


# ------------------------------------------------------------------ destinations chosen at run time


def test_jsonpath_and_jsonata_destinations_are_runtime():
    asl = json.dumps({"States": {"A": {"Parameters": {
        "ApiEndpoint.$": "$.target", "Payload.$": "$", "TaskToken.$": "$$.Task.Token", "Bucket.$": "$.b"}}}})
    runtime = {r.value for r in scan({"definition": asl}) if r.kind == "runtime"}
    assert runtime == {"$.target", "$.b"}  # payloads and task tokens are no destinations
    assert ("runtime", "{% $states.input.url %}") in _kinds("{% $states.input.url %}", "ApiEndpoint")
    assert not {k for k, _ in _kinds("{% $states.input.body %}", "RequestBody")} & {"runtime"}
    assert "run time" in _local("runtime", "$.target")


# ------------------------------------------------------------------ places no input names


@pytest.mark.parametrize(("number", "eea"), [
    ("+32470123456", True), ("0031612345678", True), ("+358 40 123 4567", True), ("+423 123 45 67", True),
    ("+12025550143", False), ("+44 20 7946 0000", False), ("+41 44 000 00 00", False),
    ("+350 200 12345", False), ("0470123456", None),
])
def test_phone_numbers_by_country_code(number, eea):
    assert phone_region(number) is eea


def test_sms_and_voice_destinations():
    sub = {"topic": "arn:aws:sns:eu-west-1:1:t", "protocol": "sms", "endpoint": "+12025550143"}
    assert "phone number" in messages(REPL, res("aws:sns/topicSubscription:TopicSubscription", "s", sub))[0]
    assert messages(REPL, res("aws:sns/topicSubscription:TopicSubscription", "s",
                              {**sub, "endpoint": "+32470123456"})) == []
    assert messages(REPL, res("aws:sns/topicSubscription:TopicSubscription", "s",
                              {**sub, "protocol": "email", "endpoint": "ops@vlaanderen.be"})) == []
    ag = {"resourceGroupName": "rg", "location": "global", "smsReceivers": [
        {"name": "a", "countryCode": "32", "phoneNumber": "470123456"},
        {"name": "b", "countryCode": "1", "phoneNumber": "2025550143"},
        {"name": "c", "countryCode": "+32", "phoneNumber": "470123456"}]}
    found = messages(REPL, res("azure-native:monitor:ActionGroup", "ag", ag))
    assert len(found) == 1 and "smsReceivers.1" in found[0]


def test_grants_to_other_accounts():
    snap = "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission"
    grant = {"snapshotId": "snap-1", "accountId": "444455556666"}
    assert "grants" in messages(REPL, res(snap, "g", grant))[0]
    own = res(snap, "g", {**grant, "accountId": "123456789012"},
              provider=ProviderView("pulumi:providers:aws", {"region": "eu-west-1",
                                     "allowedAccountIds": ["123456789012"]}, "urn:prov:aws", "p"))
    assert messages(REPL, own) == []
    public = res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", "p", {"imageId": "ami-1", "group": "all"})
    assert "'all'" in messages(REPL, public)[0]
    collab = {"name": "c", "creatorDisplayName": "d", "creatorMemberAbilities": [],
              "queryLogStatus": "ENABLED",
              "members": [{"accountId": "111122223333", "displayName": "p", "memberAbilities": []}]}
    found = messages(REPL, res("aws:cleanrooms/collaboration:Collaboration", "c", collab))
    assert len(found) == 1 and "members.0.accountId" in found[0]
    shared = {"dbInstanceIdentifier": "db", "dbSnapshotIdentifier": "s", "sharedAccounts": ["all"]}
    assert messages(REPL, res("aws:rds/snapshot:Snapshot", "s", shared))


@pytest.mark.parametrize("typ", ["azure-native:apimanagement:Gateway",
                                 "azure-native:containerregistry:ConnectedRegistry",
                                 "azure-native:storagesync:ServerEndpoint"])
def test_sites_outside_any_region(typ):
    assert "cannot place that site" in messages(REPL, res(typ, "s", {"resourceGroupName": "rg"}))[0]


@pytest.mark.parametrize(("transfer", "country", "blocks"), [
    ("ExportFromAzure", "US", True), ("ExportFromAzure", "ch", True), ("ExportFromAzure", "BE", False),
    ("ImportToAzure", "US", False)])
def test_data_box_by_shipping_country(transfer, country, blocks):
    job = {"resourceGroupName": "rg", "location": "westeurope", "transferType": transfer,
           "details": {"jobDetailsType": "DataBox", "shippingAddress": {"country": country}}}
    assert bool(messages(REPL, res("azure-native:databox:Job", "j", job))) is blocks


# ------------------------------------------------------------------ processing routed by a setting


@pytest.mark.parametrize(("typ", "inputs", "blocks"), [
    ("aws:location/placeIndex:PlaceIndex", {"dataSource": "Esri"}, True),
    ("aws:location/routeCalculation:RouteCalculation", {"dataSource": "Grab"}, True),
    ("aws:location/map:Map", {"configuration": {"style": "RasterEsriImagery"}}, True),
    ("aws:location/map:Map", {"configuration": {"style": "VectorOpenDataStandardDark"}}, False),
])
def test_location_data_providers(typ, inputs, blocks):
    assert bool(messages(REPL, res(typ, "l", inputs))) is blocks


# ------------------------------------------------------------------ runs and extensions


def test_config_remediation_and_response_plan_runs():
    rem = {"configRuleName": "r", "targetType": "SSM_DOCUMENT", "targetId": "dosis-fix"}
    assert "SSM document" in messages(OPAQUE, res("aws:cfg/remediationConfiguration:RemediationConfiguration",
                                                  "r", rem))[0]
    plan = {"incidentTemplate": {"title": "t", "impact": 2},
            "action": {"ssmAutomations": [{"documentName": "AWS-UpdateSSMAgent", "roleArn": "r"},
                                          {"documentName": "custom-runbook", "roleArn": "r"}]}}
    found = messages(OPAQUE, res("aws:ssmincidents/responsePlan:ResponsePlan", "p", plan))
    assert len(found) == 1 and "ssmAutomations.1" in found[0]


@pytest.mark.parametrize(("publisher", "kind", "blocks"), [
    ("Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent", False),
    ("Microsoft.Azure.ActiveDirectory", "AADSSHLoginForLinux", False),
    ("Microsoft.Azure.Extensions", "CustomScript", True),
    ("Microsoft.Compute", "CustomScriptExtension", True),
    ("Microsoft.CPlat.Core", "RunCommandHandlerLinux", True),
    ("Datadog.Agent", "DatadogLinuxAgent", True),
])
def test_vm_extensions(publisher, kind, blocks):
    ext = {"resourceGroupName": "rg", "vmName": "vm", "publisher": publisher, "type": kind}
    assert bool(messages(OPAQUE, res("azure-native:compute:VirtualMachineExtension", "e", ext))) is blocks
    arc = {"resourceGroupName": "rg", "machineName": "m",
           "properties": {"publisher": publisher, "type": kind}}
    assert bool(messages(OPAQUE, res("azure-native:hybridcompute:MachineExtension", "e", arc))) is blocks


# ------------------------------------------------------------------ ids and aliases


def test_management_group_ids():
    mg = "/providers/Microsoft.Management/managementGroups/mg-dosis"
    assert _kinds(mg) == {("azure-id", mg)}
    assert _local("azure-id", mg.lower()) is None  # the tenant's control plane: no place of its own
    deploy = f"https://management.azure.com{mg}/providers/Microsoft.Resources/deployments/x?api-version=1"
    found = next(v for k, v in _kinds(deploy) if k == "azure-id")
    assert "ARM deployment" in _local("azure-id", found.lower())
    sub_id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Management/managementGroups/x"
    assert {v for k, v in _kinds(sub_id) if k == "azure-id"} == {sub_id}  # not found twice


def test_private_link_service_alias_placed_by_its_region():
    alias = "partner.6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f.{}.azure.privatelinkservice"
    assert "outside the EEA" in _local(*next(iter(_kinds(alias.format("EastUS")))))
    # round 29: in an allowed region it is the stack's service (its recorded `alias`) or declared
    assert _local(*next(iter(_kinds(alias.format("westeurope"))))) == "defer"


def test_probe_sites_are_no_destinations():
    test = {"resourceGroupName": "rg", "location": "westeurope",
            "locations": [{"location": "us-va-ash-azr"}], "request": {"requestUrl": "https://x.acme-crm.com/"}}
    found = messages(REPL, res("azure-native:applicationinsights:WebTest", "w", test))
    assert len(found) == 1 and "request.requestUrl" in found[0]  # the checked URL is still judged
    opt_out = {"regionName": "ap-east-1", "enabled": False}
    assert messages(REPL, res("aws:account/region:Region", "r", opt_out)) == []
