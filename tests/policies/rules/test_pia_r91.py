"""Round-91 class (docs/pia-conditions.md, round 91): an access policy's `certificates` permissions that make
or remove a certificate (and so its key) administer keys, and a managed storage account's SAS is use beside
key administration; `logs:PutDataProtectionPolicy` is SIEM logging; a machine's data collection rules are
judged together (the Syslog facilities its rules collect are pooled per machine, never across machines). The
cases are 908d9ad9 (on 6148a359); each test that fails on the code before the fix says so. Each mutation
makes one compliant fixture non-compliant and must block with the message its check gives."""

from __future__ import annotations

import pytest
from ruletest import case, patch, run, says

SIEM = "require-siem-logging"
SOD = "require-separation-of-duties"
USE = "administers keys and can also use them"
SAS = "a managed storage account's SAS"


@pytest.mark.parametrize("stem", ["r91p-01", "r91p-02", "r91p-03", "r91p-04", "r91p-05", "r91p-06"])
def test_the_certificate_storage_and_masking_evasions_block(stem):
    """Fails before (908d9ad9): each passed every rule."""
    assert run(SOD, case(stem))


def _permissions(rs: list[dict], **perms: list[str]) -> list[dict]:
    vault = next(r for r in rs if r["name"] == "vault-ap")
    props = {**vault["inputs"]["properties"]}
    props["accessPolicies"] = [{**props["accessPolicies"][0], "permissions": perms}]
    return patch(rs, "vault-ap", properties=props)


ADMIN = ["create", "Import", "update", "delete", "purge", "recover", "restore", "all"]


@pytest.mark.parametrize("perm", ADMIN)
def test_administering_certificates_and_reading_their_secrets_blocks(perm):
    """Fails before (908d9ad9): certificates permissions were not read (r91p-01 passed)."""
    found = run(SOD, _permissions(case("r91p-50"), certificates=["get", perm], secrets=["get"]))
    assert says(found, USE)


@pytest.mark.parametrize("perm", ["create", "import", "delete"])
def test_administering_certificates_beside_database_structure_blocks(perm):
    """Fails before (908d9ad9): the DBA group's certificate administration held no function (r91p-03)."""
    rs = _permissions(case("r91p-50"), certificates=[perm])
    vault = next(r for r in rs if r["name"] == "vault-ap")
    vault["inputs"]["properties"]["accessPolicies"][0]["objectId"] = "00000000-0000-0000-0000-0000000000aa"
    assert says(run(SOD, rs), "separated functions")


@pytest.mark.parametrize(
    "certificates",
    [["get", "list", "getissuers", "listissuers", "managecontacts", "setissuers", "manageissuers"], []],
)
def test_reading_secrets_beside_certificate_reads_and_issuers_passes(certificates):
    """Issuers and contacts make no key: a secret reader holding them holds no function."""
    assert run(SOD, _permissions(case("r91p-50"), certificates=certificates, secrets=["get"])) == []


def test_the_certificate_administrators_own_program_passes():
    assert run(SOD, case("r91p-50")) == []
    assert run(SOD, case("r91p-51")) == []


@pytest.mark.parametrize("storage", [["getsas"], ["setsas"], ["RegenerateKey"], ["all"]])
def test_a_key_administrator_getting_a_managed_accounts_sas_blocks(storage):
    """Fails before (908d9ad9): an access policy's storage permissions were not read (r91p-05)."""
    keys = ["get", "list", "create", "rotate"]
    assert says(run(SOD, _permissions(case("r91p-51"), keys=keys, storage=storage)), SAS)


@pytest.mark.parametrize("storage", [["get", "list"], ["set", "delete", "listsas"]])
def test_a_key_administrator_managing_storage_accounts_without_sas_passes(storage):
    keys = ["get", "list", "create", "rotate"]
    assert run(SOD, _permissions(case("r91p-51"), keys=keys, storage=storage)) == []


def test_masking_the_trail_log_group_is_siem_logging():
    """Fails before (908d9ad9): logs:PutDataProtectionPolicy granted no function (r91p-06)."""
    assert says(run(SOD, case("r91p-06")), "SIEM logging")
    assert run(SOD, case("r91p-53")) == []  # deleting a masking policy hides nothing


@pytest.mark.parametrize("stem", ["r91p-52", "r91p-54"])
def test_a_machine_whose_rules_together_collect_its_sign_ins_passes(stem):
    """Fails before (908d9ad9): each association's rule was judged alone (over-block)."""
    assert run(SIEM, case(stem)) == []


@pytest.mark.parametrize("stem", ["r91p-08", "r91p-09", "r91p-10"])
def test_sign_ins_split_wrongly_over_rules_block(stem):
    assert says(run(SIEM, case(stem)), "no sign-ins")


def _syslog(facilities: list[str], levels: list[str]) -> dict:
    return {"syslog": [{"name": "sys", "streams": ["Microsoft-Syslog"], "facilityNames": facilities,
                        "logLevels": levels}]}


@pytest.mark.parametrize(
    "facilities, levels",
    [(["cron"], ["Info"]), (["authpriv"], ["Warning", "Error"]), (["auth"], ["Info"]), ([], ["*"])],
)
def test_a_machines_second_rule_missing_authpriv_blocks(facilities, levels):
    """Fails before (908d9ad9) by its message only: each rule was judged alone, and blocked."""
    rs = patch(case("r91p-52"), "dcr-b", dataSources=_syslog(facilities, levels))
    assert says(run(SIEM, rs), "the data collection rules of the machine (dcr-a, dcr-b) collect no sign-ins")


@pytest.mark.parametrize("facilities", [["authpriv"], ["*"], ["auth", "authpriv"]])
def test_a_machines_second_rule_completing_it_passes(facilities):
    """Fails before (908d9ad9): dcr-a, collecting auth only, blocked on its own (over-block)."""
    assert run(SIEM, patch(case("r91p-52"), "dcr-b", dataSources=_syslog(facilities, ["Debug"]))) == []


def test_a_machine_whose_rules_send_no_log_stream_blocks():
    """Fails before (908d9ad9) by its message only (each rule's own)."""
    rs = patch(case("r91p-54"), "dcr-a", dataFlows=[{"streams": ["Microsoft-Syslog"], "destinations": ["x"]}])
    assert says(run(SIEM, rs), "the data collection rules of the machine (dcr-a, dcr-m) send no log stream")
