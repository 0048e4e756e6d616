"""Round 9 of the engine red team (docs/gate-red-team.md): a gate run whose word can be checked.

Blind cases first (written before reading the run seal and the evidence export code): an auditor gets
the gate directory a CI job wrote and exports evidence from it. Each evil case forges that directory the
way someone who read docs/gate.md would (every file it edits has its digest recomputed in run.json) and
must end in exit 2 naming the file; the good ones must export. The gate dirs are real `gate preview
--out` runs of this project's `portal-prod` (and one of `interconnect-prod`).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from evidence import cli
from evidence_fixtures import PROJECT, copy_gate_dir, gate_preview

pytestmark = pytest.mark.slow
STACK = "portal-prod"
AS_OF = "2027-01-15"        # the project's waivers are valid (they expire 2027-09-30)


def _gate(out: Path, *args: str, stack: str = STACK) -> int:
    return gate_preview(out, stack, *args, as_of=AS_OF)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("r9") / "gate"
    assert _gate(out) == 0
    return out


def _export(gate_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
            *args: str) -> tuple[int, str]:
    code = cli.main(["export", "--stack", STACK, "--gate-dir", str(gate_dir), "--out",
                     str(tmp_path / "bundle"), "--as-of", AS_OF, *args])
    return code, capsys.readouterr().err


def _rehash(gate_dir: Path) -> None:
    """What a forger who read docs/gate.md does after editing files: recompute every digest in run.json."""
    index = json.loads((gate_dir / "run.json").read_text())
    for files in index["stacks"].values():
        for name in files:
            files[name] = hashlib.sha256((gate_dir / name).read_bytes()).hexdigest()
    (gate_dir / "run.json").write_text(json.dumps(index, indent=1))


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def _dump(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, indent=1))


def _referenced(urn: str, resources: list[dict]) -> bool:
    """Whether another resource names this one (its URN, id, ARN or parent): a careful forger removes only
    what nothing refers to (corrected after the blind run: a dangling reference gave the forgery away)."""
    me = next(r for r in resources if r["urn"] == urn)
    marks = {urn, str(me.get("id") or "\0"), str((me.get("outputs") or {}).get("arn") or "\0")}
    for r in resources:
        if r["urn"] == urn:
            continue
        text = json.dumps([r.get(k) for k in ("inputs", "parent", "dependencies", "propertyDependencies")])
        if any(m in text for m in marks):
            return True
    return False


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "the export says why it refuses"
    return lines[-1]


def test_good_an_untouched_signed_run_exports_and_verifies(clean_run, tmp_path, capsys) -> None:
    """Compliant: the README's main job on the same day: the bundle is written and verifies."""
    code, err = _export(copy_gate_dir(clean_run, tmp_path), tmp_path, capsys)
    assert code == 0, err
    assert cli.main(["verify", str(tmp_path / "bundle")]) == 0


def test_good_a_second_run_answered_from_the_stack_cache_exports(tmp_path, capsys) -> None:
    """Compliant: two runs sharing a cache directory; the second answers `cached` for an unchanged stack
    and its gate dir exports like a fresh one."""
    out, cache = tmp_path / "gate", tmp_path / "cache"
    assert _gate(out, "--cache-dir", str(cache)) == 0
    assert _gate(out, "--cache-dir", str(cache)) == 0
    assert _load(out / f"{STACK}.report.json").get("cached") is True
    code, err = _export(out, tmp_path, capsys)
    assert code == 0, err


def test_evil_a_state_and_a_report_forged_together(clean_run, tmp_path, capsys) -> None:
    """Evil: a resource with findings removed from the state, its findings removed from the report (the
    bundle then shows fewer open findings), digests recomputed. Re-judging the state finds nothing missing:
    only the gate's own word can tell -> exit 2 naming run.json. (Corrected after the blind run: the blind
    version removed a bucket others refer to, and the dangling reference gave it away.)"""
    gate_dir = copy_gate_dir(clean_run, tmp_path)
    report = _load(gate_dir / f"{STACK}.report.json")
    resources = _load(gate_dir / f"{STACK}.state.json")["deployment"]["resources"]
    urn = next(v["urn"] for v in report["violations"] if not _referenced(v["urn"], resources))
    report["violations"] = [v for v in report["violations"] if v["urn"] != urn]
    _dump(gate_dir / f"{STACK}.report.json", report)
    for name in (f"{STACK}.state.json", f".updates/{STACK}.state.json"):
        state = _load(gate_dir / name)
        state["deployment"]["resources"] = [r for r in state["deployment"]["resources"] if r["urn"] != urn]
        _dump(gate_dir / name, state)
    _rehash(gate_dir)
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err
    assert "run.json" in _one_line(err), err


