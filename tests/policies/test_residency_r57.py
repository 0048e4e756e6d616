"""Red-team round 57 of the residency pack: round 56's leads (a trailing-dot host, Step Functions task ARNs of
another region, a percent-encoded Azure id: all blocked before any change); a public IPv4 address written as a
number in a check that places private names (DataSync agents, target groups, QuickSight) is judged as that
address, not called a private name (corpus: tests/corpus/residency/*/r57-*.yaml).
"""

from __future__ import annotations

import pytest
from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, pinned_res

from policies.core.host_classes import numeric_public_host

_AT = "eu-west-1:123456789012"  # region and account of the ARNs


def _blocking(*views):
    """(resource, message) of both rules that judge a destination: per resource, and over the stack."""
    per_view = [(v.name, m) for v in views for m in messages(REPLICATION, v, ALLOWED)]
    return per_view + messages(RESOLVED, graph(*views), ALLOWED)


def _datasync(host: str):
    return pinned_res("aws:datasync/nfsLocation:NfsLocation", "dst", {
        "serverHostname": host, "subdirectory": "/exports",
        "onPremConfig": {"agentArns": [f"arn:aws:datasync:{_AT}:agent/agent-0b1c2d3e4f5a6b7c8"]}})


def _target(host: str):
    return pinned_res("aws:lb/targetGroupAttachment:TargetGroupAttachment", "tg", {
        "targetGroupArn": f"arn:aws:elasticloadbalancing:{_AT}:targetgroup/api/0123456789abcdef",
        "targetId": host, "port": 8443, "availabilityZone": "all"})


def _quicksight(host: str):
    return pinned_res("aws:quicksight/dataSource:DataSource", "td", {
        "dataSourceId": "td", "name": "td", "type": "TERADATA",
        "parameters": {"teradata": {"host": host, "port": 1025, "database": "dossiers"}}})


@pytest.mark.parametrize("site", [_datasync, _target, _quicksight])
def test_a_public_address_written_as_a_number_is_judged_as_that_address(site):
    assert numeric_public_host("878703873") == numeric_public_host("0x345ff501") == "52.95.245.1"
    assert numeric_public_host("167772421") is None and numeric_public_host("52.95.245.1") is None
    for public in ("878703873", "0x345ff501"):
        found = _blocking(site(public))
        assert found and all("52.95.245.1" in m and "private" not in m for _, m in found), (public, found)
    found = _blocking(site("167772421"))  # 10.0.1.5: still a private address no region places
    assert found and all("private" in m for _, m in found), found
