"""Round 9: the common AWS building blocks a compliant stack uses are judged (a failing mutation and a
compliant form each), so the closed world does not block them unjudged."""

import json

import pytest
from ruletest import KEY, base, only, res, run, with_

AWS = base("aws")
CMK = "require-customer-managed-keys"
PUBLIC = "disallow-public-data-access"
TLS = "require-tls-1-2"
T = {"classification": "vertrouwelijk"}
OBJ = "aws:s3/bucketObjectv2:BucketObjectv2"
SIGV4 = {"type": "apiKey", "name": "Authorization", "in": "header",
         "x-amazon-apigateway-authtype": "awsSigv4"}


# ---------------------------------------------------------------- keys


@pytest.mark.parametrize(
    "ok,type_,inputs,fragment",
    [
        (
            False,
            OBJ,
            {"bucket": "b", "key": "k", "serverSideEncryption": "AES256"},
            "not encrypted with a KMS",
        ),
        (False, OBJ, {"bucket": "elsewhere", "key": "k"}, "not a bucket of this stack"),
        (
            False,
            OBJ,
            {"bucket": "b", "serverSideEncryption": "aws:kms", "kmsKeyId": "alias/aws/s3"},
            "AWS-managed",
        ),
        (True, OBJ, {"bucket": "b", "serverSideEncryption": "aws:kms", "kmsKeyId": KEY}, ""),
        (False, "aws:dynamodb/tableExport:TableExport", {"tableArn": "t", "s3Bucket": "b"}, "s3SseAlgorithm"),
        (True, "aws:dynamodb/tableExport:TableExport", {"s3SseAlgorithm": "KMS", "s3SseKmsKeyId": KEY}, ""),
        (False, "aws:rds/exportTask:ExportTask", {"kmsKeyId": "alias/aws/rds"}, "AWS-managed"),
        (False, "aws:rds/clusterActivityStream:ClusterActivityStream", {"mode": "async"}, "not set"),
        (False, "aws:sfn/stateMachine:StateMachine", {"definition": "{}"}, "AWS_OWNED_KEY"),
        (
            True,
            "aws:sfn/stateMachine:StateMachine",
            {"encryptionConfiguration": {"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": KEY}},
            "",
        ),
        (False, "aws:cloudwatch/eventBus:EventBus", {"name": "orders"}, "kmsKeyIdentifier"),
        (True, "aws:cloudwatch/eventArchive:EventArchive", {"kmsKeyIdentifier": KEY}, ""),
        (False, "aws:eks/cluster:Cluster", {"roleArn": "r"}, "AWS-owned key"),
        (
            True,
            "aws:eks/cluster:Cluster",
            {"encryptionConfig": {"provider": {"keyArn": KEY}, "resources": ["secrets"]}},
            "",
        ),
        (False, "aws:eks/nodeGroup:NodeGroup", {"clusterName": "c"}, "no `launchTemplate`"),
        (True, "aws:eks/nodeGroup:NodeGroup", {"launchTemplate": {"name": "lt", "version": "1"}}, ""),
        (
            False,
            "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
            {"destination": "s3"},
            "CUSTOMER",
        ),
        (
            True,
            "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
            {"serverSideEncryption": {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": KEY}},
            "",
        ),
        (
            False,
            "aws:apigateway/methodSettings:MethodSettings",
            {"methodPath": "*/*", "settings": {"cachingEnabled": True}},
            "unencrypted",
        ),
    ],
)
def test_building_blocks_name_a_customer_managed_key(ok, type_, inputs, fragment):
    found = run(CMK, with_(AWS, res("x", type_, {**inputs, "tags": T})))
    assert found == [] if ok else (len(found) == 1 and fragment in found[0][1]), found


def test_an_object_in_a_bucket_of_the_stack_takes_its_judged_key():
    bucket = res("b", "aws:s3/bucketV2:BucketV2", {"bucket": "corpus-b", "tags": T})
    obj = res("o", OBJ, {"bucket": "corpus-b", "key": "k", "tags": T}, refs={"bucket": "b"})
    assert [f for f in run(CMK, with_(AWS, bucket, obj)) if f[0] == "o"] == []


def test_a_stage_cache_needs_an_encrypting_method_setting():
    stage = res(
        "s", "aws:apigateway/stage:Stage", {"stageName": "prod", "cacheClusterEnabled": True, "tags": T}
    )
    only(run(CMK, with_(AWS, stage)), "s", "cacheDataEncrypted")
    settings = res(
        "ms",
        "aws:apigateway/methodSettings:MethodSettings",
        {
            "stageName": "prod",
            "methodPath": "*/*",
            "settings": {"cachingEnabled": True, "cacheDataEncrypted": True},
        },
        refs={"stageName": "s"},
    )
    assert run(CMK, with_(AWS, stage, settings)) == []


# ---------------------------------------------------------------- exposure


@pytest.mark.parametrize(
    "ok,type_,inputs,fragment",
    [
        (False, "aws:s3/bucketAclV2:BucketAclV2", {"bucket": "b", "acl": "public-read"}, "public-read"),
        (True, "aws:s3/bucketAclV2:BucketAclV2", {"bucket": "b", "acl": "private"}, ""),
        (
            False,
            "aws:s3/bucketAclV2:BucketAclV2",
            {
                "bucket": "b",
                "accessControlPolicy": {
                    "owner": {"id": "me"},
                    "grants": [{"permission": "READ", "grantee": {"type": "CanonicalUser", "id": "other"}}],
                },
            },
            "not the bucket owner",
        ),
        (
            False,
            "aws:ec2/managedPrefixList:ManagedPrefixList",
            {"entries": [{"cidr": "0.0.0.0/0"}]},
            "internet",
        ),
        (True, "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry", {"cidr": "10.20.0.0/16"}, ""),
        (
            False,
            "aws:ssm/document:Document",
            {"permissions": {"type": "Share", "accountIds": "All"}},
            "public",
        ),
        (
            False,
            "aws:elasticache/user:User",
            {"authenticationMode": {"type": "no-password-required"}},
            "password",
        ),
        (True, "aws:elasticache/user:User", {"authenticationMode": {"type": "iam"}}, ""),
        (False, "aws:lambda/layerVersionPermission:LayerVersionPermission", {"principal": "*"}, "every AWS"),
        (False, "aws:cloudwatch/eventPermission:EventPermission", {"principal": "*"}, "every AWS"),
        (False, "aws:rds/shardGroup:ShardGroup", {"publiclyAccessible": True}, "public"),
        (
            False,
            "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
            {
                "policy": json.dumps(
                    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "events:*"}]}
                )
            },
            "anyone",
        ),
        (
            False,
            "aws:apigateway/integration:Integration",
            {
                "type": "AWS",
                "uri": "arn:aws:apigateway:eu-west-1:dynamodb:action/Scan",
                "integrationHttpMethod": "POST",
            },
            "reads or deletes",
        ),
        (
            True,
            "aws:apigateway/integration:Integration",
            {
                "type": "AWS",
                "uri": "arn:aws:apigateway:eu-west-1:sqs:path/111122223333/q",
                "integrationHttpMethod": "POST",
            },
            "",
        ),
        (
            True,
            "aws:apigateway/integration:Integration",
            {"type": "AWS_PROXY", "uri": "arn:aws:lambda:x"},
            "",
        ),
        (
            False,
            "aws:apigatewayv2/integration:Integration",
            {"integrationSubtype": "SQS-ReceiveMessage"},
            "queue",
        ),
        (
            False,
            "aws:apigatewayv2/api:Api",
            {
                "body": json.dumps(
                    {
                        "paths": {
                            "/f": {
                                "get": {
                                    "security": [{"sigv4": []}],  # round 96: who may call is judged too
                                    "x-amazon-apigateway-integration": {
                                        "type": "aws",
                                        "uri": "arn:aws:apigateway:eu-west-1:s3:path/bucket/{key}",
                                        "httpMethod": "GET",
                                    }
                                }
                            }
                        },
                        "components": {"securitySchemes": {"sigv4": SIGV4}},
                    }
                )
            },
            "`body`",
        ),
        (
            False,
            "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
            {"destinationArn": "arn:aws:logs:eu-west-1:999999999999:destination:siem"},
            "999999999999",
        ),
        (
            True,
            "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
            {"destinationArn": "arn:aws:firehose:eu-west-1:111122223333:deliverystream/siem"},
            "",
        ),
        (False, "aws:eks/cluster:Cluster", {"vpcConfig": {"subnetIds": ["s"]}}, "0.0.0.0/0"),
        (True, "aws:eks/cluster:Cluster", {"vpcConfig": {"endpointPublicAccess": False}}, ""),
        (False, "aws:eks/nodeGroup:NodeGroup", {"remoteAccess": {"ec2SshKey": "ops"}}, "SSH"),
        (False, "aws:ec2/eipAssociation:EipAssociation", {"networkInterfaceId": "eni-1"}, "interface"),
    ],
)
def test_building_blocks_open_no_store_to_others(ok, type_, inputs, fragment):
    found = run(PUBLIC, with_(AWS, res("x", type_, inputs)))
    assert found == [] if ok else (len(found) == 1 and fragment in found[0][1]), found


