"""Round-90 class (docs/pia-conditions.md, round 90): an input naming a resource of the stack by a literal
name or id is placed as ARM places it (an id by its type, subscription, group and names; a bare name in the
caller's own resource group), never by the Pulumi name or any `*Name` input; a data collection rule's
`dataSources` must collect the sign-ins its flow to the SIEM carries; reading a vault's secrets beside key
administration is two functions. The cases are c3dc9408 (on 78c551ed); each test that fails on the code
before the fix says so. Each mutation makes one compliant fixture non-compliant and must block with the
message its check gives."""

from __future__ import annotations

import pytest
from ruletest import case, patch, run, says

SIEM = "require-siem-logging"
EXPOSURE = "disallow-public-data-access"
SOD = "require-separation-of-duties"
VENDOR = "/subscriptions/9f0e1d2c-0000-4000-8000-0000000000ff/resourceGroups/rg-vendor/providers"
ACCOUNT = "Microsoft.Storage/storageAccounts"


@pytest.mark.parametrize("stem", [f"r90p-0{i}" for i in range(1, 8)])
def test_namesakes_by_last_segment_block(stem):
    """Fails before (c3dc9408): each passed every rule (the last segment matched the Pulumi name, a
    `resourceGroupName` or a balancer of the same name in another group)."""
    assert run(EXPOSURE, case(stem))


@pytest.mark.parametrize("stem", ["r90p-53", "r90p-54", "r90p-55"])
def test_the_stacks_own_resources_by_literal_pass(stem):
    """r90p-53 fails before (c3dc9408): the account's id in other casing was refused (over-block)."""
    assert run(EXPOSURE, case(stem)) == []


@pytest.mark.parametrize(
    "storage_id, why",
    [
        (f"{VENDOR}/{ACCOUNT}/stcorpus", "another subscription"),
        (f"/subscriptions/s/resourceGroups/rg-other/providers/{ACCOUNT}/stcorpus", "another group"),
        (f"/subscriptions/s/resourceGroups/rg-corpus/providers/{ACCOUNT}/store", "the Pulumi name"),
        ("/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.Web/sites/stcorpus", "another type"),
        ("stcorpus/", "no id"),
    ],
)
def test_a_flow_log_names_the_account_only_by_its_own_id(storage_id, why):
    rs = patch(case("r90p-53"), "flows", storageId=storage_id)
    assert says(run(EXPOSURE, rs), "is no storage account of this stack"), why


def test_a_pool_by_name_is_resolved_in_its_own_group():
    rs, elsewhere = case("r90p-54"), "is not a resource of this stack"
    assert says(run(EXPOSURE, patch(rs, "pool", resourceGroupName="rg-shared")), elsewhere)
    assert says(run(EXPOSURE, patch(rs, "pool", loadBalancerName="lb")), elsewhere)  # the Pulumi name


def test_an_export_to_a_namesake_of_the_group_says_how_to_make_it_judgeable():
    found = run(EXPOSURE, case("r90p-03"))
    assert says(found, "`resourceId` names") and says(found, "feed it from the resource")


DCR_SOURCES = {
    "no source of the flowed streams": ({"performanceCounters": []}, "collects no sign-ins"),
    "cron only": (
        {"syslog": [{"name": "s", "streams": ["Microsoft-Syslog"], "facilityNames": ["cron"],
                     "logLevels": ["*"]}]},
        "collects no sign-ins",
    ),
    "auth from Warning up": (
        {"syslog": [{"name": "s", "streams": ["Microsoft-Syslog"], "facilityNames": ["auth", "authpriv"],
                     "logLevels": ["Warning", "Error"]}]},
        "collects no sign-ins",
    ),
    "a filtered Security query": (
        {"windowsEventLogs": [{"name": "w", "streams": ["Microsoft-SecurityEvent"],
                               "xPathQueries": ["Security!*[System[(EventID=4624)]]"]}]},
        "collects no sign-ins",
    ),
    "a source of another stream": (
        {"windowsEventLogs": [{"name": "w", "streams": ["Microsoft-Event"], "xPathQueries": ["Security!*"]}]},
        "collects no sign-ins",
    ),
}


@pytest.mark.parametrize("stem", ["r90p-50", "r90p-51", "r89p-51", "r89p-57"])
def test_rules_collecting_sign_ins_pass(stem):
    assert run(SIEM, case(stem)) == []


@pytest.mark.parametrize("what", sorted(DCR_SOURCES))
def test_a_rule_whose_sources_collect_no_sign_ins_blocks(what):
    """Fails before (c3dc9408): dataSources were not read (r90p-08 to -11 passed)."""
    sources, message = DCR_SOURCES[what]
    assert says(run(SIEM, patch(case("r90p-50"), "dcr", dataSources=sources)), message)


@pytest.mark.parametrize("stem", ["r90p-08", "r90p-09", "r90p-10", "r90p-11"])
def test_the_source_evasions_block(stem):
    assert says(run(SIEM, case(stem)), "collects no sign-ins")


def _policy(rs: list[dict], secrets: list[str]) -> list[dict]:
    vault = next(r for r in rs if r["name"] == "vault-ap")
    props = {**vault["inputs"]["properties"]}
    props["accessPolicies"] = [{**props["accessPolicies"][0], "permissions": {
        **props["accessPolicies"][0]["permissions"], "secrets": secrets}}]
    return patch(rs, "vault-ap", properties=props)


@pytest.mark.parametrize("secrets", [["get"], ["All"], ["list", "get"]])
def test_a_key_administrator_reading_secrets_blocks(secrets):
    """Fails before (c3dc9408): an access policy's secrets were not read (r90p-12 passed)."""
    assert says(run(SOD, _policy(case("r90p-52"), secrets)), "or read the vault's secrets")


@pytest.mark.parametrize("secrets", [["list"], ["set", "delete"], []])
def test_a_key_administrator_not_reading_secret_values_passes(secrets):
    assert run(SOD, _policy(case("r90p-52"), secrets)) == []


def test_a_key_administrator_assigned_secrets_user_blocks():
    """Fails before (c3dc9408): Key Vault Secrets User's getSecret was no use of the vault (r90p-13)."""
    assert says(run(SOD, case("r90p-13")), "administers keys and can also use them")


def _os(rs: list[dict], os_type: str) -> list[dict]:
    vm = next(r for r in rs if r["name"] == "vm")
    storage = {**vm["inputs"]["storageProfile"]}
    storage["osDisk"] = {**storage["osDisk"], "osType": os_type}
    return patch(rs, "vm", storageProfile=storage)


def test_a_linux_machine_needs_its_syslog_collected():
    """Wave 2 (77cdc958): fails on 9001080a, where any source of sign-ins counted for any machine."""
    assert says(run(SIEM, case("r90p-15")), "collects no sign-ins")
    windows = case("r90p-56")
    assert run(SIEM, windows) == []
    assert says(run(SIEM, _os(windows, "Linux")), "collects no sign-ins")
    linux = patch(_os(windows, ""), "vm", osProfile={"computerName": "vm", "linuxConfiguration": {}})
    assert says(run(SIEM, linux), "collects no sign-ins")


def test_a_windows_machine_needs_its_security_channel_collected():
    syslog_only = _os(case("r90p-51"), "Windows")
    assert says(run(SIEM, syslog_only), "collects no sign-ins")
    assert run(SIEM, _os(case("r90p-50"), "Windows")) == []  # it collects both
