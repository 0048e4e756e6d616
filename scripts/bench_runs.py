"""The measurements of scripts/bench_gate.py: the real `gate` command in a subprocess (wall time, its own
`--timings` split, peak RSS of that process alone) and a few in-process comparisons (checkov sharded vs
single, JSON writers)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_SPLIT = re.compile(r"gate: timings: (?P<split>[^;]*);")


@dataclass
class Run:
    """One `gate` process: wall seconds, peak RSS in MB, exit code, its timings split."""

    wall: float
    rss_mb: float
    code: int
    stdout: str
    stderr: str
    split: dict[str, float] = field(default_factory=dict)


# The child reports its own peak RSS (and its children's, e.g. checkov) as it exits. On Linux ru_maxrss
# survives exec: a child forked from this (large) benchmark process would report the benchmark's RSS, so
# the peak of the gate's own address space (VmHWM) is read instead where there is one.
_SHIM = ("import atexit, resource, runpy, sys\n"
         "def _hwm():\n"
         "    try:\n"
         "        with open('/proc/self/status') as fh:\n"
         "            return next(int(ln.split()[1]) for ln in fh if ln.startswith('VmHWM:'))\n"
         "    except (OSError, StopIteration):\n"
         "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
         "def _rss():\n"
         "    own = _hwm()\n"
         "    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
         "    sys.stderr.write(f'bench: maxrss {own} {kids}\\n')\n"
         "atexit.register(_rss)\n"
         "sys.argv = ['gate', *sys.argv[1:]]\n"
         "runpy.run_module('gate', run_name='__main__', alter_sys=True)\n")
_RSS = re.compile(r"bench: maxrss (\d+) (\d+)")


def run_gate(*args: str | Path, env: dict[str, str] | None = None, root: Path = ROOT) -> Run:
    """`python -m gate ARGS --timings` in a subprocess; peak RSS of the gate process (kB -> MB). `root`: a
    copy of the project (project_copy) whose gate and programs run instead of this one's."""
    if root != ROOT:
        env = {"PYTHONPATH": str(root / "scripts"),
               "GATE_CHECKOV_ENV": os.environ.get("GATE_CHECKOV_ENV") or str(ROOT / ".tools" / "checkov"),
               **(env or {})}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _SHIM, *map(str, args), "--timings"], cwd=root,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        tail = [ln for ln in proc.stderr.splitlines() if ln.strip()][-1:]
        raise RuntimeError(f"gate {' '.join(map(str, args))}: exit {proc.returncode}: {tail}")
    rss = _RSS.search(proc.stderr)
    found = _SPLIT.findall(proc.stderr)
    split = {}
    for part in (found[-1].split(", ") if found else []):
        name, _, value = part.rpartition(" ")
        if value.endswith("s"):
            split[name] = float(value[:-1])
    return Run(wall, int(rss.group(1)) / 1024 if rss else 0.0, proc.returncode, proc.stdout, proc.stderr,
               split)


def pack_config_args() -> list[str]:
    args = []
    for file in sorted((ROOT / "policies" / "config").glob("*.json")):
        args += ["--policy-pack-config", f"{file.stem}={file}"]
    return args


def analyze(state: Path, out: Path, *, checkov: bool, cache: Path | None = None,
            records: Path | None = None) -> Run:
    args: list[str | Path] = ["analyze", "--state", state, "--format", "json", "--out", out,
                              *pack_config_args()]
    args += ["--records", records] if records is not None else []
    args += ["--cache-dir", cache] if cache is not None else ["--no-cache"]
    if not checkov:
        args.append("--no-checkov")
    return run_gate(*args)


def preview_all(out: Path, cache: Path | None, *, checkov: bool = True, root: Path = ROOT) -> Run:
    args: list[str | Path] = ["preview", "--all", "--format", "json", "--out", out, *pack_config_args()]
    args += ["--cache-dir", cache] if cache is not None else ["--no-cache"]
    args += [] if checkov else ["--no-checkov"]
    return run_gate(*args, root=root)


def project_copy(target: Path) -> Path:
    """The project's tracked files copied to `target`, so a benchmark can edit a program without
    touching the working tree (the committed state; the copy's `gate` is what runs there, on this
    project's environment)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(ROOT / ".venv")     # the same environment: the gate's own Python
    # compiled as scripts/uvw compiles a checkout's own modules before every run
    dirs = [str(target / d) for d in ("policies", "components", "stacks", "scripts")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *dirs], check=True, capture_output=True)
    return target


def checkov_single_vs_sharded(state: dict[str, Any], workdir: Path) -> tuple[float, float, bool]:
    """scan_stacks over one state in one checkov process, then sharded over the CPUs; same result?"""
    from gate.checkov import scan_stacks

    t0 = time.perf_counter()
    single = scan_stacks({"bench": state}, workdir / "single", shards=1)
    t1 = time.perf_counter()
    sharded = scan_stacks({"bench": state}, workdir / "sharded")
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, single == sharded


def json_writers(doc: Any) -> tuple[float, float]:
    """Seconds to write `doc` with the standard library (indent=1, as before) and with gate.jsonio."""
    from gate.jsonio import dumps_bytes

    t0 = time.perf_counter()
    json.dumps(doc, indent=1)
    t1 = time.perf_counter()
    dumps_bytes(doc)
    return t1 - t0, time.perf_counter() - t1


def change_one_resource(state: dict[str, Any]) -> None:
    """Edit one exported block (a security group's description) in place."""
    for res in state["deployment"]["resources"]:
        if res["type"] == "aws:ec2/securityGroup:SecurityGroup":
            res["inputs"]["description"] = "changed by the benchmark"
            return


def _spin(n: int) -> None:
    x = 0
    for i in range(n):
        x += i * i


def cpu_scaling(n: int = 8_000_000, rounds: int = 3) -> tuple[float, int]:
    """What the machine's CPUs give CPU-bound Python: the same loop in one process, then in one forked
    process per CPU at once; returns (throughput of all CPUs / one CPU's, CPUs), the best of `rounds`.
    A second vCPU that is a hyperthread or shares a host core gives far less than a second core."""
    cpus = os.cpu_count() or 1
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        _spin(n)
        one = time.perf_counter() - started
        started = time.perf_counter()
        pids = []
        for _ in range(cpus):
            pid = os.fork()
            if pid == 0:
                _spin(n)
                os._exit(0)
            pids.append(pid)
        for pid in pids:
            os.waitpid(pid, 0)
        best = max(best, cpus * one / (time.perf_counter() - started))
    return best, cpus



_SCAN = ("import json, sys, time\n"
         "from policies.core.references import scan\n"
         "resources = json.load(open(sys.argv[1]))['deployment']['resources']\n"
         "size = sum(len(json.dumps(r.get('inputs', {}))) for r in resources) / 1e6\n"
         "started = time.process_time()\n"
         "for r in resources:\n"
         "    scan(r.get('inputs', {}))\n"
         "print(len(resources), size, time.process_time() - started)\n")


def scanner(state: Path) -> tuple[int, float, float]:
    """The reference scanner alone over every resource's inputs of `state`, in a fresh process (cold
    caches): (resources, MB of inputs as JSON, CPU seconds). Linear in the input size (issue 13)."""
    done = subprocess.run([sys.executable, "-c", _SCAN, str(state)], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    n, size, seconds = done.stdout.split()
    return int(n), float(size), float(seconds)
