"""Red-team round 81 of the residency pack: a runbook's PowerShell grants (policies/core/pwsh_grants.py), a
SQL Data Sync member outside Azure (outside_parties.py), an elastic job step's output server (named_refs.py)
(corpus: tests/corpus/residency/*/r81-*.yaml).
"""

from __future__ import annotations

import base64
import bz2
import json
import zlib

import pytest
import yaml
from policy_testlib import (
    ALLOWED,
    OWN,
    REPLICATION,
    RESOLVED,
    grant_message,
    graph,
    messages,
    pinned_res,
    res,
    unresolved,
)

from policies.core.encodings import decoded_text, hides_text
from policies.core.pwsh_grants import pwsh_grants

DOC = "aws:ssm/document:Document"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"},
    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]})


def _runbook(script, payload=None, runtime="PowerShell 7.4"):
    inputs = {"Runtime": runtime, "Handler": "", "Script": script}
    inputs.update({"InputPayload": payload} if payload else {})
    content = yaml.safe_dump({"schemaVersion": "0.3", "mainSteps": [
        {"name": "s", "action": "aws:executeScript", "inputs": inputs}]})
    return messages(REPLICATION, pinned_res(DOC, "d", {"content": content}), ALLOWED)


FROM_STORE = ("$doc = (Get-SSMParameterValue -Name '/p').Parameters[0].Value\n"
              "Write-S3BucketPolicy -BucketName 'data' -Policy $doc\n")
PAYLOAD = "$payload = $env:InputPayload | ConvertFrom-Json\n"


def test_a_powershell_runbook_granting_what_it_reads_elsewhere_blocks():
    """Round 80 read Python only: a PowerShell script's AWS.Tools cmdlets were unseen, so a policy from
    Parameter Store passed. Literal arguments (a here-string) pass; a payload value is judged as the run's."""
    found = _runbook(FROM_STORE)
    assert len(found) == 1 and "Write-S3BucketPolicy (its arguments are no literals)" in found[0], found
    here = f"$doc = @'\n{POLICY}\n'@\nWrite-S3BucketPolicy -BucketName 'data' -Policy $doc\n"
    assert _runbook(here) == []
    timeout = PAYLOAD + "Set-SQSQueueAttribute -QueueUrl q -Attribute @{ VisibilityTimeout = $payload.T }"
    assert _runbook(timeout, {"VisibilityTimeout": "{{ T }}"}) == []
    policy = PAYLOAD + "Set-SQSQueueAttribute -QueueUrl 'q' -Attribute @{ Policy = $payload.Doc }"
    found = _runbook(policy, {"Doc": "{{ QueueDoc }}"})
    assert len(found) == 1 and "InputPayload.Doc" in found[0], found


@pytest.mark.parametrize("script,literal", [
    ("Write-S3BucketPolicy -BucketName 'b' -Policy '{}'", True),
    ("$p = '{}'\nWrite-S3BucketPolicy -BucketName b -Policy $p  # the own role", True),
    ("Add-LMPermission -FunctionName f -Action lambda:InvokeFunction -Principal events.amazonaws.com", True),
    ("Write-S3BucketPolicy -BucketName 'b' `\n  -Policy '{}'", True),  # a line that goes on
    (PAYLOAD + "Edit-EC2ImageAttribute -ImageId $payload.Image -Attribute launchPermission", True),
    (FROM_STORE, False),
    ("Write-S3BucketPolicy -BucketName 'b' -Policy (Get-Content -Raw /tmp/p.json)", False),
    ("Get-Content /tmp/p.json | Write-S3BucketPolicy -BucketName 'b'", False),
    ("Write-S3BucketPolicy -BucketName 'b' -Policy $env:POLICY", False),
    ("Write-S3BucketPolicy -BucketName 'b' -Policy \"$prefix{}\"", False),
    ("$p = '{}'\n$p += (Read-Host)\nWrite-S3BucketPolicy -BucketName 'b' -Policy $p", False),
    ("foreach ($p in $all) { Add-LMPermission -FunctionName f -Principal $p }", False),
    ("$v = 'Write-S3Bucket' + 'Policy'\n& $v -BucketName 'b' -Policy '{}'", False),
    ("Invoke-Expression \"Write-S3BucketPolicy -BucketName b -Policy '{}'\"", False),
    ("$s3 = New-Object Amazon.S3.AmazonS3Client\n$s3.PutBucketPolicy($request)", False),
    ("aws s3api put-bucket-policy --bucket b --policy file://p.json", False),
])
def test_which_powershell_grant_arguments_are_literals(script, literal):
    found = pwsh_grants(script)
    assert found is not None and found[1] is literal, found


