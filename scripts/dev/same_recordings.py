"""Prove that a refactoring of stacks/ or components/ leaves the three stacks' recorded states unchanged.

The goldens (tests/gate/golden) hash the whole recording, which includes each resource's
`sourcePosition` (`project:///<file>#<line>`) and the program frames leading to it: moving code moves
those lines, so the golden test skips once the program changed. This compares two recordings with every
position replaced by its file and the code on that line (read at each side's commit), consecutive frames
of one file collapsed to the innermost (a helper method split off a long `__init__` adds a frame), and
everything else byte for byte: resources, names, parents, inputs, options, dependencies, their order.

    git stash / checkout BASE, then:  python scripts/dev/same_recordings.py save DIR
    back on the change:               python scripts/dev/same_recordings.py compare DIR BASE

(`scripts/uvw run --frozen python ...` from the repository root.) Exit 0 when the three are the same;
1 otherwise, with the normalised sides written next to DIR's recordings for `diff`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests" / "gate")]
from golden_states import STACKS, canonical, recorded  # noqa: E402

POSITION = re.compile(r"^project:///(.+?)#(\d+)(,\d+)?$")


def _lines_at(rev: str | None) -> Callable[[str], list[str]]:
    @cache
    def lines(path: str) -> list[str]:
        if rev is None:
            return (ROOT / path).read_text(encoding="utf-8").splitlines()
        shown = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True,
                               check=True)
        return shown.stdout.splitlines()

    return lines


def normalised(data: Any, lines: Callable[[str], list[str]]) -> Any:
    """`data` with positions as `<file>| <code>`; a chain of positions keeps the last frame per file run."""
    if isinstance(data, str):
        m = POSITION.match(data)
        return f"{m[1]}| {lines(m[1])[int(m[2]) - 1].strip()}" if m else data
    if isinstance(data, dict):
        return {k: normalised(v, lines) for k, v in data.items()}
    if isinstance(data, list):
        out = [normalised(v, lines) for v in data]
        matches = [POSITION.match(v) if isinstance(v, str) else None for v in data]
        if data and all(matches):
            files = [m[1] for m in matches if m]
            out = [o for i, o in enumerate(out) if i + 1 == len(out) or files[i + 1] != files[i]]
        return out
    return data


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "save":
        out = Path(argv[1])
        out.mkdir(parents=True, exist_ok=True)
        for stack in STACKS:
            (out / f"{stack}.json").write_text(canonical(recorded(stack)), encoding="utf-8")
        return 0
    if len(argv) != 3 or argv[0] != "compare":
        print(__doc__, file=sys.stderr)
        return 2
    saved, base = Path(argv[1]), argv[2]
    differ = 0
    for stack in STACKS:
        before = canonical(normalised(json.loads((saved / f"{stack}.json").read_text()), _lines_at(base)))
        after = canonical(normalised(json.loads(canonical(recorded(stack))), _lines_at(None)))
        same = before == after
        differ += not same
        if not same:
            (saved / f"{stack}.before.json").write_text(before, encoding="utf-8")
            (saved / f"{stack}.after.json").write_text(after, encoding="utf-8")
        print(f"{stack}: {'same' if same else 'DIFFERS'}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
