"""Round-93 class (docs/pia-conditions.md, round 93): a SQL server's auditing stands for its databases (a
database policy under a complete server policy is released; every other policy must audit the sign-ins and
commands, with no predicate), a database is encrypted by its server's protector only on a server of the
stack, and its own key (per-database CMK) must rotate; a machine's system is read from its image or OS disk,
and a VM of the stack that states none must collect both systems' sign-ins. The cases are those of the
round's first commit; each test that fails on the code before the fix says so. Each mutation makes one
compliant fixture non-compliant and must block with the message its check gives."""

from __future__ import annotations

import copy
import json

import pytest
from ruletest import case, patch, run, says

SIEM = "require-siem-logging"
CMK = "require-customer-managed-keys"
GROUPS = "`auditActionsAndGroups` leaves out"
PREDICATE = "`predicateExpression` filters the records at the source"
OFF = "SQL auditing `state` is 'Disabled'"
STORAGE_ONLY = "writes to its storage account only"
NOT_STACK_SERVER = "is not a sql.Server of this stack"
NO_ROTATION = "`encryptionProtectorAutoRotation` is not true"
UNSTATED = "the machine's system is not stated"
NO_SIGN_INS = "collects no sign-ins"


@pytest.mark.parametrize(
    ("stem", "fragment"),
    [("r93p-03", PREDICATE), ("r93p-04", GROUPS), ("r93p-05", GROUPS), ("r93p-06", PREDICATE)],
)
def test_a_server_audit_narrowed_blocks(stem, fragment):
    """Fails before: each passed every rule (groups and predicates were not read)."""
    assert says(run(SIEM, case(stem)), fragment)


def test_a_database_audit_off_under_a_storage_only_server_blocks():
    """Guard: blocked before and after (the server's policy is not complete, so the database's is judged)."""
    found = run(SIEM, case("r93p-13"))
    assert says(found, OFF) and says(found, STORAGE_ONLY)


@pytest.mark.parametrize("stem", ["r93p-50", "r93p-52", "r93p-54"])
def test_the_sql_audit_look_alikes_pass(stem):
    """Fails before for -50 and -52 (a database policy off or storage-only blocked under any server)."""
    assert run(SIEM, case(stem)) == []


def _audit(rs: list[dict], name: str, **inputs) -> list[dict]:
    r = next(r for r in rs if r["name"] == name)
    return patch(rs, name, **{**r["inputs"], **inputs})


@pytest.mark.parametrize(
    ("inputs", "fragment"),
    [
        ({"auditActionsAndGroups": ["BATCH_COMPLETED_GROUP", "FAILED_DATABASE_AUTHENTICATION_GROUP"]},
         GROUPS),
        ({"predicateExpression": "statement not like '%dossier%'"}, PREDICATE),
        ({"state": "Disabled"}, OFF),
        ({"isAzureMonitorTargetEnabled": False, "storageEndpoint": "https://stcorpus.blob.core.windows.net/"},
         STORAGE_ONLY),
    ],
)
def test_a_narrowed_server_audit_no_longer_releases_the_database_policy(inputs, fragment):
    """The server policy made incomplete: it blocks, and the database's own Disabled policy blocks again."""
    found = run(SIEM, _audit(case("r93p-50"), "sql-audit", **inputs))
    assert says(found, fragment) and says(found, OFF)


def test_a_database_policy_under_another_servers_audit_is_not_released():
    """A complete server policy releases only its own server's databases."""
    rs = _audit(case("r93p-50"), "db-audit", serverName="sql-other")
    rs = [{**r, "refs": {}} if r["name"] == "db-audit" else r for r in rs]
    assert says(run(SIEM, rs), OFF)


def test_a_database_policy_with_groups_of_its_own_and_no_server_policy_blocks():
    rs = [r for r in case("r93p-52") if r["name"] not in ("sql-audit", "diag-sql-master")]
    found = run(SIEM, rs)
    assert says(found, GROUPS) and says(found, PREDICATE)


@pytest.mark.parametrize(("stem", "fragment"), [("r93p-01", NO_ROTATION), ("r93p-14", NOT_STACK_SERVER),
                                                ("r93p-02", "a vault the stack does not declare")])
def test_a_databases_own_key_or_foreign_server_blocks(stem, fragment):
    """Fails before: the database was exempt ('encrypted by its server's TDE protector')."""
    assert says(run(CMK, case(stem)), fragment)


def test_a_databases_own_rotating_key_passes():
    assert run(CMK, case("r93p-51")) == []


@pytest.mark.parametrize("auto", [False, None])
def test_a_databases_own_key_without_auto_rotation_blocks(auto):
    rs = case("r93p-51")
    db = next(r for r in rs if r["name"] == "db")
    rs = patch(rs, "db", **{**db["inputs"], "encryptionProtectorAutoRotation": auto})
    assert says(run(CMK, rs), NO_ROTATION)


