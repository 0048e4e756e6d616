"""Red-team round 36 of the residency pack: buckets a command or inline SDK code names without a `--…bucket`
option or a `Bucket=` keyword (CloudWatch Logs' export `--destination`, the CLI shorthand `S3Bucket=`, boto3's
positional bucket), bucket options holding a shell variable, an Easy Auth issuer of another tenant (corpus
cases:
tests/corpus/residency/{evil,good}/r36-*.yaml)."""

from __future__ import annotations

from policy_testlib import (
    ALLOWED,
    HELD_NOTE,
    REPLICATION,
    RESOLVED,
    codebuild_running,
    graph,
    messages,
    pinned_res,
    res,
    unresolved,
)

from policies.core.command_buckets import option_buckets
from policies.core.view import ProviderView

ACCOUNT = "123456789012"
PATH = "source.buildspec(yaml).phases.build.commands.0"
EXPORT = "aws logs create-export-task --log-group-name /a --from 1 --to 2"


def _build(command: str) -> object:
    return codebuild_running(command, ACCOUNT)


def test_buckets_named_without_a_bucket_option():
    export = f"{EXPORT} --destination drop-9 --destination-prefix e"
    assert option_buckets(export) == [("bucket", "drop-9", False)]
    sdk = 'logs.create_export_task(logGroupName="/a", fromTime=1, to=2, destination="drop")'
    assert option_buckets(sdk) == [("bucket", "drop", False)]
    shorthand = "aws ec2 create-instance-export-task --export-to-s3-task S3Bucket=drop,S3Prefix=p"
    assert option_buckets(shorthand) == [("bucket", "drop", False)]
    assert option_buckets("s3.upload_file('out.csv', 'drop', 'k')") == [("bucket", "drop", False)]
    resource = "boto3.resource('s3').Bucket('drop').put_object(Key='k')"
    assert option_buckets(resource) == [("bucket", "drop", False)]
    assert option_buckets("s3.Object('drop', 'k').put(Body=b'')") == [("bucket", "drop", False)]
    # `--destination` of another command and `--destination-prefix` name no bucket
    assert option_buckets("rsync --destination host:/x && aws s3 sync . s3://b --destination-prefix p") == []


def test_a_bucket_option_holding_a_shell_variable_isunresolved():
    braced = 'aws s3api put-object --bucket "${DEST}" --key k'
    assert option_buckets(braced) == [("bucket", "${DEST}", False)]
    bucket = pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "own-drop"})
    variable = _build('aws s3api put-object --bucket "$DEST" --key k --body f')
    held = unresolved(PATH, "$DEST") + HELD_NOTE
    assert messages(RESOLVED, graph(bucket, variable), ALLOWED) == [("p", held)]


def test_an_export_destination_must_be_a_bucket_of_the_stack():
    bucket = pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "own-drop"})
    outside = _build(f"{EXPORT} --destination partner-drop")
    assert messages(RESOLVED, graph(bucket, outside), ALLOWED) == [("p", unresolved(PATH, "partner-drop"))]
    own = _build(f"{EXPORT} --destination own-drop")
    assert messages(RESOLVED, graph(bucket, own), ALLOWED) == []


def _easy_auth(tenant: str) -> object:
    pin = {"location": "westeurope", "tenantId": OWN_TENANT}
    provider = ProviderView("pulumi:providers:azure-native", pin, "urn:prov:az", "default")
    aad = {"enabled": True, "registration": {
        "clientId": "6b0d1c2e-3f4a-4b5c-8d6e-7f8091a2b3c4",
        "openIdIssuer": f"https://login.microsoftonline.com/{tenant}/v2.0"}}
    return res("azure-native:web:WebAppAuthSettingsV2", "auth", {
        "resourceGroupName": "rg-weu", "name": "app", "identityProviders": {"azureActiveDirectory": aad}},
        provider=provider)


OWN_TENANT = "3f2a9c4e-7b1d-4e8a-9c2f-5d6e7a8b9c0d"


def test_an_easy_auth_issuer_of_another_tenant_is_a_party():
    other = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
    assert messages(REPLICATION, _easy_auth(OWN_TENANT.upper()), ALLOWED) == []
    assert messages(REPLICATION, _easy_auth(other), ALLOWED) == [
        "`identityProviders.azureActiveDirectory.registration.openIdIssuer` shares data with the Entra "
        f"tenant {other!r}, whose own storage receives it (or whose people read it, delegated) from a place "
        "that cannot be judged; declare the tenant (azureIds: [/tenants/<id>]) with its region or "
        "jurisdiction in stacks/records/endpoints.yaml"]
