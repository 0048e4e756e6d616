"""What the repository's GitHub workflows hand on between jobs and runs actually arrives."""

from __future__ import annotations

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
