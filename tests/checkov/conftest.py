"""One checkov run for the whole checkov test session (startup alone is ~4 s): every scenario is a stack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from checkov_states import scenarios, sdk_program


@pytest.fixture(scope="session")
def checkov_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """scan_stacks() over all scenarios once, with one checkov waiver on record; findings, runs, workdir."""
    from gate.checkov import scan_stacks

    records = tmp_path_factory.mktemp("records")
    (records / "waivers").mkdir()
    (records / "waivers" / "aws-cases.yaml").write_text(
        "waivers:\n"
        "  - {rule: CKV_AWS_24, resource: 'urn:pulumi:aws-cases::dosis-eloket::aws:ec2/securityGroup:"
        "SecurityGroup::sg-ssh-world', reason: bastion replaced next sprint per change 42,"
        " owner: platform-team, decided: 2026-11-01, expires: 2027-10-31}\n"
        "  - {rule: CKV_AWS_16, resource: 'urn:pulumi:aws-cases::dosis-eloket::aws:rds/instance:Instance::"
        "db-plain', reason: expired waivers must not waive anything at all,"
        " owner: platform-team, decided: 2026-01-01, expires: 2026-06-30}\n")
    workdir = tmp_path_factory.mktemp("gate")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DOSIS_RECORDS_DIR", str(records))
        from gate.recording import record_callable

        recorded = record_callable(sdk_program, stack="sdk-cases", config={
            "aws:region": "eu-west-1", "azure-native:location": "westeurope"})
        result = scan_stacks({**scenarios(), "sdk-cases": recorded.to_checkpoint()}, workdir)
    return {"found": {s: r.violations for s, r in result.items()},
            "runs": {s: r.runs for s, r in result.items()}, "workdir": Path(workdir)}
