"""Repeatability benchmark: the same program must get the same verdict and the same record every time.

Runs `gate preview --all --recorder process --no-checkov --no-cache` K times into fresh directories and
compares each run with the first, byte for byte, after normalising what differs by design: the `time`
fields of the states, the `--out` directory in stdout/stderr, the run's own files (`.runs`, run.json,
run.dsse.json) and the order of keys inside an object (a Struct that crossed the wire iterates its map in
another order). `--load N` starts N busy loops (the other core) for the duration, so that the recorder's
gRPC threads interleave otherwise than on an idle machine (round 14, docs/gate-red-team.md).

    python scripts/dev/repeat_gate.py [-k 10] [--load 1] [--recorder process] [--keep DIR]

Prints one line per run (exit code, seconds, what differs from the first) and a summary (each run's stderr
is kept beside its directory); exit 1 when any run differs from the first. Run it from a checkout nobody
edits meanwhile: each run loads the gate's sources afresh.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SKIP = (".runs", ".sdk-modules.json", "run.json", "run.dsse.json")


def _busy(stop: Any) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def _untimed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in sorted(value.items()) if k != "time"}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def _snapshot(out: Path, proc: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Everything a run left, normalised: relative path -> text."""
    clean = re.compile(re.escape(str(out)))
    files = {"<exit>": str(proc.returncode), "<stdout>": clean.sub("<out>", proc.stdout),
             "<stderr>": re.sub(r"0x[0-9a-f]+", "0x…", clean.sub("<out>", proc.stderr))}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if not path.is_file() or rel.parts[0] in SKIP or rel.name in SKIP:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".json":
            with contextlib.suppress(ValueError):
                text = json.dumps(_untimed(json.loads(text)), sort_keys=True)
        files[rel.as_posix()] = clean.sub("<out>", text)
    return files


def _run(out: Path, recorder: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'scripts'}",
           "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "gate", "preview", "--all", "--recorder", recorder,
                           "--no-checkov", "--no-cache", "--as-of", "2026-11-30", "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False)
    return proc, time.monotonic() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", type=int, default=10, help="runs (default 10)")
    parser.add_argument("--load", type=int, default=0, help="busy loops beside the runs (default 0)")
    parser.add_argument("--recorder", default="process", choices=("process", "inprocess"))
    parser.add_argument("--keep", type=Path, help="keep the runs' directories here")
    args = parser.parse_args(argv)
    stop = multiprocessing.Event()
    loops = [multiprocessing.Process(target=_busy, args=(stop,), daemon=True) for _ in range(args.load)]
    for loop in loops:
        loop.start()
    base = args.keep or Path(tempfile.mkdtemp(prefix="repeat-gate-"))
    first: dict[str, str] | None = None
    differing, exits, seconds = 0, [], []
    try:
        for i in range(args.k):
            out = base / f"run-{i:02d}"
            proc, took = _run(out, args.recorder)
            out.with_suffix(".stderr").write_text(proc.stderr, encoding="utf-8")
            snap = _snapshot(out, proc)
            first = first if first is not None else snap
            diff = sorted(k for k in set(first) | set(snap) if first.get(k) != snap.get(k))
            differing += bool(diff)
            exits.append(proc.returncode)
            seconds.append(took)
            print(f"run {i}: exit {proc.returncode}, {took:.1f}s, {len(snap)} files, "
                  f"{'same as run 0' if not diff else 'DIFFERS: ' + ', '.join(diff[:6])}", flush=True)
    finally:
        stop.set()
        for loop in loops:
            loop.join()
    print(f"{args.k} runs ({args.recorder} recorder, {args.load} busy loops): {differing} differ from run 0; "
          f"exits {sorted(set(exits))}; {min(seconds):.1f}-{max(seconds):.1f}s per run; dirs under {base}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
