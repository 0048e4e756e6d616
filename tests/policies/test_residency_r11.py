"""Red-team round 11 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r11-*.yaml)."""

from __future__ import annotations

import base64
import json

from policy_testlib import ALLOWED, graph, messages, res

from policies.core.encodings import decoded_text
from policies.core.references import scan
from policies.core.view import ProviderView

REPL, RESOLVED = "disallow-non-eea-replication", "require-resolved-references"
OPAQUE = "disallow-opaque-deployers"
URL = "https://ingest.analytics-us.example/v1"
PINNED = ProviderView("pulumi:providers:aws", {"region": "eu-west-1", "allowedAccountIds": ["123456789012"]},
                      "urn:prov:aws", "p")


def _kinds(value: object, key: str = "v") -> set[tuple[str, str]]:
    return {(r.kind, r.value) for r in scan({key: value})}


# ------------------------------------------------------------------ read grants


def _policy(principal: object, actions: object) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions, "Resource": "*"}]})


def test_read_grants_to_another_account_block_and_the_own_account_passes():
    lf = "aws:lakeformation/permissions:Permissions"
    table = {"permissions": ["SELECT"], "table": {"databaseName": "d", "name": "t"}}
    for principal in ("444455556666", "arn:aws:iam::444455556666:role/reader",
                      "arn:aws:organizations::444455556666:organization/o-abc"):
        assert "grants" in messages(REPL, res(lf, "g", {**table, "principal": principal}, provider=PINNED))[0]
    own = {**table, "principal": "arn:aws:iam::123456789012:role/analyst"}
    assert messages(REPL, res(lf, "g", own, provider=PINNED)) == []
    assert messages(REPL, res(lf, "g", {**table, "principal": "IAM_ALLOWED_PRINCIPALS"})) == []
    assert messages(REPL, res(lf, "g", own))  # no pinned account: the own account cannot be told apart
    grant = {"permission": "READ", "grantee": {"granteeType": "IAM",
                                               "granteeIdentifier": "arn:aws:iam::444455556666:role/r"}}
    assert messages(REPL, res("aws:s3control/accessGrant:AccessGrant", "a", grant, provider=PINNED))
    rules = json.dumps([{"Rules": [], "Principal": ["arn:aws:iam::123456789012:role/a",
                                                     "arn:aws:iam::444455556666:role/b"]}])
    aoss = res("aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy", "p",
               {"type": "data", "policy": rules}, provider=PINNED)
    assert len(messages(REPL, aoss)) == 1


def test_resource_policies_grant_reads_not_writes():
    bp = "aws:s3/bucketPolicy:BucketPolicy"
    read = res(bp, "p", {"bucket": "b", "policy": _policy("arn:aws:iam::444455556666:root", "s3:GetObject")})
    assert "Statement.0.Principal" in messages(REPL, read)[0]
    star = res(bp, "p", {"bucket": "b", "policy": _policy(["444455556666"], "s3:*")})
    assert messages(REPL, star)
    writes = _policy("444455556666", ["s3:PutObject", "s3:PutObjectAcl"])
    put = res(bp, "p", {"bucket": "b", "policy": writes})
    assert messages(REPL, put) == []  # another account writing in brings data in
    replica = _policy("444455556666", ["s3:GetBucketVersioning", "s3:ReplicateObject", "s3:ReplicateDelete"])
    assert messages(REPL, res(bp, "p", {"bucket": "b", "policy": replica})) == []
    copy_in = _policy("444455556666", "backup:CopyIntoBackupVault")
    assert messages(REPL, res("aws:backup/vaultPolicy:VaultPolicy", "p", {"policy": copy_in})) == []
    svc = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"},
                                     "Action": "s3:GetBucketAcl", "Resource": "*"}]})
    assert messages(REPL, res(bp, "p", {"bucket": "b", "policy": svc})) == []
    topic = res("aws:sns/topic:Topic", "t", {"policy": _policy("444455556666", "sns:Subscribe")})
    assert messages(REPL, topic)


def test_tenant_grants_block():
    lighthouse = {"scope": "/subscriptions/0", "properties": {
        "managedByTenantId": "7F3C2A10-5B6D-4E8F-9A0B-1C2D3E4F5A6B", "authorizations": []}}
    found = messages(REPL, res("azure-native:managedservices:RegistrationDefinition", "m", lighthouse))
    assert "7f3c2a10-5b6d-4e8f-9a0b-1c2d3e4f5a6b" in found[0]
    tenant = "11111111-2222-3333-4444-555555555555"
    vault = {"resourceGroupName": "rg", "vaultName": "kv", "location": "westeurope", "properties": {
        "tenantId": tenant, "sku": {"family": "A", "name": "standard"},
        "accessPolicies": [{"tenantId": tenant, "objectId": "o", "permissions": {"secrets": ["get"]}}]}}
    assert messages(REPL, res("azure-native:keyvault:Vault", "kv", vault)) == []
    vault["properties"]["accessPolicies"].append(
        {"tenantId": "7f3c2a10-5b6d-4e8f-9a0b-1c2d3e4f5a6b", "objectId": "o", "permissions": {}})
    assert "accessPolicies.1.tenantId" in messages(REPL, res("azure-native:keyvault:Vault", "kv", vault))[0]


