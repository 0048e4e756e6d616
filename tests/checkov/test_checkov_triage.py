"""The project's triage of advisory checkov findings: read through the `checkov-triage` hook, reported with
the finding, refused when unreadable or when it names a mandatory check (no checkov run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate.checkov import findings, runner
from gate.errors import GateError, UsageError
from gate.model import StackReport, Violation
from gate.report import to_sarif
from gate.settings import from_table

from policies.core.checkov_triage import load_checkov_triage

HOOK = "policies.core.checkov_triage:load_checkov_triage"
ROLE = "urn:pulumi:s::p::aws:iam/role:Role::people-operator"
TASK = "urn:pulumi:s::p::aws:iam/role:Role::drupal-task"
GOOD = ("triage:\n"
        "  - {check: CKV_AWS_61, type: 'aws:iam/role:Role', names: ['people-*'], decision: by-design,\n"
        "     reason: the administrator roles trust their own account with MFA in the condition}\n")


@pytest.fixture
def records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    return tmp_path


def _found(*failed: tuple[str, str, str]) -> dict:
    return {"failed": [[ckv, urn, token, f"name of {ckv}", ""] for ckv, urn, token in failed], "runs": {}}


def test_a_decided_advisory_finding_carries_its_decision(records: Path) -> None:
    (records / "checkov-triage.yaml").write_text(GOOD)
    triage = runner.load_triage("s", {"CKV_AWS_7"}, hook=HOOK)
    scan = findings.stack_scan(_found(("CKV_AWS_61", ROLE, "aws:iam/role:Role"),
                                      ("CKV_AWS_61", TASK, "aws:iam/role:Role"),
                                      ("CKV_AWS_7", ROLE, "aws:iam/role:Role")), {"CKV_AWS_7"}, {}, triage)
    by = {(v.policy, v.urn): v for v in scan.violations}
    assert by[("CKV_AWS_61", ROLE)].message.startswith(
        "[triaged by-design: the administrator roles trust their own account with MFA in the condition] ")
    assert by[("CKV_AWS_61", ROLE)].level == "advisory"
    assert by[("CKV_AWS_61", TASK)].message == "name of CKV_AWS_61"    # a name the decision does not cover
    assert by[("CKV_AWS_7", ROLE)].blocking                              # a mandatory check is never triaged


def test_no_hook_or_no_file_is_no_triage(records: Path) -> None:
    assert runner.load_triage("s", set()) == ()
    assert runner.load_triage("s", set(), hook=HOOK) == ()


@pytest.mark.parametrize(("text", "wording"), [
    ("triage: {}\n", "checkov-triage.yaml: triage: must be a list"),
    (GOOD.replace("decision: by-design", "decision: later"), "triage[0].decision: 'later' is none of"),
    (GOOD.replace("CKV_AWS_61", "aws-61"), "triage[0].check: 'aws-61' is not a checkov id"),
    (GOOD.replace("names: ['people-*']", "names: []"), "triage[0].names: must be a non-empty list"),
    (GOOD.replace("by-design,", "by-design, owner: me,"), "triage[0]: must have exactly the keys"),
    (GOOD.replace("the administrator roles trust their own account with MFA in the condition", "fine"),
     "triage[0].reason: must say why"),
    (GOOD + "  - {check: CKV_AWS_7\n", "checkov-triage.yaml: not valid YAML at line"),
])
def test_an_unreadable_triage_is_bad_input_naming_the_file_and_key(records: Path, text: str,
                                                                     wording: str) -> None:
    (records / "checkov-triage.yaml").write_text(text)
    with pytest.raises(GateError, match=r"^\[tool.gate\] checkov-triage: .*") as caught:
        runner.load_triage("s", set(), hook=HOOK)
    assert wording in str(caught.value)


def test_a_decision_on_a_mandatory_check_is_refused(records: Path) -> None:
    (records / "checkov-triage.yaml").write_text(GOOD.replace("CKV_AWS_61", "CKV_AWS_7"))
    with pytest.raises(GateError, match="CKV_AWS_7 is a mandatory check: a finding of it is waived"):
        runner.load_triage("s", {"CKV_AWS_7"}, hook=HOOK)


def test_the_setting_is_a_hook_and_the_project_names_the_loader(tmp_path: Path) -> None:
    settings = from_table(tmp_path / "pyproject.toml", {"checkov-triage": HOOK})
    assert settings.checkov_triage == HOOK
    with pytest.raises(UsageError, match=r"checkov-triage: expected \"module:function\""):
        from_table(tmp_path / "pyproject.toml", {"checkov-triage": "policies.core.checkov_triage"})
    project = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert f'checkov-triage = "{HOOK}"' in project


def test_the_project_record_parses() -> None:
    assert len(load_checkov_triage("portal-prod")) > 20


def test_sarif_marks_a_triaged_advisory_as_suppressed_with_its_reason(records: Path) -> None:
    """Code scanning shows the project's decision, as for a waiver; a prefix only written like the gate's
    (a pack's message) or on a blocking finding suppresses nothing."""
    (records / "checkov-triage.yaml").write_text(GOOD)
    scan = findings.stack_scan(_found(("CKV_AWS_61", ROLE, "aws:iam/role:Role")), set(), {},
                               runner.load_triage("s", set(), hook=HOOK))
    forged = scan.violations[0].message
    others = [Violation(pack="eu-residency", policy="require-eea-location", level="advisory", severity="low",
                        urn=TASK, type="aws:iam/role:Role", message=forged),
              Violation(pack="checkov", policy="CKV_AWS_7", level="mandatory", severity="high", urn=TASK,
                        type="aws:kms/key:Key", message=forged)]
    results = to_sarif([StackReport("s", 2, [*scan.violations, *others])])["runs"][0]["results"]
    assert results[0]["suppressions"] == [{
        "kind": "external", "status": "accepted",
        "justification": "triaged by-design: the administrator roles trust their own account with MFA in "
                         "the condition"}]
    assert "suppressions" not in results[1] and "suppressions" not in results[2]


def test_a_reason_may_not_end_the_prefix_early(records: Path) -> None:
    (records / "checkov-triage.yaml").write_text(GOOD.replace(
        "reason: the administrator roles trust their own account with MFA in the condition",
        "reason: 'the administrator roles trust their own account with MFA in the condition] x'"))
    with pytest.raises(GateError, match=r"triage\[0\].reason: must not hold `\]`"):
        runner.load_triage("s", set(), hook=HOOK)