def test_evil_checkov_results_replaced_by_clean_ones(clean_run, tmp_path, capsys) -> None:
    """Evil: every checkov finding removed from the report (a clean checkov result put in its place),
    digests recomputed; the packs' findings are untouched -> exit 2 naming the report."""
    gate_dir = copy_gate_dir(clean_run, tmp_path)
    report = _load(gate_dir / f"{STACK}.report.json")
    assert any(v["pack"] == "checkov" for v in report["violations"])
    report["violations"] = [v for v in report["violations"] if v["pack"] != "checkov"]
    _dump(gate_dir / f"{STACK}.report.json", report)
    _rehash(gate_dir)
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err
    assert f"{STACK}.report.json" in _one_line(err) or "run.json" in _one_line(err), err


def test_evil_an_update_graph_whose_verdict_was_flipped(clean_run, tmp_path, capsys) -> None:
    """Evil: the update graph (what deploys) has a bucket in us-east-1 while the report says nothing of it
    (the "(when deployed)" verdict flipped to clean), digests recomputed -> exit 2 naming the update graph
    or the report."""
    gate_dir = copy_gate_dir(clean_run, tmp_path)
    name = f".updates/{STACK}.state.json"
    state = _load(gate_dir / name)
    bucket = next(r for r in state["deployment"]["resources"] if r["type"] == "aws:s3/bucket:Bucket")
    bucket["inputs"]["region"] = bucket.setdefault("outputs", {})["region"] = "us-east-1"
    _dump(gate_dir / name, state)
    _rehash(gate_dir)
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err
    line = _one_line(err)
    assert name in line or f"{STACK}.report.json" in line or "run.json" in line, err


def test_evil_a_gate_dir_of_another_stack_renamed(tmp_path, capsys) -> None:
    """Evil: a clean run of `interconnect-prod` (same commit, same judge) renamed to `portal-prod` and
    indexed as it -> exit 2 naming the file that is not portal-prod's."""
    gate_dir = tmp_path / "gate"
    assert _gate(gate_dir, stack="interconnect-prod") in (0, 1)   # alone it blocks (its references)
    index = _load(gate_dir / "run.json")
    files = index["stacks"].pop("interconnect-prod")
    renamed = {}
    for name in files:
        new = name.replace("interconnect-prod", STACK)
        (gate_dir / new).parent.mkdir(parents=True, exist_ok=True)
        (gate_dir / name).rename(gate_dir / new)
        renamed[new] = ""
    report = _load(gate_dir / f"{STACK}.report.json")
    report["stack"] = STACK
    _dump(gate_dir / f"{STACK}.report.json", report)
    index["stacks"][STACK] = renamed
    _dump(gate_dir / "run.json", index)
    _rehash(gate_dir)
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err


def test_evil_a_report_that_says_cached_for_a_stack_whose_state_changed(clean_run, tmp_path, capsys) -> None:
    """Evil: the report says `cached` and the state beside it is an older one (a resource gone: the cache
    answered though the program changed), digests recomputed -> exit 2."""
    gate_dir = copy_gate_dir(clean_run, tmp_path)
    report = _load(gate_dir / f"{STACK}.report.json")
    report["cached"] = True
    _dump(gate_dir / f"{STACK}.report.json", report)
    state = _load(gate_dir / f"{STACK}.state.json")
    flagged = {v["urn"] for v in report["violations"]}
    gone = next(r["urn"] for r in state["deployment"]["resources"]
                if r.get("custom", True) and r["urn"] not in flagged and r["type"].startswith("aws:")
                and not any(r["urn"] == p.get("parent") for p in state["deployment"]["resources"]))
    state["deployment"]["resources"] = [r for r in state["deployment"]["resources"] if r["urn"] != gone]
    _dump(gate_dir / f"{STACK}.state.json", state)
    _rehash(gate_dir)
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err


# Variants written after the fixes (round 9): the same forgeries without the signature the forger cannot
# make, exported with --allow-unsigned-gate: what lies behind the signature judges them again.

def _unsigned(gate_dir: Path) -> Path:
    (gate_dir / "run.dsse.json").unlink(missing_ok=True)
    return gate_dir


