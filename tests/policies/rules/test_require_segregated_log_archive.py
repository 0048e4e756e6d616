"""require-segregated-log-archive (LOG-05 other-team): the corpus base stacks hold a compliant archive; each
evasion case of tests/corpus/pia (one idea each) must raise the message that names its idea."""

from __future__ import annotations

import pytest
from ruletest import CORPUS, base, judge, run

RULE = "require-segregated-log-archive"

# case -> fragment of the one message that names it (one failing mutation per message)
EVASIONS = {
    "log-archive-same-account": "which also runs the workload",
    "log-archive-unpinned-provider": "does not pin one account",
    "log-archive-role-in-workload": "assumes a role in account 111122223333 but pins account 444455556666",
    "log-archive-only-local-trail": "records into the workload account only",
    "log-archive-not-org-trail": "records into the workload account only",
    "log-archive-logging-stopped": "`enableLogging` is false",
    "log-archive-single-region": "`isMultiRegionTrail` is not true",
    "log-archive-no-object-lock": "has no Object Lock in COMPLIANCE mode",
    "log-archive-governance-lock": "has no Object Lock in COMPLIANCE mode",
    "log-archive-short-lock": "has no Object Lock in COMPLIANCE mode",
    "log-archive-bucket-elsewhere": "is not in this stack, so its lock and policy cannot be judged",
    "log-archive-bucket-in-workload": "is not created in the archive account 444455556666",
    "log-archive-no-deny": "does not deny the workload accounts ['111122223333']: s3:bypassgovernance",
    "log-archive-deny-with-breakglass-exception": "does not deny the workload accounts",
    "log-archive-deny-other-account": "does not deny the workload accounts",
    "log-archive-deny-deletes-only": "s3:putbucketpolicy",
    "log-archive-policy-unparsable": "is not valid JSON",
    "log-archive-policy-unknown": "is unknown during preview",
    "log-archive-key-not-denied": "the policy of key 'archive-key' does not deny the workload accounts",
    "log-archive-key-in-workload": "key 'key' is not in the archive account",
    "log-archive-breakglass-role": "of the log-archive account may be assumed from the workload side",
    "log-archive-workload-role-names-archive": "workload role 'cleanup' is granted s3:deleteobject on the",
    "log-archive-workload-unpinned": "so the workload cannot be told apart from the archive",
    "azure-archive-same-subscription": "is in the workload subscription",
    "azure-archive-ambient-subscription": "workspace 'soc-archive': provider 'p' names no subscriptionId",
    "azure-export-ambient-subscription": "export 'activity-export': provider 'p' names no subscriptionId",
    "azure-archive-unlocked": "has no CanNotDelete lock",
    "azure-archive-not-sentinel": "is not onboarded to Sentinel",
    "azure-archive-short-retention": "does not keep the AzureActivity table 3650 days",
    "azure-export-to-outside-workspace": "`workspaceId` is not a workspace of this stack",
    "azure-admin-also-archive-admin": "holds a role in the workload subscription and one on the log archive",
    "azure-unknown-principal-on-archive": "is unknown during preview, so it cannot be shown",
}


def _case(kind: str, name: str):
    return judge.load_case(CORPUS / kind / f"{name}.yaml")


def test_compliant_fixtures():
    assert run(RULE, base("aws")) == []
    assert run(RULE, base("azure")) == []  # exports no activity log: nothing to judge
    ok = ("azure-security-archive", "log-archive-deny-all-but-archive", "log-archive-admin-role-in-archive")
    for name in ok:
        assert run(RULE, _case("ok", name)["resources"]) == [], name


@pytest.mark.parametrize("name", sorted(EVASIONS))
def test_each_evasion_names_its_idea(name):
    case = _case("evil", name)
    assert RULE in case["expect"]
    found = run(RULE, case["resources"])
    assert any(EVASIONS[name] in m for _, m in found), found


def test_every_log_archive_case_is_listed():
    names = {p.stem for p in (CORPUS / "evil").glob("*.yaml")
             if p.stem.startswith(("log-archive-", "azure-archive-", "azure-export-"))}
    assert names <= set(EVASIONS)


def test_a_recorded_break_glass_role_is_no_exception():
    """The PIA record's break-glass role is excused from MFA rules, never from the archive's segregation."""
    case = _case("evil", "log-archive-workload-role-names-archive")
    resources = [
        dict(r, inputs={**r["inputs"], "name": "break-glass"}) if r["name"] == "cleanup" else r
        for r in case["resources"]
    ]
    found = run(RULE, resources)
    assert any("workload role 'break-glass' (a break-glass principal) is granted s3:deleteobject" in m
               for _, m in found), found
