"""Round 7 of the engine red team (docs/gate-red-team.md), the auditor's side: blind cases first.

Each evil case must end in exit 2 naming the cause (export) or exit 1 naming the file (verify); never a
bundle that says "compliant" for a run that was not, nor "intact" for a bundle that was changed. The
gate dirs are real `gate preview --out` runs of this project's `portal-prod` (about 15 s each).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from evidence import cli
from evidence.export import export
from evidence_fixtures import PROJECT, copy_gate_dir, gate_preview

pytestmark = pytest.mark.slow
STACK = "portal-prod"
AS_OF = "2027-01-15"        # the project's waivers are valid (they expire 2027-09-30)
LATE = "2027-10-15"         # ... and expired


def _gate(out: Path, *args: str, program: Path | None = None) -> int:
    return gate_preview(out, STACK, *args, *(["--program", str(program)] if program is not None else []),
                        as_of=AS_OF)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("r7") / "gate"
    assert _gate(out) == 0
    return out


def _export(gate_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
            as_of: str = AS_OF) -> tuple[int, str]:
    code = cli.main(["export", "--stack", STACK, "--gate-dir", str(gate_dir), "--out",
                     str(tmp_path / "bundle"), "--as-of", as_of, *_UNSIGNED])
    return code, capsys.readouterr().err


_UNSIGNED = ("--allow-unsigned-gate",)   # round 9 signs run.json: these cases test what lies behind it


def _rehash(gate_dir: Path) -> None:
    """What an adversary who read docs/gate.md does after editing a file: recompute its digest in run.json
    (and, since round 9, drop the signature it cannot make; the export is told to allow unsigned runs)."""
    (gate_dir / "run.dsse.json").unlink(missing_ok=True)
    index = json.loads((gate_dir / "run.json").read_text())
    for files in index["stacks"].values():
        for name in files:
            files[name] = hashlib.sha256((gate_dir / name).read_bytes()).hexdigest()
    (gate_dir / "run.json").write_text(json.dumps(index, indent=1))


def test_good_an_untouched_gate_run_of_this_project_exports_and_verifies(clean_run, tmp_path, capsys) -> None:
    """Compliant: the README's main job (gate preview --out, then export --gate-dir) on the same day."""
    code, err = _export(copy_gate_dir(clean_run, tmp_path), tmp_path, capsys)
    assert code == 0, err
    assert cli.main(["verify", str(tmp_path / "bundle")]) == 0


def test_evil_a_blocked_report_edited_clean_with_its_digest_recomputed(clean_run, tmp_path, capsys) -> None:
    """Evil: a us-east-1 finding the pack reported is removed from a report (the state keeps the resource,
    edited to us-east-1), run.json's digests recomputed -> exit 2 (the report does not say what the packs
    say of the state)."""
    gate_dir = copy_gate_dir(clean_run, tmp_path)
    state_file = gate_dir / f"{STACK}.state.json"
    state = json.loads(state_file.read_text())
    bucket = next(r for r in state["deployment"]["resources"] if r["type"] == "aws:s3/bucket:Bucket")
    bucket["inputs"]["region"] = bucket.setdefault("outputs", {})["region"] = "us-east-1"
    state_file.write_text(json.dumps(state, indent=1))
    _rehash(gate_dir)
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err
    assert "require-eea-location" in err, err
    assert f"{STACK}.report.json: does not say what the packs and checkov say" in err, err


