"""Round-28 blind probe classes (docs/pia-conditions.md, round 28): the Service Bus data roles known, a
storage account's logs sent from its services, SQL auditing to Azure Monitor needing the audited database's
diagnostic setting. One failing mutation per message, exact text."""

from ruletest import case, patch, run
from ruletest import messages_of as _of

from policies.core.view import UNKNOWN

SOD = "require-separation-of-duties"
SIEM = "require-siem-logging"
ROLES = "/providers/Microsoft.Authorization/roleDefinitions/"


def test_service_bus_data_roles_are_known():
    assert run(SOD, case("r28p-54")) == []
    receiver = patch(
        case("r28p-54"), "ra-sender", roleDefinitionId=ROLES + "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"
    )
    assert run(SOD, receiver) == []
    owner = patch(
        case("r28p-54"), "ra-sender", roleDefinitionId=ROLES + "090c5cfd-751d-490a-894a-3ce6f1109419"
    )
    assert _of(run(SOD, owner), "ra-sender") == [
        "role definition 090c5cfd-751d-490a-894a-3ce6f1109419 is neither a built-in role known to the gate "
        "(policies/core/iam/azure_builtin_roles.json) nor a custom role of this stack, so the functions it "
        "grants cannot be judged"
    ]


UNSENT = "no diagnostic setting sends this resource's logs to the SIEM workspace"


def test_storage_logs_sent_from_a_service():
    assert run(SIEM, case("r28p-53")) == []
    assert run(SIEM, case("r28p-57")) == []
    by_output = patch(case("r28p-57"), "diag-store-blob", resourceUri=UNKNOWN)
    assert run(SIEM, by_output) == []
    metrics_only = patch(
        by_output, "diag-store-blob", logs=None, metrics=[{"category": "Transaction", "enabled": True}]
    )
    assert _of(run(SIEM, metrics_only), "store") == [UNSENT]
    other_account = patch(case("r28p-57"), "store-blob", accountName="stother")
    other_account = patch(
        other_account,
        "diag-store-blob",
        resourceUri="/subscriptions/s/providers/x/storageAccounts/stother/blobServices/default",
    )
    other_account[-2]["refs"] = {}
    assert _of(run(SIEM, other_account), "store") == [UNSENT]


NOWHERE = (
    "SQL auditing writes to Azure Monitor only, but no diagnostic setting of the database 'master' "
    "(resourceUri `.../servers/<server>/databases/<db>`, master for a server policy) sends its "
    "SQLSecurityAuditEvents to a workspace of the stack: the audit records go nowhere"
)
NO_TARGET = (
    "SQL auditing has no target (no `storageEndpoint`, `isAzureMonitorTargetEnabled` not true): no audit "
    "records are kept or reach the SIEM"
)


def test_sql_audit_to_monitor_needs_the_database_setting():
    ok = case("r28p-52")
    assert run(SIEM, ok) == []
    assert _of(run(SIEM, case("r28p-01")), "sql-audit") == [NOWHERE]
    assert _of(run(SIEM, case("r28p-03")), "sql-audit") == [NOWHERE]
    assert _of(run(SIEM, patch(ok, "sql-audit", isAzureMonitorTargetEnabled=None)), "sql-audit") == [
        NO_TARGET
    ]
    stored = patch(case("r28p-01"), "sql-audit", storageEndpoint="https://stcorpus.blob.core.windows.net/")
    # session 19: a storage target keeps the records, but the SIEM still needs the database's setting
    assert _of(run(SIEM, stored), "sql-audit") == [
        NOWHERE.replace("Azure Monitor only", "Azure Monitor").replace(
            "go nowhere", "never reach the SIEM (only the storage account keeps them)"
        )
    ]


def test_sql_audit_setting_built_from_the_server_output():
    ok = case("r28p-52")
    for r in ok:
        if r["name"] == "diag-sql-master":
            r["refs"] = {**r["refs"], "resourceUri": "sql"}
    by_output = patch(ok, "diag-sql-master", resourceUri=UNKNOWN)
    assert run(SIEM, by_output) == []
    group_only = patch(by_output, "diag-sql-master", logs=[{"categoryGroup": "audit", "enabled": True}])
    assert _of(run(SIEM, group_only), "sql-audit") == [NOWHERE]


def test_database_audit_needs_that_database_setting():
    found = _of(run(SIEM, case("r28p-04")), "db-audit")  # round 93: its one group lacks sign-ins
    assert found[-1:] == [NOWHERE.replace("'master'", "'subsidies'")] and len(found) == 2
    assert _of(run(SIEM, case("r28p-05")), "store") == [UNSENT]
