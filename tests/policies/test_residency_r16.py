"""Red-team round 16 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r16-*.yaml)."""

from __future__ import annotations

import base64

from policy_testlib import ALLOWED, aws_provider, azure_rg, graph, messages, res

from policies.core.encodings import decoded_text
from policies.core.references import references

RESOLVED = "require-resolved-references"
REPLICATION = "disallow-non-eea-replication"
DEPLOYERS = "disallow-opaque-deployers"
FN = "aws:lambda/function:Function"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
UNRESOLVED = (
    ", which is neither a resource of this stack (matched by its recorded id, ARN or endpoint, never by "
    "name) nor a declared external endpoint (stacks/records/endpoints.yaml), so where it is cannot be judged"
)
NOT_DECLARED = (
    ", which is neither a resource of this stack nor a declared external endpoint "
    "(stacks/records/endpoints.yaml: add it with its region and why)"
)


def _pinned() -> object:
    p = aws_provider()
    p.inputs["allowedAccountIds"] = ["123456789012"]
    return p


def _foreign(path: str, arn: str) -> str:
    return (
        f"`{path}` = {arn!r} is a resource of account {arn.split(':')[4]}, not the stack's own (the one its "
        "provider pins in allowedAccountIds or, under a provider that pins none, the one the stack's "
        "recorded resources are in): that account reads what is sent there and passes it on from wherever "
        "it likes, whatever region the ARN names; use a resource of the stack's own account (pin it: "
        "allowedAccountIds), or declare the account (arns: [arn:aws:iam::<id>:]) or the ARN with its region "
        "or jurisdiction in stacks/records/endpoints.yaml"
    )


# ------------------------------------------------------------------ other accounts named by ARN


def test_an_arn_of_another_account_must_be_the_stacks_or_declared():
    bus = "arn:aws:events:eu-west-1:999988887777:event-bus/central"
    rule = res("aws:cloudwatch/eventRule:EventRule", "rule",
               {"arn": "arn:aws:events:eu-west-1:123456789012:rule/r-1", "id": "r-1"}, provider=_pinned())
    fwd = res(TARGET, "fwd", {"rule": "r", "arn": bus}, provider=_pinned())
    assert messages(RESOLVED, graph(rule, fwd), ALLOWED) == [("fwd", _foreign("arn", bus))]
    assert messages(REPLICATION, fwd, ALLOWED) == []  # the region is allowed; the graph places the account
    own = res(TARGET, "fwd", {"rule": "r", "arn": "arn:aws:events:eu-west-1:123456789012:event-bus/x"},
              provider=_pinned())
    assert messages(RESOLVED, graph(rule, own), ALLOWED) == []


def test_the_account_of_the_stacks_recorded_arns_is_its_own_whatever_the_provider_pins():
    # offline, the mocks' ARNs carry their own account; an ARN echoed from an input (a target's) is not one
    key = res("aws:kms/key:Key", "key", {"arn": "arn:aws:kms:eu-west-1:555566667777:key/k-1", "id": "k-1"},
              provider=_pinned())
    user = res("aws:sqs/queue:Queue", "q", {"kmsMasterKeyId": "arn:aws:kms:eu-west-1:555566667777:key/k-1"},
               provider=_pinned())
    assert messages(RESOLVED, graph(key, user), ALLOWED) == []
    echoed = res(TARGET, "t", {"arn": "arn:aws:events:eu-west-1:999988887777:event-bus/r-t", "id": "r-t"},
                 provider=_pinned())  # an event target's id is `<rule>-<target id>`, both the program's
    assert [n for n, _ in messages(RESOLVED, graph(echoed), ALLOWED)] == ["t"]


def test_principals_and_layers_are_not_judged_by_account_and_unpinned_providers_are():
    insights = "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:49"
    layer = res(FN, "fn", {"layers": [insights]}, provider=_pinned())
    assert [r for r in references(layer) if r.kind == "foreign"] == []
    unpinned = res(TARGET, "t", {"arn": "arn:aws:sqs:eu-west-1:999988887777:q"})  # round 17: judged too
    foreign = [r.value for r in references(unpinned) if r.kind == "foreign"]
    assert foreign == ["arn:aws:sqs:eu-west-1:999988887777:q"]


def test_administrators_and_registries_named_by_bare_account_id_are_grantees():
    specs = {
        "aws:securityhub/inviteAccepter:InviteAccepter": {"masterId": "999988887777"},
        "aws:guardduty/inviteAccepter:InviteAccepter": {"detectorId": "d", "masterAccountId": "999988887777"},
        "aws:macie2/invitationAccepter:InvitationAccepter": {"administratorAccountId": "999988887777"},
        "aws:inspector2/delegatedAdminAccount:DelegatedAdminAccount": {"accountId": "999988887777"},
        "aws:cfg/aggregateAuthorization:AggregateAuthorization": {"accountId": "999988887777"},
        "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount": {"adminAccountId": "999988887777"},
    }
    for type_, inputs in specs.items():
        found = messages(REPLICATION, res(type_, "x", inputs, provider=_pinned()), ALLOWED)
        assert [m.split(" grants ")[1][:16] for m in found] == ["'999988887777' a"], type_
        own = {k: ("123456789012" if v == "999988887777" else v) for k, v in inputs.items()}
        assert messages(REPLICATION, res(type_, "x", own, provider=_pinned()), ALLOWED) == [], type_
    rules = [{"destinations": [{"region": "eu-west-1", "registryId": "123456789012"},
                               {"region": "eu-west-1", "registryId": "999988887777"}]}]
    repl = res("aws:ecr/replicationConfiguration:ReplicationConfiguration", "r",
               {"replicationConfiguration": {"rules": rules}}, provider=_pinned())
    found = [m.split(" grants ")[0] for m in messages(REPLICATION, repl, ALLOWED)]
    assert found == ["`replicationConfiguration.rules.0.destinations.1.registryId`"]


