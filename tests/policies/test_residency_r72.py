"""Red-team round 72 of the residency pack: round 71's leads — a multi-Region key's id as KMS gives it
(`mrk-`), Organizations policies decided by type (an AI services opt-in stores content outside its
region), and probes of Lake Formation, EKS access and QuickSight grants (corpus:
tests/corpus/residency/*/r72-*.yaml and tests/corpus/engine/evil/r72-multi-region-key-arn-from-output).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pulumi_aws
import pytest
from gate.aws_ids import aws_outputs
from policy_testlib import (
    ALLOWED,
    REPLICATION,
    RESOLVED,
    UNKNOWN,
    allow,
    graph,
    messages,
    pinned_res,
    role_policy,
)

from policies.core.org_policies import DECIDED

WRITES = "allows kms:PutKeyPolicy on a multi-Region key"
OPT_IN = "may keep the content it processes and store it outside the region"


def _org_policy(kind, content):
    return pinned_res("aws:organizations/policy:Policy", "p", {"name": "p", "type": kind, "content": content})


def _opt_out(**services):
    return json.dumps({"services": {name: {"opt_out_policy": value} for name, value in services.items()}})


def test_a_multi_region_key_named_by_its_recorded_arn_blocks_a_put_key_policy_grant():
    inputs = {"description": "d", "multiRegion": True}
    arn = aws_outputs("aws:kms/key:Key", "k", inputs, "eu-west-1", "k-1", "123456789012")["arn"]
    found = messages(RESOLVED, graph(pinned_res("aws:kms/key:Key", "k", inputs),
                                     role_policy(allow("kms:PutKeyPolicy", arn))), ALLOWED)
    assert [(name, WRITES in m) for name, m in found] == [("p", True)]


@pytest.mark.parametrize("content", [
    _opt_out(default={"@@assign": "optIn"}),
    _opt_out(default={"@@assign": "optOut"}, lex={"@@assign": "optIn"}),
    _opt_out(default={"@@append": "optOut"}),
    json.dumps({"services": {}}), "{not json", UNKNOWN])
def test_an_ai_services_policy_that_does_not_opt_every_service_out_blocks(content):
    found = messages(REPLICATION, _org_policy("AISERVICES_OPT_OUT_POLICY", content), ALLOWED)
    assert found and all(OPT_IN in m for m in found)  # round 73: an unlocked `services` is one more


def test_an_ai_services_opt_out_for_every_service_passes_and_one_service_opted_in_blocks():
    locked = {"@@assign": "optOut", "@@operators_allowed_for_child_policies": ["@@none"]}
    content = _opt_out(default=locked, rekognition=dict(locked))  # round 73: each setting locked
    doc = json.loads(content)
    doc["services"]["@@operators_allowed_for_child_policies"] = ["@@none"]
    assert messages(REPLICATION, _org_policy("AISERVICES_OPT_OUT_POLICY", json.dumps(doc)), ALLOWED) == []
    doc["services"]["rekognition"]["opt_out_policy"]["@@assign"] = "optIn"
    found = messages(REPLICATION, _org_policy("AISERVICES_OPT_OUT_POLICY", json.dumps(doc)), ALLOWED)
    assert len(found) == 1 and "services.rekognition" in found[0]


def test_a_policy_type_not_decided_blocks_and_every_type_the_sdk_offers_is_decided():
    found = messages(REPLICATION, _org_policy("FUTURE_POLICY", "{}"), ALLOWED)
    assert len(found) == 1 and "has not decided" in found[0]
    doc = (Path(pulumi_aws.__file__).parent / "organizations" / "policy.py").read_text()
    offered = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", doc.split("Valid values are", 1)[1].split(".", 1)[0]))
    assert len(offered) == 12 and offered - {"AISERVICES_OPT_OUT_POLICY"} == set(DECIDED)
