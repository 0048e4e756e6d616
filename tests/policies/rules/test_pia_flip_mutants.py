"""What the flip mutants of the compliant PIA cases found (session 19: each boolean and enabled/disabled word
of a compliant case negated in turn; `scripts/dev/pia_drop_mutants.py --flip`). One test per new message, on
the compliant case the evasion (`evil/d29`-`d32`) came from."""

from policy_testlib import UNKNOWN
from ruletest import case, patch, run
from ruletest import messages_of as _of

PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
SIEM = "require-siem-logging"


def _unknown(path: str, what: str) -> str:
    return (
        f"`{path}` is unknown during preview, so {what} cannot be judged; the resource is treated as "
        "non-compliant (fail closed)"
    )


def test_a_search_domain_lets_no_anonymous_requests_in():
    domain = case("r18p-55")
    assert _of(run(PUBLIC, domain), "search") == []
    security = {"enabled": True, "internalUserDatabaseEnabled": False, "anonymousAuthEnabled": True}
    assert _of(run(PUBLIC, patch(domain, "search", advancedSecurityOptions=security)), "search") == [
        "`advancedSecurityOptions.anonymousAuthEnabled` is true: requests without sign-in are let in"
    ]
    unknown = {**security, "anonymousAuthEnabled": UNKNOWN}
    assert _of(run(PUBLIC, patch(domain, "search", advancedSecurityOptions=unknown)), "search") == [
        _unknown("advancedSecurityOptions.anonymousAuthEnabled", "who may send requests")
    ]


def test_a_backup_vault_uses_its_key_only_with_the_encryption_state_enabled():
    vault = case("r14p-49")
    assert _of(run(CMK, vault), "bvault") == []
    assert _of(run(CMK, case("d30-")), "bvault") == [
        "`properties.securitySettings.encryptionSettings.state` is 'Disabled'; encryption with a "
        "customer-managed key requires 'Enabled'"
    ]


def test_service_tasks_get_no_public_ip():
    service = case("r21p-51")
    assert _of(run(PUBLIC, service), "service") == []
    assert _of(run(PUBLIC, case("d31-")), "service") == [
        "`networkConfiguration.assignPublicIp` is True; expected False"
    ]


def test_sql_auditing_reaches_the_siem_through_azure_monitor():
    audit = case("r19p-54")
    assert _of(run(SIEM, audit), "sql-audit") == []
    assert _of(run(SIEM, case("d32-")), "sql-audit") == [
        "SQL auditing writes to its storage account only (`isAzureMonitorTargetEnabled` not true): the "
        "records are kept but never reach the SIEM; set it true"
    ]
    no_master = [r for r in audit if r["name"] != "diag-sql-master"]
    assert _of(run(SIEM, no_master), "sql-audit") == [
        "SQL auditing writes to Azure Monitor, but no diagnostic setting of the database 'master' "
        "(resourceUri `.../servers/<server>/databases/<db>`, master for a server policy) sends its "
        "SQLSecurityAuditEvents to a workspace of the stack: the audit records never reach the SIEM (only "
        "the storage account keeps them)"
    ]
    unknown = patch(audit, "sql-audit", isAzureMonitorTargetEnabled=UNKNOWN)
    assert _of(run(SIEM, unknown), "sql-audit") == [
        _unknown("isAzureMonitorTargetEnabled", "whether audits reach the SIEM")
    ]
