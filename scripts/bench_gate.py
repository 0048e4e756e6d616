"""Benchmark of the offline gate (not a test): `scripts/uvw run --frozen python scripts/bench_gate.py`.

Every figure of issue 19's table and the new ones, measured in one run with the real `gate` command
(process start included), so that ratios (cached / uncached, sharded / single, 100k / 10k) compare runs
made under the same machine load; the load average is printed with the table.

  --quick            1k/10k states and checkov on 1k (about a minute idle) instead of 10k/100k and 10k
  --write-docs FILE  replace the table between the bench markers of FILE (docs/benchmarks.md)
  --check FILE       only check that FILE's table lists every figure (cheap: for tests/CI, no measuring)
  --only PART        only preview, analyze or checkov figures (repeatable); `--only huge`: checkov on a
                     200k-resource state, cold (minutes; not part of a default run)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bench_runs as runs  # noqa: E402
from bench_states import BENCH_STACK, generate_state  # noqa: E402
from bench_tiles import tile_state, tiled_records  # noqa: E402

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
# figure id -> (what, target)
FIGURES: dict[str, tuple[str, str]] = {
    "preview-all": ("`gate preview --all`, this project's 3 stacks, packs + checkov, no cache, first run in "
                    "a new `--out` (a clean clone: no SDK hint, no remembered references)", ""),
    "preview-all-warm": ("same, uncached, run again in that `--out` (the zygote preloads the SDK modules "
                         "the first run's workers loaded)", "≤ 4 s"),
    "preview-all-cached": ("same, nothing changed (stack cache)", "≤ 1 s"),
    "preview-cached-ratio": ("cached / uncached (warm) preview", ""),
    "preview-one-stack": ("same cache, one stack's program changed (a line added to `stacks/portal.py`, as a "
                          "pull request would): the stacks recorded again", ""),
    "analyze-small": ("`gate analyze --no-checkov`, smaller realistic state (the project's stack tiled, 1 % "
                      "non-compliant): wall, res/s, peak RSS", ""),
    "analyze-large": ("same, larger state: wall, res/s (load/evaluation/reporting), peak RSS",
                      "≥ 50,000 res/s, ≤ 400 MB"),
    "analyze-ratio": ("larger / smaller (wall)", "≤ 11 for 100k/10k"),
    "analyze-stress": ("stress: the synthetic state of the larger size, most resources failing: wall "
                       "(load/evaluation/reporting), findings, peak RSS", ""),
    "checkov": ("`gate analyze` with checkov, cold cache: wall (checkov part), peak RSS", "≤ 15 s on 10k"),
    "checkov-unchanged": ("same state again (checkov component cache)", ""),
    "checkov-one-change": ("one resource changed", "≤ 3 s on 10k"),
    "checkov-sharded": ("checkov single process vs sharded over the CPUs (same result)", ""),
    "checkov-huge": ("`gate analyze` with checkov, 200k resources, cold cache (`--only huge`): wall (checkov "
                     "part), peak RSS of the gate process", ""),
    "cpu-scaling": ("this machine: CPU-bound Python in one process per CPU at once, throughput vs one "
                    "process (2.0 would be two real cores)", ""),
    "json-writer": ("report JSON, larger state: stdlib indent=1 vs gate.jsonio (orjson)", ""),
    "scanner": ("the reference scanner alone over the synthetic state of the larger size (every input, "
                "one process, cold caches): CPU, res/s, MB/s", ""),
}


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs"


def _analyze_row(n: int, run: runs.Run) -> str:
    parts = ", ".join(f"{k} {v:.2f}s" for k, v in run.split.items() if k != "checkov")
    return f"{n:,} resources: {run.wall:.2f} s wall, {n / run.wall:,.0f} res/s ({parts}); {run.rss_mb:.0f} MB"


def _megabytes(directory: Path) -> str:
    return f"{sum(p.stat().st_size for p in directory.rglob('*') if p.is_file()) / 1e6:,.0f}"


def _analyze_tiled(n: int, tmp: Path) -> tuple[int, runs.Run]:
    """`gate analyze` of the stack `preview_all` recorded, tiled to about `n` resources (bench_tiles)."""
    template = json.loads((tmp / "pv" / f"{BENCH_STACK}.state.json").read_text(encoding="utf-8"))
    state, copies = tile_state(template, n)
    path = tmp / f"state-{n}.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    count = len(state["deployment"]["resources"])
    del state, template
    records = tiled_records(ROOT / "stacks" / "records", tmp / f"records-{n}", BENCH_STACK, copies)
    run = runs.analyze(path, tmp / f"out-{n}", checkov=False, records=records)
    path.unlink()
    return count, run


PARTS = ("preview", "analyze", "checkov")
HUGE = 200_000


def measure(quick: bool, tmp: Path, parts: tuple[str, ...] = PARTS) -> dict[str, str]:
    small, large, ck = (1000, 10000, 1000) if quick else (10000, 100000, 10000)
    scaling, cpus = runs.cpu_scaling()
    rows: dict[str, str] = {"cpu-scaling": f"{scaling:.2f} on {cpus} CPUs (best of 3)"}
    if "preview" in parts:
        rows |= _preview_rows(tmp)
    if "analyze" in parts:
        if not (tmp / "pv" / f"{BENCH_STACK}.state.json").is_file():   # the template: a recorded stack
            runs.preview_all(tmp / "pv", None, checkov=False)
        rows |= _analyze_rows(small, large, tmp)
    if "checkov" in parts:
        rows |= _checkov_rows(ck, tmp)
    if "huge" in parts:
        path = tmp / "huge.json"
        path.write_text(json.dumps(generate_state(HUGE)), encoding="utf-8")
        run = runs.analyze(path, tmp / "huge-out", checkov=True, cache=tmp / "huge-cache")
        rows["checkov-huge"] = (f"{HUGE:,} resources: {run.wall:.0f} s wall (checkov "
                                f"{run.split.get('checkov', 0.0):.0f} s), {run.rss_mb:.0f} MB")
    return rows


def _preview_rows(tmp: Path) -> dict[str, str]:
    root = runs.project_copy(tmp / "project")     # edited below; the working tree is never touched
    cold = runs.preview_all(tmp / "pv", None, root=root)
    warm = runs.preview_all(tmp / "pv", None, root=root)
    runs.preview_all(tmp / "pv", tmp / "cache", root=root)            # fills the cache
    cached = runs.preview_all(tmp / "pv", tmp / "cache", root=root)
    with (root / "stacks" / "portal.py").open("a", encoding="utf-8") as program:
        program.write("\n# changed by scripts/bench_gate.py\n")
    changed = runs.preview_all(tmp / "pv", tmp / "cache", root=root)
    recorded = sorted(set(re.findall(r"gate: timings: stack (\S+):", changed.stderr)))

    def row(run: runs.Run) -> str:
        return f"{run.wall:.2f} s wall ({', '.join(f'{k} {v:.2f}s' for k, v in run.split.items())})"

    return {"preview-all": row(cold), "preview-all-warm": row(warm),
            "preview-all-cached": f"{cached.wall:.2f} s wall",
            "preview-cached-ratio": f"{cached.wall / warm.wall:.2f}",
            "preview-one-stack": f"{row(changed)}; recorded again: {', '.join(recorded) or 'none'}"}


def _analyze_rows(small: int, large: int, tmp: Path) -> dict[str, str]:
    rows: dict[str, str] = {}
    analyzed = {n: _analyze_tiled(n, tmp) for n in (small, large)}
    rows["analyze-small"] = _analyze_row(*analyzed[small])
    rows["analyze-large"] = _analyze_row(*analyzed[large])
    ratio = analyzed[large][1].wall / analyzed[small][1].wall
    rows["analyze-ratio"] = f"{ratio:.1f} ({analyzed[large][0] / analyzed[small][0]:.0f}x the resources)"
    path = tmp / f"stress-{large}.json"
    path.write_text(json.dumps(generate_state(large)), encoding="utf-8")
    stress = runs.analyze(path, tmp / "out-stress", checkov=False)
    n, size, seconds = runs.scanner(path)
    rows["scanner"] = (f"{n:,} resources, {size:.1f} MB of inputs: {seconds:.2f} s CPU, "
                       f"{n / seconds:,.0f} res/s, {size / seconds:.0f} MB/s")
    path.unlink()
    report = json.loads((tmp / "out-stress" / f"{BENCH_STACK}.report.json").read_text())
    rows["analyze-stress"] = (f"{_analyze_row(large, stress)}; {len(report['violations']):,} findings, "
                              f"{_megabytes(tmp / 'out-stress')} MB of reports")
    stdlib, fast = runs.json_writers(report)
    rows["json-writer"] = f"{stdlib:.2f} s vs {fast:.2f} s ({stdlib / fast:.0f}x)"
    return rows


def _checkov_rows(ck: int, tmp: Path) -> dict[str, str]:
    rows: dict[str, str] = {}
    state = generate_state(ck)
    path = tmp / f"ck-{ck}.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    first = runs.analyze(path, tmp / "ck-out", checkov=True, cache=tmp / "ck-cache")
    again = runs.analyze(path, tmp / "ck-out", checkov=True, cache=tmp / "ck-cache")
    runs.change_one_resource(state)
    path.write_text(json.dumps(state), encoding="utf-8")
    changed = runs.analyze(path, tmp / "ck-out", checkov=True, cache=tmp / "ck-cache")
    ck_of = lambda r: r.split.get("checkov", 0.0)  # noqa: E731
    rows["checkov"] = (f"{ck:,} resources: {first.wall:.1f} s wall (checkov {ck_of(first):.1f} s), "
                       f"{first.rss_mb:.0f} MB")
    rows["checkov-unchanged"] = f"{again.wall:.1f} s wall (checkov {ck_of(again):.1f} s)"
    rows["checkov-one-change"] = f"{changed.wall:.1f} s wall (checkov {ck_of(changed):.1f} s)"
    single, sharded, same = runs.checkov_single_vs_sharded(state, tmp / "shard")
    rows["checkov-sharded"] = (f"{ck:,} resources: {single:.1f} s vs {sharded:.1f} s "
                               f"({single / sharded:.2f}x), identical: {same}")
    return rows


def table(rows: dict[str, str], load: str) -> str:
    lines = [f"Measured with `scripts/bench_gate.py`; load average at the start: {load}.", "",
             "| figure | measured | target |", "|---|---|---|"]
    lines += [f"| {FIGURES[k][0]} | {rows.get(k, 'not measured')} | {FIGURES[k][1]} |" for k in FIGURES]
    return "\n".join(lines) + "\n"


def earlier_rows(doc: Path) -> dict[str, str]:
    """The measured column of the doc's table by figure id, and its load line (`load`)."""
    section = doc.read_text(encoding="utf-8").split(BEGIN, 1)[-1].split(END, 1)[0]
    by_what = {what: key for key, (what, _) in FIGURES.items()}
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 3 and cells[0] in by_what:
            rows[by_what[cells[0]]] = cells[1]
        elif "load average at the start:" in line:
            rows["load"] = line.split("load average at the start:", 1)[1].strip().rstrip(".")
    return rows