# ------------------------------------------------------------------ settings read from stores, any name


def _held(value: str, key: str) -> set[str]:
    return {r.value for r in scan({"variables": {key: value}}) if r.kind == "held"}


def test_plain_text_stores_under_neutral_names_are_followed():
    ssm = "aws:ssm/parameter:Parameter|partner/settings"
    assert _held("/partner/settings", "CONFIG_PARAMETER") == {ssm}
    assert _held("arn:aws:ssm:eu-west-1:1:parameter/partner/settings", "APP_CONFIG") == {ssm}
    assert _held("@Microsoft.AppConfiguration(Endpoint=https://c.azconfig.io; Key=app:cfg)", "SETTINGS") == {
        "azure-native:appconfiguration:KeyValue|app:cfg"}
    # paths, AWS public parameters, credentials and schema fields are not followed
    assert _held("/mnt/data", "DATA_DIR") == set()
    assert _held("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default", "AMI_PARAM") == set()
    assert _held("arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf", "DB_SECRET") == set()
    assert _held("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/pw/)", "DB_PW") == set()
    # round 12: a lower-case setting name is a setting name too; a schema field is not one
    assert _held("/partner/settings", "parameterName") == {ssm}
    assert not [r for r in scan({"parameterName": "/partner/settings"}) if r.kind == "held"]
    agent = "http://localhost:2772/applications/shared/environments/prod/configurations/targets"
    assert _held(agent, "CONFIG_URL") == {"aws:appconfig/application:Application|shared"}


def test_codebuild_and_ecs_name_parameters_by_their_entry():
    env = {"environmentVariables": [{"name": "SETTINGS", "type": "PARAMETER_STORE", "value": "/x/settings"},
                                    {"name": "STAGE", "type": "PLAINTEXT", "value": "/prod"}]}
    assert {r.value for r in scan(env) if r.kind == "held"} == {"aws:ssm/parameter:Parameter|x/settings"}
    secrets = {"secrets": [{"name": "SETTINGS", "valueFrom": "sync-settings"}]}
    assert {r.value for r in scan(secrets) if r.kind == "held"} == {
        "aws:ssm/parameter:Parameter|sync-settings"}


def test_a_held_setting_must_be_a_store_of_the_stack():
    fn = res("aws:lambda/function:Function", "fn",
             {"environment": {"variables": {"CONFIG_PARAMETER": "/eloket/settings"}}})
    assert "no resource of this stack" in messages(RESOLVED, graph(fn), ALLOWED)[0][1]
    secure = res("aws:ssm/parameter:Parameter", "p",
                 {"name": "/eloket/settings", "type": "SecureString", "value": "[secret]"})
    # round 12: a secret under a neutral name may hold any setting; only a credential's name is not followed
    assert "name the setting as the credential" in messages(RESOLVED, graph(fn, secure), ALLOWED)[0][1]
    pw = res("aws:lambda/function:Function", "fn",
             {"environment": {"variables": {"DB_PASSWORD_PARAMETER": "/eloket/settings"}}})
    assert messages(RESOLVED, graph(pw, secure), ALLOWED) == []


def test_api_management_named_values_are_stores():
    refs = {(r.kind, r.value) for r in scan({"url": "{{partner-base-url}}/v1"})}
    assert ("stored", "azure-native:apimanagement:NamedValue|partner-base-url") in refs
    backend = res("azure-native:apimanagement:Backend", "b", {"url": "{{base}}", "protocol": "http"})
    nv = {"resourceGroupName": "rg", "serviceName": "apim", "namedValueId": "nv", "displayName": "base"}
    plain = res("azure-native:apimanagement:NamedValue", "nv", {**nv, "value": "https://api.vlaanderen.be"})
    vaulted = res("azure-native:apimanagement:NamedValue", "nv",
                  {**nv, "secret": True, "keyVault": {"secretIdentifier": "https://kv.vault.azure.net/secrets/s"}})
    stored = [m for _, m in messages(RESOLVED, graph(backend), ALLOWED)]
    assert any("named value 'base'" in m for m in stored)
    assert not any("named value" in m for _, m in messages(RESOLVED, graph(backend, plain), ALLOWED))
    assert any("secret or unknown" in m for _, m in messages(RESOLVED, graph(backend, vaulted), ALLOWED))


def test_store_uris_are_stores_not_hosts():
    refs = {(r.kind, r.value) for r in scan({"locationUri": "ssm-parameter://eloket-settings"})}
    assert refs == {("stored", "aws:ssm/parameter:Parameter|eloket-settings")}
    mixed = {(r.kind, r.value) for r in scan({"url": "https://ingest.analytics-us.example/{{token}}"})}
    assert any(v == "ingest.analytics-us.example" for _, v in mixed)  # a named value does not hide the host


# ------------------------------------------------------------------ code installed or deployed for a program


