"""Round-12 blind probe classes (docs/pia-conditions.md, round 12): literal keys no key of the stack feeds,
Cognito's signed-in users, service principals outside the stack, service conditions naming other accounts,
conditions that look restrictive, and the stores, settings and features the tables missed."""

import pytest
from ruletest import KEY, base, res, run, with_

AWS = base("aws")
AZURE = base("azure")
T = {"classification": "vertrouwelijk"}
CMK = "require-customer-managed-keys"
OTHER_KEY = "arn:aws:kms:eu-west-1:111122223333:key/7e2b9c41-5d3a-4f68-a1b0-c9d8e7f6a5b4"


@pytest.mark.parametrize(
    "inputs, refs, blocked",
    [
        ({"kmsMasterKeyId": OTHER_KEY}, None, True),  # a literal key ARN of the own account
        ({"kmsMasterKeyId": "3f9a1c2e-8b7d-4e6f-a5c4-b3a2918d7e6f"}, None, True),  # a bare key id
        ({"kmsMasterKeyId": "mrk-0123456789abcdef0123456789abcdef"}, None, True),  # a multi-Region key id
        ({"kmsMasterKeyId": KEY}, {"kmsMasterKeyId": "key"}, False),  # fed from the stack's key
        ({"kmsMasterKeyId": OTHER_KEY}, {"kmsMasterKeyId": "key"}, False),  # whatever ARN it prints
    ],
)
def test_a_literal_key_counts_only_when_a_key_of_the_stack_feeds_it(inputs, refs, blocked):
    queue = res("q", "aws:sqs/queue:Queue", {"name": "q", **inputs, "tags": T}, refs=refs or {})
    found = [f for f in run(CMK, with_(AWS, queue)) if f[0] == "q"]
    assert bool(found) is blocked, found
    assert not found or "no key of this stack feeds" in found[0][1]


def test_a_key_arn_nested_in_a_block_is_judged_too():
    host = res(
        "host",
        "aws:ec2/instance:Instance",
        {"ami": "ami-1", "subnetId": "s", "rootBlockDevice": {"kmsKeyId": OTHER_KEY}, "tags": T},
        protect=True,
    )
    assert any("no key of this stack feeds" in m for n, m in run(CMK, with_(AWS, host)) if n == "host")
