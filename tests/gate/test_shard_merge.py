"""`gate preview --all --shard K/N` by reference levels, and `gate merge`: the same as one run."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from gate.errors import UsageError
from gate.shard import levels, parse_shard, select


def test_levels_put_a_stack_after_the_stacks_it_references() -> None:
    deps = {"app": {"net"}, "net": set(), "dns": set(), "edge": {"app", "dns"}}
    assert levels(deps, ["app", "dns", "edge", "net"]) == [["dns", "net"], ["app"], ["edge"]]
    assert levels({"a": {"b"}, "b": {"a"}}, ["a", "b"]) == [["a", "b"]]   # a cycle: one level


def test_shards_deal_each_level_round_robin() -> None:
    by_level = [["a", "b", "c", "d"], ["e"]]
    assert select(by_level, (1, 3), None) == ["a", "d", "e"]
    assert select(by_level, (2, 3), 0) == ["b"]
    assert select(by_level, (2, 3), 1) == []
    assert select(by_level, (1, 3), 5) == []
    assert parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "3", "a/b"):
        with pytest.raises(UsageError):
            parse_shard(bad)


def _preview(run_gate, gate_programs: Path, out: Path, fmt: str, *extra: str) -> str:
    proc = run_gate("preview", "--program", gate_programs / "multi", "--all", "--out", out, "--format", fmt,
                    "--no-checkov", "--no-cache", "--policy-pack", gate_programs / "packs" / "no-us-east",
                    *extra)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


def _artefact(job: Path, into: Path) -> None:
    """What a CI job uploads and the next level's jobs download (policy-gate-level.yml): the states, the
    reports and the update graphs (what a referencing stack's update reads)."""
    for pattern in ("*.state.json", "*.report.json", "*.shard.json", ".updates/*.state.json"):
        for f in job.glob(pattern):
            target = into / f.relative_to(job)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)


@pytest.mark.slow
def test_three_shards_merged_equal_one_run(run_gate, gate_programs: Path, tmp_path: Path) -> None:
    """Each job of each level starts on a clean runner: the CI cache of the references an earlier run
    found, and the artefacts of the earlier levels' jobs (a stack and a stack referencing it may land
    on different runners; `consumer`'s update needs `base`'s update graph)."""
    single = tmp_path / "single"
    expected = {fmt: _preview(run_gate, gate_programs, single, fmt) for fmt in ("json", "sarif")}
    artefacts = tmp_path / "artefacts"
    artefacts.mkdir()
    jobs = []
    for level in range(3):
        done = []
        for k in (1, 2, 3):
            job = tmp_path / f"level{level}-shard{k}"
            shutil.copytree(artefacts, job)
            shutil.copyfile(single / ".stack-references.json", job / ".stack-references.json")
            _preview(run_gate, gate_programs, job, "json", "--shard", f"{k}/3", "--level", str(level))
            done.append(job)
        for job in done:
            _artefact(job, artefacts)
        jobs += done
    for fmt, text in expected.items():
        merged = run_gate("merge", *jobs, "--format", fmt, "--out", tmp_path / "merged")
        assert merged.returncode == (1 if '"blocked": true' in expected["json"] else 0), merged.stderr
        assert merged.stdout == text
    merged_dir = tmp_path / "merged"
    assert sorted(p.name for p in merged_dir.glob("*.report.json")) == \
        sorted(p.name for p in single.glob("*.report.json"))
    # published as one run: what `evidence export --gate-dir` takes (every file listed with its digest)
    index = json.loads((merged_dir / "run.json").read_text())
    assert index["command"] == "merge" and sorted(index["stacks"]) == sorted(
        p.name[: -len(".report.json")] for p in single.glob("*.report.json"))
    for files in index["stacks"].values():
        for rel, digest in files.items():
            assert hashlib.sha256((merged_dir / rel).read_bytes()).hexdigest() == digest
    assert set(index["stacks"]["consumer"]) == {"consumer.report.json", "consumer.state.json",
                                                ".updates/consumer.state.json"}
    for name in ("gate.sarif", "gate.junit.xml"):
        assert (merged_dir / name).read_bytes() == (single / name).read_bytes()


@pytest.mark.slow
def test_a_reference_to_another_shard_without_its_state_fails_closed(run_gate, gate_programs: Path,
                                                                       tmp_path: Path) -> None:
    proc = run_gate("preview", "--program", gate_programs / "multi", "--all", "--out", tmp_path / "o",
                    "--no-checkov", "--no-cache", "--shard", "1/4", "--level", "0")
    assert proc.returncode == 2
    assert "StackReference" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_sharded_workflow_passes_actionlint() -> None:
    import subprocess

    from gate.checkov.toolenv import ensure_actionlint

    workflows = Path(__file__).resolve().parents[2] / ".github" / "workflows"
    files = [workflows / "policy-gate-sharded.yml", workflows / "policy-gate-level.yml"]
    done = subprocess.run([str(ensure_actionlint()), "-no-color", *map(str, files)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    text = files[1].read_text()
    assert "--shard" in text and "--level" in text and "gate merge" in files[0].read_text()


def test_benchmark_doc_lists_every_figure() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(root / "scripts" / "bench_gate.py"), "--check",
                           str(root / "docs" / "benchmarks.md")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
