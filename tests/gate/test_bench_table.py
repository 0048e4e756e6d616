"""scripts/bench_gate.py --write-docs keeps the rows a run did not measure (other parts, `huge`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("bench_gate_under_test", ROOT / "scripts" / "bench_gate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "_load", lambda: "0.5 (5 min 0.5) on 2 CPUs")
    yield module
    sys.modules.pop("bench_gate_under_test", None)


def _doc(bench, tmp_path: Path) -> Path:
    doc = tmp_path / "benchmarks.md"
    old = {k: f"old {k}" for k in bench.FIGURES}
    table = bench.table(old, "1.0 (5 min 1.0) on 2 CPUs")
    doc.write_text(f"# B\n\n{bench.BEGIN}\n{table}{bench.END}\ntail\n")
    return doc


@pytest.mark.parametrize("only", [[], ["--only", "preview"]])
def test_rows_not_measured_keep_their_earlier_figures(bench, tmp_path: Path, monkeypatch, only) -> None:
    measured = {k for k in bench.FIGURES if k != "checkov-huge" and (not only or k.startswith("preview"))}
    monkeypatch.setattr(bench, "measure", lambda quick, tmp, parts: {k: f"new {k}" for k in measured})
    doc = _doc(bench, tmp_path)
    assert bench.main([*only, "--write-docs", str(doc)]) == 0
    rows = bench.earlier_rows(doc)
    assert {k: rows[k] for k in bench.FIGURES} == {
        k: (f"new {k}" if k in measured else f"old {k}") for k in bench.FIGURES}
    assert "the other rows: 1.0 (5 min 1.0) on 2 CPUs" in rows["load"]
    assert doc.read_text().endswith("tail\n")