def replace_table(doc: Path, text: str) -> None:
    content = doc.read_text(encoding="utf-8")
    head, _, rest = content.partition(BEGIN)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{BEGIN}\n{text}{END}{tail}", encoding="utf-8")


def check(doc: Path) -> list[str]:
    """Problems with the doc's benchmark table (markers present, one row per figure)."""
    content = doc.read_text(encoding="utf-8")
    if BEGIN not in content or END not in content:
        return [f"{doc}: no {BEGIN} ... {END} section"]
    section = content.split(BEGIN, 1)[1].split(END, 1)[0]
    return [f"{doc}: no row for '{what}'" for what, _ in FIGURES.values() if f"| {what} |" not in section]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--write-docs", type=Path, metavar="FILE")
    parser.add_argument("--check", type=Path, metavar="FILE")
    parser.add_argument("--only", action="append", choices=(*PARTS, "huge"),
                        help="measure only these parts (repeatable; the others read 'not measured')")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.check)
        print("\n".join(problems) or f"{args.check}: benchmark table complete")
        return 1 if problems else 0
    load = _load()
    with tempfile.TemporaryDirectory(prefix="bench-gate-") as tmp:
        rows = measure(args.quick, Path(tmp), tuple(args.only or PARTS))
    if args.write_docs:     # rows not measured now (other parts, `huge`) stay as the doc has them
        kept = earlier_rows(args.write_docs)
        if any(k not in rows and k in kept for k in FIGURES):
            before = re.match(r"[\d.]+ \(5 min [\d.]+\) on \d+ CPUs", kept.get("load", ""))  # not nested
            parts = ", ".join(args.only or PARTS)
            load = f"{load} ({parts}; the other rows: {before.group(0) if before else 'earlier'})"
        rows = {k: rows.get(k) or kept.get(k, "not measured") for k in FIGURES}
    text = table(rows, load)
    print(text)
    if args.write_docs:
        replace_table(args.write_docs, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
