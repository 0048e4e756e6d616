"""Round-56 classes (docs/pia-conditions.md, round 56): a Chaos Studio experiment's network security group
fault adds a rule for the experiment's duration and is judged as one (no data port opened to the internet;
parameters the rule cannot read block). Each test of a fix fails on the code before the round (Chaos Studio
was a `part`: the experiments passed every rule). The blind AWS probe's Neptune Analytics graph is judged as
a store (its key and public connectivity); its other services stay refused by the closed world."""

from __future__ import annotations

import copy

from ruletest import case, only, patch, run

PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
JUDGEABLE = "require-judgeable-data-types"


def _params(resources: list[dict], **values: str) -> list[dict]:
    """A copy with the experiment's fault parameters set (by key) to `values`."""
    out = copy.deepcopy(resources)
    for r in out:
        if r["name"] == "experiment":
            action = r["inputs"]["properties"]["steps"][0]["branches"][0]["actions"][0]
            action["parameters"] = [
                {"key": p["key"], "value": values.get(p["key"], p["value"])} for p in action["parameters"]
            ]
    return out


def test_a_chaos_nsg_fault_opens_no_data_port_to_the_internet():
    only(run(PUBLIC, case("r56p-01")), "experiment", "a rule letting 0.0.0.0/0 on data port 3306 in")
    only(run(PUBLIC, case("r56p-02")), "experiment", "a rule letting * on data port 1433 in")
    redis = _params(case("r56p-02"), destinationPortRanges='["6379"]', protocol="TCP")
    only(run(PUBLIC, redis), "experiment", "* on data port 6379")


def test_a_chaos_nsg_fault_the_rule_cannot_read_blocks():
    # round 59: a bare service tag is a source the fault library allows, judged as the address it names
    only(run(PUBLIC, case("r56p-03")), "experiment", "a rule letting Internet on data port 1433 in")
    broken = _params(case("r56p-01"), sourceAddresses='["0.0.0.0/0"')
    only(run(PUBLIC, broken), "experiment", "is no JSON list of strings")
    unread = _params(case("r56p-01"), action="Permit")
    only(run(PUBLIC, unread), "experiment", "a rule whose action 'Permit' or direction 'Inbound' is unread")


def test_compliant_chaos_faults_pass():
    ok = case("r56p-50")
    for rule in (PUBLIC, JUDGEABLE):
        assert run(rule, ok) == [], rule
    # an inbound Allow from a private range on a data port, or a Deny from anywhere, opens nothing
    private = _params(ok, direction="Inbound", action="Allow", destinationPortRanges='["1433"]')
    assert run(PUBLIC, private) == []
    deny = _params(case("r56p-01"), action="Deny")
    assert run(PUBLIC, deny) == []


def test_a_workspace_is_not_judged_on_device_types_or_running_mode():
    for rule in (PUBLIC, JUDGEABLE):
        assert run(rule, case("r56p-51")) == [], rule


def test_a_neptune_analytics_graph_is_private_under_a_key():
    only(run(PUBLIC, case("r56p-20")), "graph", "`publicConnectivity` is True")
    only(run(CMK, case("r56p-21")), "graph", "`kmsKeyIdentifier` is not set")
    unset = patch(case("r56p-60"), "graph", publicConnectivity=None)  # no default stated: set it false
    only(run(PUBLIC, unset), "graph", "`publicConnectivity` is True")
    for rule in (PUBLIC, CMK, JUDGEABLE):
        assert run(rule, case("r56p-60")) == [], rule


def test_the_influxdb_cluster_stays_refused_by_the_closed_world():
    # r56p-22 and r56p-24 are judged since round 57 (test_pia_r57.py)
    assert any(n == "influx" for n, _ in run(JUDGEABLE, case("r56p-23")))