# ------------------------------------------------------------------ hidden and named places


def test_an_elastic_cloud_id_is_its_deployment_host():
    cid = base64.b64encode(b"us-east-1.aws.found.io$" + b"a" * 32 + b"$" + b"b" * 32).decode()
    assert decoded_text(f"eloket-prod:{cid}") == f"https://{'a' * 32}.us-east-1.aws.found.io"
    assert decoded_text("eloket-prod:" + base64.b64encode(b"https://logs.example.org/x").decode()) == (
        "https://logs.example.org/x")  # any `<label>:<base64>` text is read
    fn = res(FN, "fn", {"environment": {"variables": {"ELASTIC_CLOUD_ID": f"x:{cid}"}}})
    assert messages(REPLICATION, fn, ALLOWED) == [
        f"`environment.variables.ELASTIC_CLOUD_ID(decoded)` sends to {'a' * 32}.us-east-1.aws.found.io"
        + NOT_DECLARED]


def test_a_bigquery_linked_service_is_judged_as_its_project():
    for kind, key in (("GoogleBigQuery", "project"), ("GoogleBigQueryV2", "projectId")):
        ls = res("azure-native:datafactory:LinkedService", "bq", {
            "linkedServiceName": "bq", "properties": {"type": kind, key: "vlaio-analytics"}})
        assert messages(REPLICATION, ls, ALLOWED) == [
            f"`properties.{key}` sends to vlaio-analytics.bigquery.googleapis.com" + NOT_DECLARED]


def test_a_storage_account_named_by_bare_name_in_an_export_must_be_the_stacks():
    def export(account: str) -> object:
        return res("azure-native:costmanagement:Export", "exp", {"deliveryInfo": {"destination": {
            "container": "c", "storageAccount": account}}})
    assert messages(RESOLVED, graph(export("partnerexp")), ALLOWED) == [("exp", (
        "`deliveryInfo.destination.storageAccount` refers to 'azure-native:storage:StorageAccount|partnerexp'"
        + UNRESOLVED))]
    found = {r.kind for r in references(export("https://partnerexp.blob.core.windows.net"))}
    assert "named" not in found  # a URL there is scanned as such


def test_automation_jobs_on_a_hybrid_worker_group_need_the_stacks_group():
    hook = res("azure-native:automation:Webhook", "hook", {"name": "h", "runOn": "dc-workers"})
    assert messages(RESOLVED, graph(azure_rg(), hook), ALLOWED) == [("hook", (
        "`runOn` refers to 'azure-native:automation:HybridRunbookWorkerGroup|dc-workers'" + UNRESOLVED))]
    # a group of the stack resolves it (tests/corpus/residency/good/r16-10: the group placed in its account)
    sandbox = res("azure-native:automation:Webhook", "hook", {"name": "h"})
    assert messages(RESOLVED, graph(azure_rg(), sandbox), ALLOWED) == []


def test_a_custom_machine_configuration_package_is_opaque_code():
    def gc(**conf: str) -> object:
        props = {"guestConfiguration": {"name": "p", **conf}}
        return res("azure-native:guestconfiguration:GuestConfigurationAssignment", "gc",
                   {"vmName": "vm", "location": "westeurope", "properties": props})
    assert messages(DEPLOYERS, gc(contentUri="https://own.blob.core.windows.net/p.zip"), ALLOWED) == [
        "`properties.guestConfiguration.contentUri` is a custom machine configuration package: its "
        "DSC/PowerShell code runs on the machine (audit included) and no input shows what it does or where "
        "it sends data; assign Microsoft's built-in packages (no contentUri) or configure the machine with "
        "resources of the stack"]
    assert messages(DEPLOYERS, gc(assignmentType="Audit"), ALLOWED) == []


def test_vendor_credential_settings_mark_the_vendors_code_under_any_layer_name():
    neutral = "arn:aws:lambda:eu-west-1:123456789012:layer:platform-telemetry:7"
    fn = res(FN, "fn", {"layers": [neutral], "environment": {"variables": {"DD_API_KEY": "x"}}})
    assert messages(REPLICATION, fn, ALLOWED) == [
        "`environment.variables.DD_API_KEY` sends to datadoghq.com" + NOT_DECLARED]
    eu = res(FN, "fn", {"environment": {"variables": {"DD_API_KEY": "x", "DD_SITE": "datadoghq.eu"}}})
    assert "datadoghq.com" not in {r.value for r in references(eu)}
    plain = res(FN, "fn", {"layers": [neutral], "environment": {"variables": {"LOG_LEVEL": "info"}}})
    assert [r for r in references(plain) if r.kind == "host"] == []
