"""Red-team round 70 of the residency pack: round 69's leads — grants made by inputs rather than a document (a
Lambda permission's `action`, an EventBridge permission's, a KMS grant's `operations`), read as the statement
their service adds; `ecs:PutClusterCapacityProviders` and an ACM PCA permission no aim; derived actions named
as the catalogue spells them — and the blind probe: statements allowing by NotPrincipal, a `Statement` key
written with a JSON escape (corpus: tests/corpus/residency/*/r70-*.yaml).
"""

from __future__ import annotations

import glob
import json
import re
from pathlib import Path

import pytest
from policy_testlib import AIMS, ALLOWED, RESOLVED, UNKNOWN, allow, graph, messages, pinned_res, role_policy

OWN = "123456789012"
WORKER = f"arn:aws:iam::{OWN}:role/dosis-worker"
NARROW = {"StringEquals": {"aws:ResourceAccount": OWN, "aws:RequestedRegion": "eu-west-1"}}
_PERMISSION = "aws:lambda/permission:Permission"


def _found(*views) -> list[str]:
    return [m for _, m in messages(RESOLVED, graph(*views), ALLOWED)]


def _permission(action, principal=WORKER, **more) -> object:
    return pinned_res(_PERMISSION, "p", {"function": "dosis-sweep", "action": action, "principal": principal,
                                         "statementId": "s", **more})


@pytest.mark.parametrize("action", ["lambda:UpdateFunctionConfiguration",
                                    "lambda:PutFunctionEventInvokeConfig", "lambda:*", "*", UNKNOWN])
def test_a_lambda_permission_granting_an_aim_to_a_role_blocks(action):
    found = _found(_permission(action))
    assert len(found) == 1 and AIMS in found[0] and found[0].startswith("`action` for `principal`"), found
    assert "lambda:" in found[0].split(": each aims", 1)[0] and "s3:" not in found[0], found


def test_an_event_permission_letting_anyone_add_targets_blocks_and_its_default_to_an_account_passes():
    bus = {"eventBusName": "dosis-events", "statementId": "s"}
    targets = pinned_res("aws:cloudwatch/eventPermission:EventPermission", "t",
                         {**bus, "principal": "*", "action": "events:PutTargets"})
    events = pinned_res("aws:cloudwatch/eventPermission:EventPermission", "e", {**bus, "principal": OWN})
    found = messages(RESOLVED, graph(targets, events), ALLOWED)
    assert [(name, "allows events:PutTargets" in m) for name, m in found] == [("t", True)], found


def test_among_grants_made_by_inputs_only_the_aim_blocks():
    """Invoke for a service, a read for a role, a layer for the own account, a key grant, an ACM CA
    permission: read as statements, none aims; the one handing out the function's configuration does."""
    views = (
        _permission("lambda:InvokeFunction", "events.amazonaws.com", sourceAccount=OWN,
                    sourceArn=f"arn:aws:events:eu-west-1:{OWN}:rule/nightly"),
        _permission("lambda:GetFunction"),
        pinned_res("aws:lambda/layerVersionPermission:LayerVersionPermission", "l",
                   {"layerName": "dosis-common", "versionNumber": 1, "action": "lambda:GetLayerVersion",
                    "principal": OWN, "statementId": "own"}),
        pinned_res("aws:kms/grant:Grant", "g", {"keyId": "k", "granteePrincipal": WORKER,
                                                "operations": ["Encrypt", "Decrypt", "GenerateDataKey"]}),
        pinned_res("aws:acmpca/permission:Permission", "ca",
                   {"certificateAuthorityArn": f"arn:aws:acm-pca:eu-west-1:{OWN}:certificate-authority/x",
                    "principal": "acm.amazonaws.com",
                    "actions": ["IssueCertificate", "GetCertificate", "ListPermissions"]}),
        pinned_res(_PERMISSION, "cfg", {"function": "dosis-sweep", "principal": WORKER, "statementId": "c",
                                        "action": "lambda:UpdateFunctionConfiguration"}),
    )
    found = messages(RESOLVED, graph(*views), ALLOWED)
    assert [(name, "allows lambda:UpdateFunctionConfiguration:" in m) for name, m in found] == [
        ("cfg", True)], found


