"""Residency is judged per resource through the Analyzer gRPC path the CLI uses: `Analyze` of one
registration blocks it before any `AnalyzeStack` (so `pulumi up` stops before creating the resource)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate.analyzer_grpc import PackProcess
from gate.policyhost import cli_environment
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as pb

PACK = Path(__file__).resolve().parents[2] / "policies" / "eu_residency"
P = "urn:pulumi:grpc::proj::"


def _struct(value: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    json_format.ParseDict(value, s)
    return s


def _analyze(stub, type_: str, inputs: dict, provider: dict) -> set[tuple[str, int]]:
    ptype = "pulumi:providers:" + type_.split(":", 1)[0]
    request = pb.AnalyzeRequest(
        urn=f"{P}{type_}::r",
        type=type_,
        name="r",
        properties=_struct(inputs),
        provider=pb.AnalyzerProviderResource(
            type=ptype, properties=_struct(provider), urn=f"{P}{ptype}::p", name="p"
        ),
    )
    return {(d.policyName, d.enforcementLevel) for d in stub.Analyze(request, timeout=30).diagnostics}


@pytest.mark.slow
def test_resource_analyze_blocks_before_analyze_stack():
    with (
        cli_environment(project="proj", stack="grpc", stack_config={}, dry_run=True) as env,
        PackProcess(PACK, env) as pack,
    ):
        stub = pack.stub
        mandatory = pb.MANDATORY
        assert _analyze(stub, "aws:s3/bucket:Bucket", {}, {"region": "eu-west-1"}) == set()
        assert ("require-eea-location", mandatory) in _analyze(
            stub, "aws:s3/bucket:Bucket", {}, {"region": "us-east-1"}
        )
        assert ("require-eea-provider-endpoints", mandatory) in _analyze(
            stub,
            "aws:s3/bucket:Bucket",
            {},
            {"region": "eu-west-1", "endpoints": json.dumps([{"s3": "https://s3.us-east-1.amazonaws.com"}])},
        )
        assert ("disallow-non-eea-replication", mandatory) in _analyze(
            stub,
            "aws:sns/topicSubscription:TopicSubscription",
            {"protocol": "sqs", "endpoint": "arn:aws:sqs:us-east-1:1:q"},
            {"region": "eu-west-1"},
        )
        assert ("require-known-resource-types", mandatory) in _analyze(
            stub, "aws-native:s3:Bucket", {}, {"region": "eu-west-1"}
        )
        assert ("disallow-global-edge-services", mandatory) in _analyze(
            stub, "azure-native:frontdoor:FrontDoor", {"location": "global"}, {"location": "westeurope"}
        )