# ---------------------------------------------------------------- TLS


@pytest.mark.parametrize(
    "ok,type_,inputs,fragment",
    [
        (False, "aws:alb/targetGroup:TargetGroup", {"protocol": "HTTP", "port": 80}, "protocol"),
        (True, "aws:alb/targetGroup:TargetGroup", {"protocol": "HTTPS", "port": 443}, ""),
        (
            False,
            "aws:sns/topicSubscription:TopicSubscription",
            {"protocol": "http", "endpoint": "http://x"},
            "plain",
        ),
        (
            True,
            "aws:sns/topicSubscription:TopicSubscription",
            {"protocol": "https", "endpoint": "https://x"},
            "",
        ),
        (
            False,
            "aws:apigateway/integration:Integration",
            {"type": "HTTP_PROXY", "uri": "http://backend"},
            "plain",
        ),
        (True, "aws:apigatewayv2/integration:Integration", {"integrationUri": "https://backend"}, ""),
    ],
)
def test_building_blocks_reach_their_backends_over_tls(ok, type_, inputs, fragment):
    found = run(TLS, with_(AWS, res("x", type_, inputs)))
    assert found == [] if ok else (len(found) == 1 and fragment in found[0][1]), found


def test_preview_unknowns_from_resources_of_the_stack_do_not_block():
    """A Lambda ARN, a backend URL or a destination computed from a resource of the stack is unknown in
    preview: judged when the update resolves it; an AWS service integration's unknown action still blocks."""
    from policies.core.view import UNKNOWN

    fn = res("fn", "aws:lambda/function:Function", {"role": "r", "tags": T})
    lam = res(
        "i",
        "aws:apigateway/integration:Integration",
        {"type": "AWS_PROXY", "uri": UNKNOWN},
        refs={"uri": "fn"},
    )
    http = res(
        "h",
        "aws:apigateway/integration:Integration",
        {"type": "HTTP_PROXY", "uri": UNKNOWN},
        refs={"uri": "fn"},
    )
    assert [f for f in run(PUBLIC, with_(AWS, fn, lam)) if f[0] == "i"] == []
    assert [f for f in run(TLS, with_(AWS, fn, lam, http)) if f[0] in ("i", "h")] == []
    aws = res("a", "aws:apigateway/integration:Integration", {"type": "AWS", "uri": UNKNOWN})
    only([f for f in run(PUBLIC, with_(AWS, aws)) if f[0] == "a"], "a", "unknown")


@pytest.mark.parametrize("type_", ["aws:ec2/amiCopy:AmiCopy", "aws:ebs/snapshotImport:SnapshotImport"])
def test_copies_are_encrypted_with_a_customer_managed_key(type_):
    found = run(CMK, with_(AWS, res("c", type_, {"kmsKeyId": KEY, "tags": T})))
    only(found, "c", "`encrypted` is None")
    assert run(CMK, with_(AWS, res("c", type_, {"encrypted": True, "kmsKeyId": KEY, "tags": T}))) == []
