"""require-classification-tag: every tagged or data-bearing resource (Azure VMs too) is classified."""

from ruletest import base, only, res, run, with_

RULE = "require-classification-tag"
AWS = base("aws")


def test_compliant_fixture_and_default_tags():
    assert run(RULE, AWS) == []
    tagged = {
        "type": "pulumi:providers:aws",
        "inputs": {"region": "eu-west-1", "defaultTags": '{"tags": {"classification": "intern"}}'},
    }
    assert run(RULE, with_(AWS, res("b", "aws:s3/bucketV2:BucketV2", {}, provider=tagged))) == []


def test_missing_and_invalid():
    only(run(RULE, with_(AWS, res("b", "aws:s3/bucketV2:BucketV2", {}))), "b", "has no tags")
    only(run(RULE, with_(AWS, res("vm", "azure-native:compute:VirtualMachine", {}))), "vm", "has no tags")
    only(
        run(RULE, with_(AWS, res("v", "aws:ec2/vpc:Vpc", {"tags": {"a": "b"}}))),
        "v",
        "tag `classification` is missing",
    )
    only(
        run(RULE, with_(AWS, res("v", "aws:ec2/vpc:Vpc", {"tags": {"classification": "x"}}))),
        "v",
        "is 'x'; expected",
    )
