"""Red-team round 71 of the residency pack: round 70's leads — `kms:PutKeyPolicy` on a multi-Region key (a
policy in the request may grant `kms:ReplicateKey`), and a Signer profile permission's `StartSigningJob` no
aim (corpus: tests/corpus/residency/*/r71-*.yaml).
"""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, RESOLVED, UNKNOWN, allow, graph, messages, pinned_res, role_policy

OWN = "123456789012"
WORKER = f"arn:aws:iam::{OWN}:role/dosis-worker"
MRK = f"arn:aws:kms:eu-west-1:{OWN}:key/mrk-1234abcd12ab34cd56ef1234567890ab"
SINGLE = f"arn:aws:kms:eu-west-1:{OWN}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
WRITES = "allows kms:PutKeyPolicy on a multi-Region key"


def _found(*views) -> list[tuple[str, str]]:
    return messages(RESOLVED, graph(*views), ALLOWED)


def _key(multi, name="k", **inputs):
    return pinned_res("aws:kms/key:Key", name, {"description": "d", "multiRegion": multi, **inputs})


def _key_policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _put_for(principal=WORKER) -> dict:
    return {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "kms:PutKeyPolicy", "Resource": "*"}


@pytest.mark.parametrize("holder", [
    _key(True), _key(UNKNOWN),
    pinned_res("aws:kms/replicaKey:ReplicaKey", "k", {"primaryKeyArn": MRK.replace("west", "central")})])
def test_put_key_policy_on_any_key_blocks_only_where_the_stack_holds_a_multi_region_key(holder):
    grant = role_policy(allow(["kms:Put*", "kms:Describe*"], "*"))
    assert [name for name, m in _found(holder, grant) if WRITES in m] == ["p"]
    assert [m for _, m in _found(_key(False), _key(None, "k2"), grant) if WRITES in m] == []


def test_a_multi_region_key_named_blocks_and_a_pattern_that_cannot_name_one_passes():
    assert [WRITES in m for _, m in _found(role_policy(allow("kms:PutKeyPolicy", MRK)))] == [True]
    passing = role_policy(allow("kms:PutKeyPolicy", [SINGLE, f"arn:aws:kms:eu-west-1:{OWN}:key/1234*"]))
    assert _found(_key(True), passing) == []
    every_but = role_policy({"Effect": "Allow", "Action": "kms:PutKeyPolicy", "NotResource": SINGLE})
    assert [(name, WRITES in m) for name, m in _found(_key(True), every_but)] == [("p", True)]


def test_a_multi_region_keys_own_policy_granting_put_key_policy_blocks():
    root = {**_put_for(f"arn:aws:iam::{OWN}:root"), "Action": "kms:*"}
    found = _found(_key(True, "m", policy=_key_policy(root, _put_for())),
                   _key(False, "s", policy=_key_policy(root, _put_for())))
    assert [(name, WRITES in m and "`policy(json).Statement.1`" in m) for name, m in found] == [("m", True)]


@pytest.mark.parametrize(("key_id", "blocks"), [("mrk-1234abcd12ab34cd56ef1234567890ab", True),
                                                 ("1234abcd-12ab-34cd-56ef-1234567890ab", False)])
def test_a_key_policy_resource_is_judged_by_its_key(key_id, blocks):
    inputs = {"keyId": key_id, "policy": _key_policy(_put_for())}
    policy = pinned_res("aws:kms/keyPolicy:KeyPolicy", "kp", inputs)
    assert [(name, WRITES in m) for name, m in _found(policy)] == ([("kp", True)] if blocks else [])
    by_dependency = pinned_res("aws:kms/keyPolicy:KeyPolicy", "kp", inputs,
                               property_dependencies={"keyId": ("urn:pulumi:test::p::aws:kms/key:Key::k",)})
    multi = _key(True)
    assert multi.urn == "urn:pulumi:test::p::aws:kms/key:Key::k"
    assert [(name, WRITES in m) for name, m in _found(multi, by_dependency)] == [("kp", True)]


def test_a_signer_profile_permission_to_start_signing_jobs_passes_beside_an_aim():
    sign = pinned_res("aws:signer/signingProfilePermission:SigningProfilePermission", "sign",
                      {"profileName": "dosis_lambda", "action": "signer:StartSigningJob", "principal": WORKER,
                       "statementId": "s"})
    cfg = pinned_res("aws:lambda/permission:Permission", "cfg",
                     {"function": "f", "action": "lambda:UpdateFunctionConfiguration", "principal": WORKER,
                      "statementId": "c"})
    assert [name for name, _ in _found(sign, cfg)] == ["cfg"]
