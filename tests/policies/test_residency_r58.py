"""Red-team round 58 of the residency pack: round 57's leads (ARNs with a trailing or doubled colon,
upper-case AWS and Azure hosts: all blocked before any change); a URL host with a percent-encoded dot is
judged as the host URL parsers decode it to, not as a name no client looks up (corpus:
tests/corpus/residency/*/r58-*.yaml).
"""

from __future__ import annotations

import pytest
from policy_testlib import ALLOWED, REPLICATION, messages, pinned_res


def _lambda(url: str):
    return pinned_res("aws:lambda/function:Function", "fn", {
        "role": "arn:aws:iam::123456789012:role/dosis-export", "runtime": "python3.12",
        "handler": "app.handler", "environment": {"variables": {"EXPORT_URL": url}}})


@pytest.mark.parametrize("url", [
    "https://s3%2Eus-east-1.amazonaws.com/dosis-exports/ingest",
    "https://dosis-exports.s3%2eus-east-1.amazonaws.com/ingest",
    "https://dosis-exports%2Es3%2Eus-east-1%2Eamazonaws%2Ecom/ingest",
])
def test_a_percent_encoded_dot_in_a_url_host_is_judged_as_the_decoded_host(url):
    found = messages(REPLICATION, _lambda(url), ALLOWED)
    assert any("s3.us-east-1.amazonaws.com) is in 'us-east-1'" in m for m in found), found
    assert not any("%2" in m.lower() or "global AWS endpoint" in m for m in found), found