def test_variant_checkov_results_replaced_in_an_unsigned_run(clean_run, tmp_path, capsys) -> None:
    gate_dir = copy_gate_dir(clean_run, tmp_path)
    report = _load(gate_dir / f"{STACK}.report.json")
    report["violations"] = [v for v in report["violations"] if v["pack"] != "checkov"]
    _dump(gate_dir / f"{STACK}.report.json", report)
    _rehash(_unsigned(gate_dir))
    code, err = _export(gate_dir, tmp_path, capsys, "--allow-unsigned-gate")
    assert code == 2, err
    assert (f"{gate_dir / STACK}.report.json: does not say what the packs and checkov say of "
            f"{STACK}.state.json (judged again at export: ") in _one_line(err), err
    assert "first: checkov/CKV" in err, err


def test_variant_an_update_graph_flipped_in_an_unsigned_run(clean_run, tmp_path, capsys) -> None:
    gate_dir = copy_gate_dir(clean_run, tmp_path)
    name = f".updates/{STACK}.state.json"
    state = _load(gate_dir / name)
    bucket = next(r for r in state["deployment"]["resources"] if r["type"] == "aws:s3/bucket:Bucket")
    bucket["inputs"]["region"] = bucket.setdefault("outputs", {})["region"] = "us-east-1"
    _dump(gate_dir / name, state)
    _rehash(_unsigned(gate_dir))
    code, err = _export(gate_dir, tmp_path, capsys, "--allow-unsigned-gate")
    assert code == 2, err
    assert (f"{gate_dir / STACK}.report.json: does not say what the packs say of {name} (the update graph) "
            "(judged again at export: ") in _one_line(err), err
    assert "eu-residency/require-eea-location (mandatory)" in err, err


def test_variant_a_forged_run_re_signed_by_another_key(clean_run, tmp_path, capsys) -> None:
    from gate import dsse, run_sign

    gate_dir = copy_gate_dir(clean_run, tmp_path)
    report = _load(gate_dir / f"{STACK}.report.json")
    report["violations"] = [v for v in report["violations"] if v["pack"] != "checkov"]
    _dump(gate_dir / f"{STACK}.report.json", report)
    _rehash(gate_dir)
    forger = dsse.load_signer(tmp_path / "forger.pem")
    (gate_dir / "run.dsse.json").write_bytes(run_sign.envelope((gate_dir / "run.json").read_bytes(), forger))
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err
    assert f"{gate_dir / 'run.dsse.json'}: not signed by the gate key " in _one_line(err), err


def test_good_an_honest_unsigned_run_exports_when_allowed_and_the_bundle_says_so(clean_run, tmp_path,
                                                                                 capsys) -> None:
    gate_dir = _unsigned(copy_gate_dir(clean_run, tmp_path))
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2 and "unsigned gate run (no run.dsse.json)" in _one_line(err), err
    code, err = _export(gate_dir, tmp_path, capsys, "--allow-unsigned-gate")
    assert code == 0, err
    manifest = _load(tmp_path / "bundle" / "manifest.json")
    assert "UNSIGNED gate run (exported with --allow-unsigned-gate)" in manifest["sources"][STACK]


def test_the_readme_main_job_exports_a_bundle_of_a_signed_gate_run(tmp_path) -> None:
    """The README's main command, as written (through the same modules scripts/uvw runs): gate preview
    --all --out, then evidence export --all --gate-dir; the bundle names the gate key that signed the run
    and verifies."""
    env = {**os.environ, "PYTHONPATH": f"{PROJECT}{os.pathsep}{PROJECT / 'scripts'}",
           "EVIDENCE_SIGNING_KEY": str(tmp_path / "evidence-key.pem")}
    gate, out = tmp_path / "build" / "gate", tmp_path / "build" / "evidence"
    for cmd in (["gate", "preview", "--all", "--out", str(gate)],
                ["evidence", "export", "--all", "--gate-dir", str(gate), "--out", str(out)]):
        run = subprocess.run([sys.executable, "-m", *cmd], cwd=PROJECT, env=env, capture_output=True,
                             text=True, timeout=900, check=False)
        assert run.returncode == 0, run.stderr
    manifest = _load(out / "manifest.json")
    assert len(manifest["stacks"]) == 3
    assert all("; gate run signed by key " in manifest["sources"][s] for s in manifest["stacks"]), manifest
    verify = subprocess.run([sys.executable, "-m", "evidence", "verify", str(out), "--key",
                             str(tmp_path / "evidence-key.pem.pub")], cwd=PROJECT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