def test_a_statement_allowing_by_not_principal_is_read():
    doc = {"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{OWN}:role/dosis-reader"},
                          "Action": "kms:ReplicateKey", "Resource": "*"}]}
    found = _found(pinned_res("aws:kms/key:Key", "k", {"multiRegion": True, "policy": json.dumps(doc)}))
    assert len(found) == 1 and "`policy(json).Statement.0` allows kms:ReplicateKey" in found[0], found


@pytest.mark.parametrize("key", [r"\u0053tatement", r"St\u0061tement", r"\u0053\u0074atement"])
def test_a_statement_key_written_with_json_escapes_is_read(key):
    grant = {"Effect": "Allow", "Principal": {"AWS": WORKER}, "Resource": "*",
             "Action": "secretsmanager:ReplicateSecretToRegions"}
    text = '{"Version":"2012-10-17","' + key + '":' + json.dumps([grant]) + "}"
    secret = f"arn:aws:secretsmanager:eu-west-1:{OWN}:secret:x"
    found = _found(pinned_res("aws:secretsmanager/secretPolicy:SecretPolicy", "s",
                              {"secretArn": secret, "policy": text}))
    assert len(found) == 1 and AIMS in found[0], found


def test_cluster_capacity_providers_are_no_aim_and_what_aims_beside_them_is_spelled_as_aws_does():
    cluster = f"arn:aws:ecs:eu-west-1:{OWN}:cluster/d"
    assert _found(role_policy(allow("ecs:PutClusterCapacityProviders", cluster))) == []
    found = _found(role_policy(allow(["ecs:PutClusterCapacityProviders", "ecs:RunTask", "ecs:ExecuteCommand"],
                                     "*", NARROW)))
    assert len(found) == 1 and "allows ecs:ExecuteCommand, ecs:RunTask: each aims" in found[0], found


def test_a_data_write_of_a_service_no_row_covers_is_named_as_aws_spells_it():
    found = _found(role_policy(allow("firehose:PutRecord*", "*")))
    assert len(found) == 1 and "allows firehose:PutRecord, firehose:PutRecordBatch on *" in found[0], found


def test_spelling_comes_from_the_catalogue_and_leaves_what_it_does_not_know():
    from policies.core.iam.spelling import spelled

    given = ("ecs:putclustercapacityproviders", "KMS:REPLICATEKEY", "zz:unknownaction")
    assert [spelled(a) for a in given] == ["ecs:PutClusterCapacityProviders", "kms:ReplicateKey",
                                           "zz:unknownaction"]


_GRANT_INPUTS = {"principal", "principals", "principal_arn", "grantee_principal", "allowed_principals",
                 "grantee", "grants", "access_control_policy", "shared_accounts", "principal_org_id",
                 "operations", "allowed_operations", "permissions"}


def _sdk_types_granting_by_inputs() -> set[str]:
    """Each pulumi_aws resource type whose arguments name a principal, grantee, shared account, operations or
    permissions, or whose name says it is a permission."""
    import pulumi_aws

    found = set()
    for f in glob.glob(str(Path(pulumi_aws.__file__).parent / "*" / "*.py")):
        src = Path(f).read_text(encoding="utf-8")
        token = re.search(r"super\(\w+, __self__\)\.__init__\(\s*'(aws:[^']+)'", src)
        args = re.search(r"class \w+Args:\n    def __init__\(__self__, \*,?\n(.*?)\):", src, re.S)
        if token and args:
            names = set(re.findall(r"^\s+(\w+): pulumi\.Input", args.group(1), re.M))
            if names & _GRANT_INPUTS or token.group(1).endswith("Permission"):
                found.add(token.group(1))
    return found


def test_every_sdk_type_granting_by_inputs_is_read_or_decided():
    from policies.core.input_grants import _READ, DECIDED

    sdk = _sdk_types_granting_by_inputs()
    assert not set(_READ) & set(DECIDED)
    assert sorted(sdk - set(_READ) - set(DECIDED)) == [], "read each as its statement or decide it, with why"
    assert sorted((set(_READ) | set(DECIDED)) - sdk) == [], "an entry no type of the SDK has"