def test_a_powershell_script_that_grants_nothing_is_not_a_grant():
    assert pwsh_grants(PAYLOAD + "New-EC2Tag -Resource $payload.Id -Tag @{ Key = 'a'; Value = 'b' }") is None
    assert pwsh_grants("Restart-EC2Instance -InstanceId $id\nWrite-Output 'set the policy later'") is None


SYNC = "azure-native:sql:SyncMember"


def test_a_sql_data_sync_member_outside_azure_is_a_site():
    """A member of type SqlServerDatabase is reached by a sync agent wherever it was installed; an Azure SQL
    member is an Azure id, judged as any."""
    base = {"resourceGroupName": "rg-weu", "serverName": "sql", "databaseName": "db", "syncGroupName": "g"}
    onprem = res(SYNC, "m", {**base, "databaseType": "SqlServerDatabase", "syncAgentId": f"{OWN}/x/a"})
    found = messages(REPLICATION, onprem, ALLOWED)
    assert len(found) == 1 and "SQL Data Sync member of type 'SqlServerDatabase'" in found[0], found
    assert len(messages(REPLICATION, res(SYNC, "m", base), ALLOWED)) == 1  # no type: closed world
    member = f"{OWN}/Microsoft.Sql/servers/s/databases/r"
    azure = res(SYNC, "m", {**base, "databaseType": "AzureSqlDatabase",
                            "syncMemberAzureDatabaseResourceId": member})
    assert messages(REPLICATION, azure, ALLOWED) == []


def test_an_elastic_job_steps_output_server_must_be_the_stacks():
    """The step writes its result set to `output.serverName`, named bare: the stack's server or it blocks."""
    step = res("azure-native:sql:JobStep", "s", {
        "resourceGroupName": "rg-weu", "serverName": "sql", "jobAgentName": "a", "jobName": "j",
        "action": {"value": "SELECT 1"}, "output": {"serverName": "partner-sql", "databaseName": "x",
                                                   "tableName": "t", "subscriptionId": "9a8b"}})
    found = [m for _, m in messages(RESOLVED, graph(step), ALLOWED)]
    assert found == [unresolved("output.serverName", "partner-sql.database.windows.net")], found
    server = res("azure-native:sql:Server", "p", {"resourceGroupName": "rg-weu", "serverName": "partner-sql",
                                                   "location": "westeurope",
                                                   "id": f"{OWN}/Microsoft.Sql/servers/partner-sql"})
    assert messages(RESOLVED, graph(step, server), ALLOWED) == []


# Wave 2: probes of the PowerShell reader, other encodings, declared private endpoint approvals.

@pytest.mark.parametrize("script,literal", [
    ("$params = @{\n  BucketName = 'b'\n  Policy = (Get-SSMParameterValue -Name '/p').Parameters[0].Value"
     "\n}\nWrite-S3BucketPolicy @params", False),
    ("$params = @{\n  BucketName = 'b'\n  Policy = '{}'\n}\nWrite-S3BucketPolicy @params", True),
    ("$doc =\n  (Get-SSMParameterValue -Name '/p').Parameters[0].Value\n"
     "Write-S3BucketPolicy -BucketName b -Policy $doc", False),
    ("Write-S3BucketPolicy -BucketName 'b' -Policy @{\n  x = (Get-Content /tmp/p)\n}", False),
    ("Set-Alias -Name apply -Value Write-S3BucketPolicy\napply -BucketName b -Policy $doc", False),
    ("$ExecutionContext.InvokeCommand.InvokeScript('Write-S3BucketPolicy -BucketName b -Policy $d')", False),
    ("$d = Get-Content /tmp/p\nWrite-S3Bucket`Policy -BucketName b -Policy $d", False),  # probe of wave 2
    ("$p = @{ Policy = Get-Content /tmp/p }\nWrite-S3BucketPolicy -BucketName b @p", False),
    ("$j = ConvertFrom-Json $env:InputPayload\nWrite-S3BucketPolicy -BucketName b -Policy $j.Doc", True),
])
def test_a_powershell_statement_is_read_with_the_lines_it_runs_on_to(script, literal):
    """A splatted hashtable written over lines, an assignment continued after `=`, an alias of the cmdlet."""
    found = pwsh_grants(script)
    assert found is not None and found[1] is literal, found


FN = "aws:lambda/function:Function"


def _policy_of(account):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:role/reader"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]}).encode()


def _raw_deflate(raw):
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(raw) + packer.flush()


