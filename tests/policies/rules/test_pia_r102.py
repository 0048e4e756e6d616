"""Round 102 (docs/pia-conditions.md): a DynamoDB table export's `s3BucketOwner` naming an account the PIA
record does not name, known only at update, or not an account id blocks (the copy of the table lives in that
account). Cases: the round's first commit (a test failing before the fix says so); every mutation turns one
compliant fixture non-compliant, and must block with its check's message."""

from __future__ import annotations

import pytest
from ruletest import case, patch, run, says

PUBLIC = "disallow-public-data-access"
PARTNER = "`s3BucketOwner` lets the account 999988887777, which the stack's PIA record does not name"
KEEPS = "keep the exported table"
NOT_ID = "not an account id: which account keeps the exported table cannot be judged"


EVASIONS = [  # (case, a fragment of its message)
    ("r102p-01", PARTNER),
    ("r102p-01", KEEPS),
    ("r102p-02", "`s3BucketOwner` is unknown during preview, so which account keeps the exported table"),
    ("r102p-03", PARTNER),
    ("r102p-04", PARTNER),
    ("r102p-05", f"`s3BucketOwner` is ['999988887777'], {NOT_ID}"),
]


@pytest.mark.parametrize(("stem", "fragment"), EVASIONS)
def test_the_evasions_block(stem, fragment):
    """Fails before: these five passed every rule on main's code (a table export was judged by its key)."""
    assert says(run(PUBLIC, case(stem)), fragment)


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [
        ("r102p-06", f"`s3BucketOwner` is 'arn:aws:iam::999988887777:root', {NOT_ID}"),
        ("r102p-07", f"`s3BucketOwner` is '999988887777 ', {NOT_ID}"),
    ],
)
def test_the_probes_block(stem, fragment):
    """The probe of the fix: blocked when written."""
    assert says(run(PUBLIC, case(stem)), fragment)


def test_a_stream_of_another_account_stays_blocked():
    """Guard: a table's changes streamed into a partner's Kinesis stream were blocked before this round."""
    assert says(run("require-customer-managed-keys", case("r102p-08")), "is no Kinesis stream of this stack")


def test_the_look_alikes_pass():
    """Guards: an export into the stack's bucket, one naming the stack's account as owner, and an RDS export
    into a bucket outside the program under the stack's key (judged by the key, as round 22's Firehose)."""
    for stem in ("r102p-50", "r102p-51", "r102p-52"):
        assert run(PUBLIC, case(stem)) == [], stem


def test_mutation_a_foreign_unknown_or_malformed_owner_blocks():
    ok = case("r102p-51")
    later = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the corpus's placeholder: known only at update
    assert says(run(PUBLIC, patch(ok, "export", s3BucketOwner="999988887777")), f"{PARTNER}")
    assert says(run(PUBLIC, patch(ok, "export", s3BucketOwner=later)), "`s3BucketOwner` is unknown")
    assert says(run(PUBLIC, patch(ok, "export", s3BucketOwner="partner")), f"'partner', {NOT_ID}")
    assert run(PUBLIC, patch(ok, "export", s3BucketOwner=None)) == []
    assert run(PUBLIC, patch(ok, "export", s3BucketOwner="444455556666")) == []  # named by the record
