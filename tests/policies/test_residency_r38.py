"""Red-team round 38 of the residency pack: rounds 35 and 36's known limits. Inline code (a Lambda's string
assets) is scanned; a bucket argument held in a variable, a template or the environment is resolved; the
managed copy, transfer managers and every boto3 resource built on a bucket are read; Import/Export
countries by ISO alpha-3 code or in other languages (corpus cases:
tests/corpus/residency/{evil,good}/r38-*.yaml).
"""

from __future__ import annotations

import pulumi
from policy_testlib import (
    ALLOWED,
    HELD_NOTE,
    REPLICATION,
    RESOLVED,
    graph,
    messages,
    pinned_res,
    res,
    unresolved,
)

from policies.core.code_values import held
from policies.core.command_buckets import option_buckets

OWN = "eloket-exports-123456789012"
LAMBDA = "aws:lambda/function:Function"


def _lambda(code: str, env: dict[str, str] | None = None) -> object:
    inputs = {"name": "f", "runtime": "python3.12", "handler": "index.handler",
              "role": "arn:aws:iam::123456789012:role/f",
              "code": pulumi.AssetArchive({"index.py": pulumi.StringAsset(code)})}
    if env is not None:
        inputs["environment"] = {"variables": env}
    return pinned_res(LAMBDA, "f", inputs)


def _bucket() -> object:
    return pinned_res("aws:s3/bucketV2:BucketV2", "b", {"bucket": OWN})


def test_a_variable_is_every_literal_the_code_assigns_it():
    code = 'target = "drop-a"\ns3.put_object(Bucket=target, Key="k")'
    assert option_buckets(code) == [("bucket", "drop-a", False)]
    twice = 'B=drop-a\nB="drop-b"\naws s3api put-object --bucket "$B" --key k'
    assert option_buckets(twice) == [("bucket", "drop-a", False), ("bucket", "drop-b", False)]
    assert held('f"eloket-{env}"', 'env = "prod"') == ["eloket-prod"]
    assert held("`${b}-x`", "const b = 'own'") == ["own-x"]
    # an expression (a conditional, a parameter, an event field) is returned as written, in braces
    assert held("t", 't = "own" if x else "drop"') == ['{"own" if x else "drop"}']
    assert held('event["b"]', "") == ['{event["b"]}']
    # a template with a placeholder the code does not fill, and a variable with more values than are judged
    template = 's3.put_object(Bucket=f"drop-{suffix}", Key=k)'
    assert option_buckets(template) == [("bucket", "drop-{suffix}", False)]
    many = "".join(f'b = "own-{i}"\n' for i in range(9)) + "s3.put_object(Bucket=b)"
    assert option_buckets(many) == [("bucket", "{b}", False)]


def test_an_environment_variable_the_code_does_not_set_is_looked_up_in_the_resource():
    assert held('os.environ["B"]', "") == ["$B"]
    assert held('os.getenv("B", "x")', "export B=drop-a") == ["drop-a"]
    assert held("process.env.B", "") == ["$B"]
    assert held("${B}", "") == ["${B}"]


def test_sdk_forms_that_send_to_a_bucket():
    assert option_buckets('s3.copy({"Bucket": "src-a", "Key": k}, "drop-a", k)') == [
        ("bucket", "src-a", False), ("bucket", "drop-a", False)]
    drop = [("bucket", "drop-a", False)]
    assert option_buckets('tm.upload(open("f", "rb"), "drop-a", "k").result()') == drop
    assert option_buckets('s3.BucketPolicy("drop-a").put(Policy=p)') == [("bucket", "drop-a", False)]
    assert option_buckets("const Bucket = 'drop-a'; send(new PutObjectCommand({ Bucket, Key }))") == [
        ("bucket", "drop-a", False)]
    assert option_buckets("send(new PutObjectCommand({Bucket: process.env.B, Key: 'k'}))") == [
        ("bucket", "$B", False)]
    # a file copy and a resource's own method (`Bucket(b).upload_file(path, key)`) name no other bucket
    assert option_buckets('shutil.copy("a.csv", "b.csv")') == []
    assert option_buckets('s3.Bucket("drop-a").upload_file("/tmp/f", "out.csv")') == drop


def test_a_bucket_the_code_does_not_assign_blocks_only_where_data_goes_out():
    assert option_buckets('s3.get_object(Bucket=record["s3"]["bucket"]["name"], Key=k)') == []
    assert option_buckets("s3.download_file(src, key, '/tmp/f')") == []
    assert option_buckets('o.copy_from(CopySource={"Bucket": obj.bucket_name, "Key": k})') == []
    assert option_buckets('s3.put_object(Bucket=record["b"], Key=k)') == [("bucket", '{record["b"]}', False)]


def test_inline_lambda_code_is_read():
    code = 'target = "vlaio-partner-drop"\nboto3.client("s3").put_object(Bucket=target, Key="k")'
    assert messages(RESOLVED, graph(_bucket(), _lambda(code)), ALLOWED) == [
        ("f", unresolved("code.index.py", "vlaio-partner-drop"))]
    own = code.replace("vlaio-partner-drop", OWN)
    assert messages(RESOLVED, graph(_bucket(), _lambda(own)), ALLOWED) == []


def test_a_bucket_read_from_the_environment_is_the_resource_s_own_setting():
    code = 'import os, boto3\nboto3.client("s3").put_object(Bucket=os.environ["TARGET"], Key="k")'
    assert messages(RESOLVED, graph(_bucket(), _lambda(code, {"TARGET": OWN})), ALLOWED) == []
    partner = _lambda(code, {"TARGET": "vlaio-partner-drop"})
    assert messages(RESOLVED, graph(_bucket(), partner), ALLOWED) == [
        ("f", unresolved("code.index.py", "vlaio-partner-drop"))]
    unset = _lambda(code, {"LOG_LEVEL": "INFO"})
    assert messages(RESOLVED, graph(_bucket(), unset), ALLOWED) == [
        ("f", unresolved("code.index.py", "$TARGET") + HELD_NOTE)]


def _job(country: str) -> object:
    return res("azure-native:importexport:Job", "job", {
        "resourceGroupName": "rg", "jobName": "j", "location": "westeurope", "properties": {
            "jobType": "Import", "returnAddress": {"recipientName": "r", "city": "c", "postalCode": "1000",
                                                   "countryOrRegion": country, "phone": "+32 2 553 00 00"}}})


def test_import_export_countries_by_alpha3_code_and_in_other_languages():
    for country in ("BEL", "België", "belgique", "Deutschland", "Österreich", "Ísland", "NOR", "Κύπρος"):
        assert messages(REPLICATION, _job(country), ALLOWED) == [], country
    assert messages(REPLICATION, _job("USA"), ALLOWED) == [
        "`properties.returnAddress.countryOrRegion`: an Import/Export job ships drives holding the data to "
        "an address in 'USA', which is not an EEA state the pack knows (write its ISO 3166-1 alpha-2 code, "
        "e.g. BE; alpha-3 codes and the state's name in English, its own languages, Dutch, French or German "
        "are also read); the pack cannot place that site in an allowed region, so keep the data in resources "
        "of the stack's own regions"]
