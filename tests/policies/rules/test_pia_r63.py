"""Round-63 classes (docs/pia-conditions.md, round 63). A provider pinning another party's AWS account for one
harmless resource made grants, RAM shares, trust conditions and delegated administration to that account the
stack's; the shared private links and managed private endpoints of SignalR, Web PubSub, Data Explorer, Managed
Grafana and Database Watcher were refused by the closed world; a Front Door or CDN origin's host was not read;
an unknown link target fed from any resource of the stack (a secret, a script, an identity) passed; a SQL
failover group's partner server was left to residency. Each test fails on the code before the round."""

from __future__ import annotations

import datetime as dt

import pytest
from ruletest import case, only, patch, run, with_

from policies.core.pia_attestations import PiaRecordError, validate

PUBLIC = "disallow-public-data-access"
SIEM = "require-siem-logging"
JUDGEABLE = "require-judgeable-data-types"
UNRECORDED = "999988887777, which the stack's PIA record does not name (`aws_accounts`)"
LINKS = "in subscription '9f9f9f9f-1111-4222-8333-444444444444', which the stack's PIA record does not name"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def test_a_providers_pin_vouches_for_no_account():
    for stem, rule, name in (
        ("r63p-01", PUBLIC, "partner-grant"),
        ("r63p-02", PUBLIC, "clone-share-analytics"),
        ("r63p-03", SIEM, "trail-delegate"),
        ("r63p-04", PUBLIC, "ml"),
    ):
        only(run(rule, case(stem)), name, UNRECORDED)


def test_an_account_the_record_names_counts_without_a_pin():
    assert run(SIEM, case("r63p-50")) == []
    unnamed = patch(case("r63p-50"), "guardduty-delegate", accountId="999988887777")
    only(run(SIEM, unnamed), "guardduty-delegate", UNRECORDED)


@pytest.mark.parametrize("entry, key", [
    ({"account": 111122223333, "held_by": "VLAIO", "why": "workload"}, "account"),
    ({"account": "11112222333", "held_by": "VLAIO", "why": "workload"}, "account"),
    ({"account": "111122223333", "held_by": "VLAIO"}, "why"),
    ({"account": "111122223333", "held_by": "VLAIO", "why": "x", "pinned": True}, "pinned"),
])
def test_aws_accounts_statements_are_validated(entry, key):
    with pytest.raises(PiaRecordError, match=f"aws_accounts\\[0\\]\\.{key}"):
        validate({"aws_accounts": [entry]}, "corpus.yaml", dt.date(2026, 11, 30))


@pytest.mark.parametrize("evil, ok, name", [
    ("r63p-10", "r63p-60", "signalr-spl"),
    ("r63p-11", "r63p-61", "wps-spl"),
    ("r63p-12", "r63p-62", "adx-mpe"),
    ("r63p-13", "r63p-63", "grafana-mpe"),
    ("r63p-14", "r63p-64", "watcher-spl"),
])
def test_the_other_shared_private_links_are_judged_controls(evil, ok, name):
    only(run(PUBLIC, case(evil)), name, LINKS)
    assert run(JUDGEABLE, case(evil)) == []
    assert run(JUDGEABLE, case(ok)) == [] and run(PUBLIC, case(ok)) == []


def test_an_origin_forwards_only_to_the_stacks_resources_or_declared_hosts():
    for stem, name in (("r63p-20", "afd-origin"), ("r63p-21", "cdn-origin")):
        found = run(PUBLIC, case(stem))
        assert sorted(m.split("`")[1] for n, m in found if n == name) == ["hostName", "originHostHeader"]
    only(run(PUBLIC, case("r63p-22")), "afd-origin", "`originHostHeader` sends the requests")
    assert run(PUBLIC, case("r63p-52")) == [] and run(PUBLIC, case("r63p-53")) == []
    declared = "corpusoffvendor.blob.core.windows.net"  # declared in the corpus endpoints record
    ours = patch(case("r63p-21"), "cdn-origin", hostName=declared, originHostHeader=declared)
    assert run(PUBLIC, ours) == []
    by_address = patch(case("r63p-21"), "cdn-origin", hostName="203.0.113.10", originHostHeader=None)
    only(run(PUBLIC, by_address), "cdn-origin", "to '203.0.113.10'")
    unfed = patch(case("r63p-52"), "afd-origin", originHostHeader=None)
    unfed = [{**r, "refs": {}} if r["name"] == "afd-origin" else r for r in unfed]
    only(run(PUBLIC, unfed), "afd-origin", "`hostName` is unknown")


def test_an_unknown_link_target_counts_only_from_a_resource_a_link_can_reach():
    for stem, name, kind in (
        ("r63p-30", "pe-export", "azure-native:keyvault:Secret"),
        ("r63p-31", "adf-mpe", "azure-native:resources:AzureCliScript"),
        ("r63p-32", "search-spl", "azure-native:managedidentity:UserAssignedIdentity"),
    ):
        only(run(PUBLIC, case(stem)), name, f"fed only from {kind}, which no private link connects to")
    scope = {"name": "ampls", "type": "azure-native:monitor:PrivateLinkScope",
             "inputs": {"resourceGroupName": "rg-corpus", "scopeName": "ampls-corpus", "location": "global"}}
    linked = with_(case("r63p-30"), scope, drop=("target-secret",))
    monitor = [{**r, "refs": {**r["refs"], "privateLinkServiceConnections": "ampls"}}
               if r["name"] == "pe-export" else r for r in linked]
    links = [{"name": "export", "privateLinkServiceId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
              "groupIds": ["azuremonitor"]}]  # round 65: the scope's one group (the case asks for `blob`)
    monitor = patch(monitor, "pe-export", privateLinkServiceConnections=links)
    assert run(PUBLIC, monitor) == []  # Azure Monitor's scope holds nothing, yet is what a link reaches


def test_a_failover_group_pairs_only_the_stacks_servers():
    only(run(PUBLIC, case("r63p-42")), "fog", "`partnerServers[0].id`")
    fed = [{**r, "refs": {**r["refs"], "partnerServers": "sql"}} if r["name"] == "fog" else r
           for r in patch(case("r63p-42"), "fog", partnerServers=[{"id": UNKNOWN}])]
    assert run(PUBLIC, fed) == []


def test_a_managed_instance_failover_group_pairs_only_the_stacks_instances():
    """Found while writing the leads (r63p-43, before its fix)."""
    only(run(PUBLIC, case("r63p-43")), "mi-fog", "`managedInstancePairs[0].partnerManagedInstanceId`")
    assert run(PUBLIC, case("r63p-71")) == []
    unfed = [{**r, "refs": {}} if r["name"] == "mi-fog" else r for r in case("r63p-71")]
    assert sorted(m.split("`")[1] for _, m in run(PUBLIC, unfed)) == [
        "managedInstancePairs[0].partnerManagedInstanceId",
        "managedInstancePairs[0].primaryManagedInstanceId",
    ]