def test_a_database_on_a_server_not_of_the_stack_blocks():
    rs = case("r93p-51")
    db = next(r for r in rs if r["name"] == "db")
    rs = patch(rs, "db", **{**db["inputs"], "serverName": "sql-elsewhere"})
    rs = [{**r, "refs": {"resourceGroupName": "rg"}} if r["name"] == "db" else r for r in rs]
    assert says(run(CMK, rs), NOT_STACK_SERVER)


@pytest.mark.parametrize("stem", ["r93p-08", "r93p-09", "r93p-10", "r93p-15"])
def test_a_machines_system_read_from_its_image_or_disk_blocks_the_wrong_source(stem):
    """Fails before: either source counted when no osType or osProfile configuration was given."""
    assert says(run(SIEM, case(stem)), NO_SIGN_INS)


def test_a_vm_of_unstated_system_collecting_one_systems_sign_ins_blocks():
    """Fails before: r93p-11 passed on the Security channel alone."""
    assert says(run(SIEM, case("r93p-11")), UNSTATED)


@pytest.mark.parametrize("stem", ["r93p-53", "r93p-55", "r93p-56"])
def test_the_machine_look_alikes_pass(stem):
    assert run(SIEM, case(stem)) == []


def _vm(rs: list[dict], **storage) -> list[dict]:
    rs = copy.deepcopy(rs)
    vm = next(r for r in rs if r["name"] == "vm")
    vm["inputs"]["storageProfile"].update(storage)
    return rs


@pytest.mark.parametrize(
    "image",
    [
        {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter"},
        {"publisher": "MicrosoftSQLServer", "offer": "sql2022-ws2022", "sku": "enterprise-gen2"},
    ],
)
def test_a_windows_image_collecting_syslog_only_blocks(image):
    assert says(run(SIEM, _vm(case("r93p-53"), imageReference=image)), NO_SIGN_INS)


def test_an_unknown_publisher_collecting_syslog_only_blocks():
    rs = _vm(case("r93p-53"), imageReference={"publisher": "acme", "offer": "hardened", "sku": "1"})
    assert says(run(SIEM, rs), UNSTATED)


def test_a_stated_os_type_settles_an_unknown_image():
    rs = _vm(case("r93p-53"), imageReference={"publisher": "acme", "offer": "hardened", "sku": "1"})
    vm = next(r for r in rs if r["name"] == "vm")
    vm["inputs"]["storageProfile"]["osDisk"]["osType"] = "Linux"
    assert run(SIEM, rs) == []


USER_GRANTS = "disallow-direct-user-grants"
BOUND = "one a trust binds to the person chaining into the role"


def test_a_session_tag_bound_to_the_chaining_users_name_is_that_users_grant():
    """Fails before: r93p-12 passed (only federated trusts' session tags were read)."""
    assert says(run(USER_GRANTS, case("r93p-12")), BOUND)


def _trust(rs: list[dict], name: str, condition: dict) -> list[dict]:
    rs = copy.deepcopy(rs)
    r = next(r for r in rs if r["name"] == name)
    doc = json.loads(r["inputs"]["assumeRolePolicy"])
    doc["Statement"][0]["Condition"] = condition
    r["inputs"]["assumeRolePolicy"] = json.dumps(doc)
    return rs


def test_a_session_tag_the_caller_fills_freely_names_no_one():
    """Without the binding, anyone who may assume the role may claim person=erik: no one user's grant."""
    rs = _trust(case("r93p-12"), "readers", {"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    assert run(USER_GRANTS, rs) == []


@pytest.mark.parametrize("stem", ["r93p-57", "r93p-58"])
def test_the_session_tag_look_alikes_pass(stem):
    assert run(USER_GRANTS, case(stem)) == []


def test_binding_the_team_key_to_the_caller_makes_the_grant_personal():
    cond = {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "StringEquals": {"aws:RequestTag/team": "${aws:userid}"},
    }
    assert says(run(USER_GRANTS, _trust(case("r93p-57"), "readers", cond)), BOUND)


def test_a_system_stated_against_the_image_is_judged_as_unstated():
    """Written after the fix, against its first version (which took the stated osType alone): an Ubuntu image
    declared Windows must collect both systems' sign-ins."""
    assert says(run(SIEM, case("r93p-18")), UNSTATED)
    rs = case("r93p-55")
    vm = next(r for r in rs if r["name"] == "vm")
    vm["inputs"]["storageProfile"]["imageReference"] = {"publisher": "Canonical", "offer": "ubuntu-24_04-lts"}
    vm["inputs"]["storageProfile"]["osDisk"]["osType"] = "Windows"
    assert run(SIEM, rs) == []  # both collected: compliant whichever it runs