def test_evil_a_gate_dir_of_another_project_with_the_same_stack_name(tmp_path, capsys) -> None:
    """Evil: another program (one EU bucket, nothing of this project) judged as `portal-prod` -> exit 2
    (the gate run judged another program than this project's)."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "Pulumi.yaml").write_text("name: dosis-eloket\nruntime: python\n"
                                       "backend:\n  url: s3://state-eu?region=eu-west-1\n")
    (other / f"Pulumi.{STACK}.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (other / "__main__.py").write_text("import pulumi_aws as aws\n\naws.s3.Bucket('data')\n")
    gate_dir = tmp_path / "gate"
    _gate(gate_dir, program=other)
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err
    assert "another program" in err, err


def test_evil_a_gate_dir_of_another_commit(clean_run, tmp_path, capsys) -> None:
    """Evil: a gate dir left by a run of an older commit (its program digest differs from this checkout's;
    simulated by the digest another checkout would give) -> exit 2 naming the commit mismatch."""
    gate_dir = copy_gate_dir(clean_run, tmp_path)
    index = json.loads((gate_dir / "run.json").read_text())
    seal = index.get("seal", {})
    assert seal, "run.json says which program and judge the run judged"
    seal["program"] = "0" * 64
    (gate_dir / "run.json").write_text(json.dumps(index, indent=1))
    (gate_dir / "run.dsse.json").unlink()
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err
    assert "another program" in err, err


def test_evil_a_gate_run_with_a_lenient_pack_config(tmp_path, capsys) -> None:
    """Evil: the gate dir was judged with a pack config that disables require-eea-location -> exit 2 (the
    judge of the run is not this project's)."""
    lenient = tmp_path / "lenient.json"
    config = json.loads((PROJECT / "policies/config/eu-residency.json").read_text())
    config["require-eea-location"] = "disabled"
    lenient.write_text(json.dumps(config))
    gate_dir = tmp_path / "gate"
    assert _gate(gate_dir, "--policy-pack-config", f"eu-residency={lenient}") in (0, 1)
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err
    assert "another judge" in err, err


def test_evil_waivers_that_expired_between_the_gate_run_and_the_export(clean_run, tmp_path, capsys) -> None:
    """Evil: the gate ran while the waivers held; the export is dated after they expired -> exit 2 (the
    run's evaluation date is not the export's)."""
    code, err = _export(copy_gate_dir(clean_run, tmp_path), tmp_path, capsys, as_of=LATE)
    assert code == 2, err
    assert AS_OF in err and LATE in err, err


def test_evil_records_that_differ_from_those_the_gate_run_judged_by(tmp_path, capsys) -> None:
    """Evil: the gate run judged with a records directory holding an extra waiver (records edited after the
    run, or given by flag) -> exit 2 (the judge of the run is not this project's)."""
    records = tmp_path / "records"
    shutil.copytree(PROJECT / "stacks/records", records)
    waivers = records / "waivers" / f"{STACK}.yaml"
    waivers.write_text(waivers.read_text() + "\n# reviewed by nobody\n")
    gate_dir = tmp_path / "gate"
    assert _gate(gate_dir, "--records", str(records)) in (0, 1)
    code, err = _export(gate_dir, tmp_path, capsys)
    assert code == 2, err
    assert "another judge" in err, err


@pytest.fixture
def bundle(tmp_path: Path, export_kwargs) -> Path:
    out = tmp_path / "bundle"
    export(PROJECT, out, stacks=[STACK], state_file=None, **export_kwargs)
    assert cli.main(["verify", str(out)]) == 0
    return out


def _verify(bundle: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(["verify", str(bundle), *args])
    cap = capsys.readouterr()
    return code, cap.out + cap.err


def test_evil_verify_a_file_renamed_inside_the_bundle(bundle, capsys) -> None:
    """Evil: the failing stack's report renamed away and the manifest left as it was -> exit 1 naming both."""
    src = bundle / "stacks" / STACK / "report.json"
    src.rename(bundle / "stacks" / STACK / "report.old.json")
    code, out = _verify(bundle, capsys)
    assert code == 1, out
    assert f"removed: stacks/{STACK}/report.json" in out, out
    assert f"added: stacks/{STACK}/report.old.json" in out, out


def test_evil_verify_a_manifest_resigned_by_another_key(bundle, tmp_path, capsys) -> None:
    """Evil: controls.csv edited, its hash recomputed in the manifest, and the manifest re-signed with a
    key the adversary made -> exit 1 (not signed by the auditor's key)."""
    from evidence import signing

    csv = bundle / "controls.csv"
    csv.write_text(csv.read_text().replace("failed", "verified"))
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["files"]["controls.csv"] = hashlib.sha256(csv.read_bytes()).hexdigest()
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=2))
    envelope = signing.sign((bundle / "manifest.json").read_bytes(),
                            signing.load_signer(tmp_path / "adversary" / "key.pem"))
    (bundle / "manifest.dsse.json").write_bytes(envelope)
    code, out = _verify(bundle, capsys, "--key", str(signing.default_key()) + ".pub")
    assert code == 1, out
    assert "not signed by the given key" in out, out


def test_evil_verify_a_manifest_naming_a_file_outside_the_bundle(bundle, tmp_path, capsys) -> None:
    """Evil: the manifest lists `../outside.txt` (with its true hash) instead of report.html -> not intact:
    verify reads only inside the bundle (exit 1 naming the path)."""
    outside = tmp_path / "outside.txt"
    outside.write_text("a clean report\n")
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["files"]["../outside.txt"] = hashlib.sha256(outside.read_bytes()).hexdigest()
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=2))
    code, out = _verify(bundle, capsys, "--expect-sha256",
                        hashlib.sha256((bundle / "manifest.json").read_bytes()).hexdigest())
    assert code in (1, 2), out
    assert "../outside.txt" in out, out


def test_variant_a_program_judged_twice_keeps_its_findings(tmp_path) -> None:
    """Evil (variant, written after the fix): a program recorded as preview and update (corpus
    `dry-run-provider`: its provider is us-east-1 only when deployed); the report keeps only the "(when
    deployed)" findings. The honest report, which says more than the recorded state alone (the update
    graph's findings), passes; the edited one is refused."""
    from evidence import rejudge
    from evidence.errors import EvidenceError
    from evidence.inputs import run_gate

    program = PROJECT / "tests/corpus/engine/evil/dry-run-provider"
    gate_dir = tmp_path / "gate"
    env = {**os.environ, "PYTHONPATH": f"{PROJECT}{os.pathsep}{PROJECT / 'scripts'}"}
    subprocess.run([sys.executable, "-m", "gate", "preview", "--program", str(program), "--stack", "corpus",
                    "--out", str(gate_dir), "--format", "json"], cwd=PROJECT, env=env,
                   capture_output=True, check=False)
    report = json.loads((gate_dir / "corpus.report.json").read_text())
    rejudge.check_rejudged(gate_dir, "corpus", report, program, "", run_gate)
    report["violations"] = [v for v in report["violations"] if "(when deployed" in v["message"]]
    with pytest.raises(EvidenceError, match=r"corpus\.report\.json: does not say what the packs and checkov "
                                            r"say of corpus\.state\.json \(judged again at export"):
        rejudge.check_rejudged(gate_dir, "corpus", report, program, "", run_gate)