def test_vendor_cluster_addons_and_extensions():
    addon = "aws:eks/addon:Addon"
    vendor = res(addon, "a", {"clusterName": "c", "addonName": "datadog_operator"})
    assert "vendor" in messages(OPAQUE, vendor)[0]
    for name in ("vpc-cni", "amazon-cloudwatch-observability", "aws-guardduty-agent"):
        assert messages(OPAQUE, res(addon, "a", {"clusterName": "c", "addonName": name})) == []
    ext = "azure-native:kubernetesconfiguration:Extension"
    assert messages(OPAQUE, res(ext, "e", {"extensionType": "Microsoft.AzureMonitor.Containers"})) == []
    assert messages(OPAQUE, res(ext, "e", {"extensionType": "Dynatrace.Operator"}))


def test_deploy_if_not_exists_policies_and_remediations_are_deployers():
    dine = {"policyRule": {"if": {"field": "type", "equals": "x"}, "then": {
        "effect": "[parameters('effect')]", "details": {"type": "y", "deployment": {"properties": {}}}}}}
    definition = "azure-native:authorization:PolicyDefinition"
    assert "deployIfNotExists" in messages(OPAQUE, res(definition, "d", dine))[0]
    audit = {"policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "audit"}}}
    assert messages(OPAQUE, res("azure-native:authorization:PolicyDefinition", "d", audit)) == []
    rem = res("azure-native:policyinsights:RemediationAtSubscription", "r", {"policyAssignmentId": "/x"})
    assert messages(OPAQUE, rem)


def test_fis_ssm_actions_are_launches():
    fis = "aws:fis/experimentTemplate:ExperimentTemplate"

    def action(doc: str, action_id: str = "aws:ssm:send-command") -> dict[str, object]:
        return {"actions": [{"name": "a", "actionId": action_id,
                             "parameters": [{"key": "documentArn", "value": doc}]}]}

    assert messages(OPAQUE, res(fis, "f", action("arn:aws:ssm:eu-west-1:123456789012:document/custom")))
    aws_doc = "arn:aws:ssm:eu-west-1::document/AWS-UpdateSSMAgent"
    assert messages(OPAQUE, res(fis, "f", action(aws_doc))) == []
    assert messages(OPAQUE, res(fis, "f", action("", "aws:ec2:stop-instances"))) == []


# ------------------------------------------------------------------ phones, implied services, encodings


def test_phone_numbers_anywhere_are_judged_by_country():
    assert ("phone", "+12025550143") in _kinds("+12025550143", "PhoneNumber")
    assert ("phone", "0044 20 7946 0958") in _kinds("0044 20 7946 0958", "ALERT_PHONE")
    assert not any(k == "phone" for k, _ in _kinds("0044 20 7946 0958", "ORDER_NUMBER"))
    assert not any(k == "phone" for k, _ in _kinds("+01:00", "TZ_OFFSET"))
    us = res("aws:lambda/function:Function", "f", {"environment": {"variables": {"SMS_TO": "+16465550187"}}})
    be = res("aws:lambda/function:Function", "f", {"environment": {"variables": {"SMS_TO": "+32470123456"}}})
    assert "phone number" in messages(REPL, us)[0] and messages(REPL, be) == []


def test_power_bi_outputs_and_event_hub_receivers_are_places():
    pbi = {"jobName": "j", "datasource": {"type": "PowerBI", "dataset": "d", "table": "t"}}
    assert "api.powerbi.com" in messages(REPL, res("azure-native:streamanalytics:Output", "o", pbi))[0]
    blob = {"jobName": "j", "datasource": {"type": "Microsoft.Storage/Blob"}}
    assert messages(REPL, res("azure-native:streamanalytics:Output", "o", blob)) == []
    ag = res("azure-native:monitor:ActionGroup", "ag", {"eventHubReceivers": [
        {"name": "r", "eventHubNameSpace": "Partner-NS", "eventHubName": "h", "subscriptionId": "9"}]})
    found = [m for _, m in messages(RESOLVED, graph(ag), ALLOWED)]
    assert any("partner-ns.servicebus.windows.net" in m for m in found)


def test_escaped_and_base32_text_is_read():
    assert decoded_text("https:\\/\\/ingest.analytics-us.example\\/v1") == URL
    assert decoded_text("https:\\u002f\\u002fingest.analytics-us.example\\x2fv1") == URL
    assert decoded_text(base64.b32encode(URL.encode()).decode()) == URL
    assert decoded_text("C:\\Program Files\\app") is None  # a Windows path is no escape
    assert decoded_text("ABCDEFGHIJKLMNOP") is None  # upper-case letters that decode to no text


def test_a_relative_url_under_a_fixed_base_is_a_path():
    ds = {"factoryName": "f", "properties": {"type": "RestResource",
                                             "relativeUrl": "@{concat('d/', dataset().id)}"}}
    assert not any(r.kind == "runtime" for r in scan(ds))
    ls = {"factoryName": "f", "properties": {"type": "RestService", "url": "@{linkedService().baseUrl}"}}
    assert any(r.kind == "runtime" for r in scan(ls))