@pytest.mark.parametrize("encode", [
    lambda p: base64.b32encode(p).decode().lower(),
    lambda p: base64.b64encode(_raw_deflate(p)).decode(),
    lambda p: base64.b64encode(bz2.compress(p)).decode(),
    lambda p: bz2.compress(p).hex(),
    lambda p: base64.b85encode(p).decode(),
    lambda p: base64.b85encode(b"  " + p).decode(),
    lambda p: base64.a85encode(p, adobe=True).decode(),
], ids=["base32-lower", "raw-deflate-base64", "bzip2-base64", "bzip2-hex", "base85", "base85-shifted",
        "ascii85"])
def test_a_policy_in_other_encodings_is_read(encode):
    """Round 80's lead: the same policy, the same grant; the own account's passes."""
    found = messages(REPLICATION, pinned_res(FN, "f", {"environment": {"variables": {
        "P": encode(_policy_of("444455556666"))}}}), ALLOWED)
    assert found == [grant_message("environment.variables.P.(decoded).Statement.0.Principal", "444455556666")]
    own = pinned_res(FN, "f", {"environment": {"variables": {"P": encode(_policy_of("123456789012"))}}})
    assert messages(REPLICATION, own, ALLOWED) == []


def test_encoded_urls_and_binary_values():
    """The scanner decodes the new encodings of a URL; binary values stay unread (keys, seeds)."""
    url = b"https://ingest.partner.example.com/upload"
    for value in (base64.b64encode(_raw_deflate(url)).decode(), base64.a85encode(url, adobe=True).decode(),
                  base64.b85encode(url).decode(), base64.b32encode(url).decode().lower()):
        assert decoded_text(value) == url.decode(), value
    for value in (base64.b85encode(bytes(range(7, 247, 7))).decode(), "jbswy3dpehpk3pxpjbswy3dpehpk3pxp",
                  base64.b64encode(bytes(range(200, 248))).decode(), "eloket-export-function-prod-2026"):
        assert decoded_text(value) is None, value


CONNECTION = "azure-native:storage:PrivateEndpointConnection"
DECLARED = "pe-dosis-reporting.7b1e2d3c-4a5f-4e6d-8c7b-9a0f1e2d3c4b"


def _approval(name, records, tmp_path, monkeypatch):
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    (tmp_path / "endpoints.yaml").write_text(yaml.safe_dump({"endpoints": records}))
    view = res(CONNECTION, "c", {"resourceGroupName": "rg-weu", "accountName": "acct",
                                 "privateEndpointConnectionName": name,
                                 "privateLinkServiceConnectionState": {"status": "Approved"}})
    return messages(REPLICATION, view, ALLOWED)


def test_an_approved_connection_declared_by_name_is_judged_by_its_record(tmp_path, monkeypatch):
    """Round 80's possible over-block: the organisation's own endpoint of another subscription passes once its
    connection is declared with an allowed region; an undeclared one, or one declared outside, blocks."""
    record = {"id": "reporting", "class": "peer-network", "reason": "the reporting subscription's endpoint",
              "azureIds": [f"{OWN}/Microsoft.Storage/storageAccounts/acct/privateEndpointConnections/"
                           f"{DECLARED}"]}
    assert _approval(DECLARED, [{**record, "region": "westeurope"}], tmp_path, monkeypatch) == []
    found = _approval(DECLARED, [{**record, "region": "eastus"}], tmp_path, monkeypatch)
    assert len(found) == 1 and "eastus" in found[0], found
    found = _approval("pe-partner.1a2b", [{**record, "region": "westeurope"}], tmp_path, monkeypatch)
    assert len(found) == 1 and "declare the organisation's own connection" in found[0], found


def test_the_prefilter_finds_a_policy_no_head_shows():
    """Probes of wave 2: a raw-deflate policy wrapped in 76-character lines (each line a run of its own),
    base64 of JSON with escaped keys, lower-case base32 of zlib, plain base64 wrapped (its length then no
    multiple of four); a certificate's lines and a token do not."""
    other = _policy_of("444455556666")
    wrapped = base64.encodebytes(_raw_deflate(other)).decode()
    escaped = base64.b64encode(other.replace(b"Principal", b"Princ\\u0069pal")).decode()
    lower = base64.b32encode(zlib.compress(other)).decode().lower()
    where = "environment.variables.P.(decoded).Statement.0.Principal"
    for value in (wrapped, escaped, lower, base64.encodebytes(other).decode()):  # the last: r81-28
        view = pinned_res(FN, "f", {"environment": {"variables": {"P": value}}})
        assert messages(REPLICATION, view, ALLOWED) == [grant_message(where, "444455556666")], value
    pem = [base64.b64encode(bytes((i * 31 + j * 7) % 256 for j in range(48))).decode() for i in range(9)]
    assert not any(hides_text(line) for line in pem)
    assert not hides_text(base64.b64encode(bytes(range(48))).decode())
