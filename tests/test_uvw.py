"""scripts/uvw compiles the project's own modules: PYTHONDONTWRITEBYTECODE=1 machines (CI here) would
otherwise compile them from source in every process that imports them, every gate worker among them."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_run_compiles_a_module_whose_bytecode_is_missing_or_stale() -> None:
    source = ROOT / "policies" / "core" / "view.py"
    cached = Path(importlib.util.cache_from_source(str(source)))
    cached.unlink(missing_ok=True)
    subprocess.run([str(ROOT / "scripts" / "uvw"), "run", "--frozen", "python", "-c", "1"], cwd=ROOT,
                   check=True, capture_output=True, timeout=300)
    assert cached.is_file() and cached.stat().st_size > 0
    # what it wrote is what the interpreter would load: current for the source (mtime and size checked)
    data = cached.read_bytes()
    stat = source.stat()
    assert int.from_bytes(data[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
    assert int.from_bytes(data[12:16], "little") == stat.st_size & 0xFFFFFFFF
