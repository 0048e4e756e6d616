"""Engine round 39: round 38's lead 2, a data file the program reads (docs/gate-red-team.md, round 39).

The program digest of the seals (`gate.shard_seal.program_digest`) hashes code and declared inputs only:
a file the program reads as data (`settings/region.txt`) is no part of it. So `gate merge` took two
shards whose programs differ only in it (one pipeline's shard of this commit, another of an older one),
and a run's seal (`run.json`, computed again by `evidence export --gate-dir`) was the same after the file
was edited: a verdict and evidence for a program that no longer places its resources where they were
judged. What the recordings read of the program's tree is part of the seal since.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_leftovers_r25 import PACK, REPO, RUN_LIMIT, _env

EU, US = "eu-west-1\n", "us-east-1\n"
MAIN = '''\
from pathlib import Path

import pulumi
import pulumi_aws as aws

region = (Path(__file__).parent / "settings" / "region.txt").read_text().strip()
if pulumi.get_stack() == "b":   # stack a reads it too, for a tag only
    aws.Provider("p", region=region)
else:
    aws.s3.Bucket("bucket", tags={"replica": region})
'''


def _program(tmp_path: Path, region: str) -> Path:
    program = tmp_path / "program"
    (program / "settings").mkdir(parents=True)
    (program / "Pulumi.yaml").write_text("name: r39\nruntime: python\n")
    for stack in ("a", "b"):
        (program / f"Pulumi.{stack}.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "__main__.py").write_text(MAIN)
    (program / "settings" / "region.txt").write_text(region)
    return program


def _gate(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gate", *argv], cwd=REPO, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=RUN_LIMIT)


def _shard(program: Path, tmp_path: Path, k: int, region: str) -> Path:
    (program / "settings" / "region.txt").write_text(region)
    out = tmp_path / f"shard{k}-{region.strip()}"
    proc = _gate(tmp_path, "preview", "--all", "--program", str(program), "--shard", f"{k}/2", "--out",
                 str(out), "--no-checkov", "--no-cache", "--format", "json", "--policy-pack", str(PACK))
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return out


@pytest.mark.slow
def test_gate_merge_refuses_shards_whose_program_read_another_data_file(tmp_path) -> None:
    """Shard of stack b judged when `region.txt` said eu-west-1 (an older commit), shard of stack a when it
    says us-east-1 (this commit, where b is in us-east-1): both pass alone; merged, they are no one run."""
    program = _program(tmp_path, EU)
    eu = {k: _shard(program, tmp_path, k, EU) for k in (1, 2)}
    with_b = next(k for k, out in eu.items() if (out / "b.report.json").is_file())
    with_a = 3 - with_b
    assert (eu[with_a] / "a.report.json").is_file()
    us_a = _shard(program, tmp_path, with_a, US)
    proc = _gate(tmp_path, "merge", str(us_a), str(eu[with_b]), "--format", "json")
    assert proc.returncode == 2, f"merged (exit {proc.returncode}): {proc.stdout[-1000:]}"
    assert "region.txt" in proc.stderr


@pytest.mark.slow
def test_gate_merge_takes_shards_of_one_program(tmp_path) -> None:
    """Compliant: the same data file in both shards: merged, exit 0."""
    program = _program(tmp_path, EU)
    outs = [_shard(program, tmp_path, k, EU) for k in (1, 2)]
    proc = _gate(tmp_path, "merge", *map(str, outs), "--format", "json")
    assert proc.returncode == 0, proc.stderr[-2000:]


def _seal_checked(run: Path, program: Path) -> None:
    """What `evidence export --gate-dir` checks of the run's seal, against `program` as it is now."""
    from evidence.rejudge import check_seal

    index = json.loads((run / "run.json").read_text(encoding="utf-8"))
    check_seal(index, run / "run.json", program, index["seal"]["as_of"])


def _run(program: Path, tmp_path: Path) -> Path:
    out = tmp_path / "run"
    proc = _gate(tmp_path, "preview", "--all", "--program", str(program), "--out", str(out), "--as-of",
                 "2026-12-05")
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return out


@pytest.mark.slow
def test_a_run_seal_notices_a_data_file_edited_after_the_run(tmp_path) -> None:
    """Judged with eu-west-1 (exit 0), `region.txt` then says us-east-1: the export must refuse the run."""
    from evidence.errors import EvidenceError

    program = _program(tmp_path, EU)
    run = _run(program, tmp_path)
    _seal_checked(run, program)   # unchanged: the export takes it
    (program / "settings" / "region.txt").write_text(US)
    with pytest.raises(EvidenceError, match=r"region\.txt"):
        _seal_checked(run, program)


@pytest.mark.slow
def test_a_stack_the_cache_answered_keeps_its_reads_in_the_run_seal(tmp_path) -> None:
    """A second run sharing the cache records nothing: what the cached recordings read is still sealed."""
    program = _program(tmp_path, EU)
    argv = ("preview", "--all", "--program", str(program), "--out", str(tmp_path / "run"), "--no-checkov",
            "--format", "json", "--policy-pack", str(PACK), "--cache-dir", str(tmp_path / "cache"))
    for _ in range(2):
        proc = _gate(tmp_path, *argv)
        assert proc.returncode == 0, proc.stderr[-2000:]
    index = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert "settings/region.txt" in index["seal"]["reads"]


def test_a_seals_read_outside_the_program_or_of_no_shape_counts_as_changed(tmp_path) -> None:
    """The export joins each path to the project: one climbing out of it, or reads that are no mapping,
    are no seal `gate preview` writes."""
    from gate.run_seal import changed_reads

    (tmp_path / "program").mkdir()
    (tmp_path / "x.txt").write_text("x\n")
    assert changed_reads(tmp_path / "program", {"../x.txt": "0" * 64}) == ["../x.txt"]
    assert changed_reads(tmp_path / "program", None) == ["(no reads in the seal)"]
    assert changed_reads(tmp_path / "program", {"gone.txt": "missing"}) == []


def test_gate_merge_compares_a_read_between_any_two_shards(tmp_path) -> None:
    """Three shards: the first never read `region.txt`, the other two read it with other bytes."""
    from gate.errors import GateError
    from gate.shard_seal import check_shards, write_seals

    found = {}
    for k, (stack, reads) in enumerate((("a", {}), ("b", {"settings/region.txt": "e" * 64}),
                                        ("c", {"settings/region.txt": "u" * 64})), start=1):
        out = tmp_path / f"shard{k}"
        out.mkdir()
        (out / f"{stack}.report.json").write_text("{}\n")
        write_seals(out, [stack], shard=f"{k}/3", level=None, plan=["a", "b", "c"], program="0" * 64,
                    judge="1" * 64, reads=reads)
        found[stack] = out / f"{stack}.report.json"
    with pytest.raises(GateError, match=r"3/3 read settings/region\.txt with other content than shard 2/3"):
        check_shards(found)
