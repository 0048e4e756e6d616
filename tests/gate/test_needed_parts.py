"""The gate's own parts are not optional: a scan or an evaluation it cannot load is exit 2 naming it, never a
run without it (CI, session 43: under RLIMIT_AS the dlopen of a C extension failed and checkov's scan was
skipped with a note; the stack would have passed on the packs alone)."""

from __future__ import annotations

import argparse
import sys

import pytest
from gate.commands import checkov_scans
from gate.errors import GateError, needed
from gate.judge import pack_report


def test_a_part_that_does_not_load_is_a_one_line_error_naming_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "gate.report", None)   # None in sys.modules: its import raises
    with pytest.raises(GateError, match=r"^--format sarif: cannot load gate\.report \(.+\); nothing judged$"):
        needed("gate.report", "--format sarif")


@pytest.mark.parametrize("module", ["gate.checkov.runner", "gate.checkov.pipeline"])
def test_checkov_that_does_not_load_is_not_a_clean_scan(monkeypatch, tmp_path, module) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(GateError, match=rf"^checkov: cannot load {module} "):
        checkov_scans(argparse.Namespace(), tmp_path)


def test_packs_that_do_not_load_are_not_a_stack_without_findings(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "gate.policyhost", None)
    state = {"deployment": {"resources": [{"custom": True, "type": "aws:s3/bucket:Bucket"}]}}
    with pytest.raises(GateError, match=r"^stack dev: the policy packs: cannot load gate\.policyhost "):
        pack_report(state, "dev", {"project": "p", "config": {}},
                    argparse.Namespace(policy_mode="in-process"), ([], {}), "stack dev")
