"""Red-team round 56 of the residency pack: a blind probe on hidden destinations (all six blocked before any
change); a URL's host written as a numeric IPv4 form or as an IPv6 literal with a dotted tail is judged as
the address clients connect to (corpus: tests/corpus/residency/*/r56-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, pinned_res

from policies.core.host_classes import numeric_ipv4


def _blocking(*views):
    """(resource, message) of both rules that judge a destination: per resource, and over the stack."""
    per_view = [(v.name, m) for v in views for m in messages(REPLICATION, v, ALLOWED)]
    return per_view + messages(RESOLVED, graph(*views), ALLOWED)


def _function(url: str):
    return pinned_res("aws:lambda/function:Function", "fn", {
        "role": "arn:aws:iam::123456789012:role/fn", "runtime": "python3.12", "handler": "app.handler",
        "environment": {"variables": {"EXPORT_URL": url}}})


def test_a_numeric_ipv4_host_is_judged_as_the_address_it_is():
    assert numeric_ipv4("878703873") == numeric_ipv4("0x345ff501") == numeric_ipv4("0x34.0x5f.0xf5.1")
    assert numeric_ipv4("0177.1") == "127.0.0.1" and numeric_ipv4("4294967296") is None
    for private in ("http://167772421/ingest", "http://0xa000105/ingest", "http://10.1.5/ingest"):
        assert _blocking(_function(private)) == [], private
    for public in ("http://878703873/ingest", "http://0x345ff501/ingest", "http://0x34.0x5f.0xf5.1/ingest"):
        found = _blocking(_function(public))
        assert found and all("52.95.245.1" in m for _, m in found), (public, found)


def test_an_s3_bucket_with_a_numeric_name_stays_a_bucket():
    found = _blocking(_function("s3://123456789/dump"))
    assert found and all("123456789" in m and "0.7.91.205" not in m for _, m in found)


def test_an_ipv6_literal_with_a_dotted_tail_is_one_address():
    assert _blocking(_function("https://[::ffff:10.0.1.5]/hook")) == []
    found = _blocking(_function("https://[::ffff:52.95.245.1]:8443/hook"))
    assert found and all("52.95.245.1" in m and "'['" not in m and " [," not in m for _, m in found)
