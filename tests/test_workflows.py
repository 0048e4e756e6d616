"""What the repository's GitHub workflows hand on between jobs and runs actually arrives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

WORKFLOWS = sorted((Path(__file__).resolve().parents[1] / ".github" / "workflows").glob("*.yml"))


def _steps(uses: str) -> list[tuple[str, dict]]:
    found = []
    for wf in WORKFLOWS:
        for job in yaml.safe_load(wf.read_text(encoding="utf-8"))["jobs"].values():
            found += [(wf.name, s.get("with") or {}) for s in job.get("steps", ())
                      if str(s.get("uses", "")).startswith(uses)]
    return found


def _hidden(path: str) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in Path(path.lstrip("!")).parts)


@pytest.mark.parametrize(("workflow", "args"), _steps("actions/upload-artifact@"))
def test_an_artefact_of_hidden_paths_includes_hidden_files(workflow: str, args: dict) -> None:
    """upload-artifact >= 4.4 silently leaves out files under a dot directory (.gate/, .updates/)."""
    paths = [p for p in str(args.get("path", "")).splitlines() if p.strip() and not p.startswith("!")]
    if any(_hidden(p) for p in paths):
        assert args.get("include-hidden-files") is True, f"{workflow}: {paths}"


def test_a_shard_hands_the_next_level_its_update_graphs() -> None:
    """The next level's stacks read `.updates/<stack>.state.json` for their update (docs/gate.md)."""
    text = next(w for w in WORKFLOWS if w.name == "policy-gate-level.yml").read_text(encoding="utf-8")
    assert "cp .gate/.updates/*.state.json" in text
    (args,) = [a for w, a in _steps("actions/upload-artifact@") if w == "policy-gate-level.yml"]
    assert args.get("include-hidden-files") is True


def test_the_gate_workflow_keeps_its_stack_cache_between_runs() -> None:
    cached = [str(a.get("path", "")) for w, a in _steps("actions/cache@") if w == "policy-gate.yml"]
    assert any(".gate/cache" in p and ".gate/.stack-references.json" in p for p in cached), cached


def test_the_gate_artefact_keeps_the_run_and_leaves_the_cache_out() -> None:
    (args,) = [a for w, a in _steps("actions/upload-artifact@") if w == "policy-gate.yml"]
    paths = str(args["path"]).split()
    assert ".gate/" in paths and "!.gate/cache/" in paths and args["if-no-files-found"] == "error"


def _excluded_stacks(condition: str) -> set[str]:
    """The stacks a step's `if: matrix.stack != 'x'` leaves out (the only form the workflow uses)."""
    return set(re.findall(r"matrix\.stack\s*!=\s*'([^']+)'", condition))


def test_every_cloud_preview_gets_the_credentials_its_backend_and_secrets_provider_need() -> None:
    """A stack whose state is in S3 or whose secrets provider is awskms cannot even be read without AWS
    credentials (dosis-prod, an Azure stack, was previewed without them)."""
    root = WORKFLOWS[0].parents[2]
    project = yaml.safe_load((root / "Pulumi.yaml").read_text(encoding="utf-8"))
    backend = str((project.get("backend") or {}).get("url", ""))
    gate = next(w for w in WORKFLOWS if w.name == "policy-gate.yml")
    job = yaml.safe_load(gate.read_text(encoding="utf-8"))["jobs"]["cloud-preview"]
    steps = {str(s.get("uses", "")).split("@")[0]: s for s in job["steps"]}
    aws_skips = _excluded_stacks(str(steps["aws-actions/configure-aws-credentials"].get("if", "")))
    for stack in job["strategy"]["matrix"]["stack"]:
        config = yaml.safe_load((root / "stacks" / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))
        needs_aws = backend.startswith("s3://") or str(config.get("secretsprovider", "")).startswith("awskms://")
        assert not (needs_aws and stack in aws_skips), f"{stack}: no AWS credentials for its state/secrets"
