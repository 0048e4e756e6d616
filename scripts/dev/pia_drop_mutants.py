"""Drop mutants of the compliant PIA cases: a triage list, not a test.

In every compliant case (`tests/corpus/pia/ok/`), each security-looking input of the case's own resources
(a key whose name says key, encrypt, TLS, public, log, retention, protect, auth, ...) is removed, one at a
time, and the case judged again. A mutant that still passes is printed, grouped by type and field: most
are safe defaults (an RDS instance without `publiclyAccessible` is private), some were gaps (session 18:
CloudTrail trails, schedules, DMS endpoints and Verified Access without a key; AKS and VMs without
encryption at host; Data Explorer disks; diagnostic settings naming categories without audit events).
Judge each group by the service's default for the absent field; a weak default is a gap to fix as a class.

    PYTHONPATH=.:scripts python scripts/dev/pia_drop_mutants.py [case-stem ...]
"""

from __future__ import annotations

import collections
import copy
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(ROOT / "tests" / "corpus" / "pia")]

import judge  # noqa: E402  (tests/corpus/pia/judge.py)

SECURITY = re.compile(
    r"(?i)kms|key|encrypt|tls|ssl|mfa|public|https|log|retention|deletion|protect|auth|secure|cipher|"
    r"policy|immutab|lock|version|audit|access"
)


def _sites(value: Any, path: tuple = ()):
    if isinstance(value, dict):
        for k, v in value.items():
            if SECURITY.search(str(k)):
                yield (*path, k)
            yield from _sites(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _sites(v, (*path, i))


def survivors(path: Path) -> list[tuple[str, str]]:
    """(type, field path) of the mutants of one compliant case that still pass."""
    case = judge.load_case(path)
    own = {r["name"] for r in yaml.safe_load(path.read_text()).get("resources") or []}
    out = []
    for i, r in enumerate(case["resources"]):
        if r["name"] not in own:
            continue  # the base's resources are mutated through their own cases
        for site in _sites(r.get("inputs") or {}):
            mutant = copy.deepcopy(case)
            holder = mutant["resources"][i]["inputs"]
            for part in site[:-1]:
                holder = holder[part]
            del holder[site[-1]]
            if not judge.judge(mutant):
                out.append((r["type"], ".".join(str(p) for p in site if not isinstance(p, int))))
    return out


def main(stems: list[str]) -> int:
    paths = [p for p in judge.cases("ok") if not stems or any(p.stem.startswith(s) for s in stems)]
    groups: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for p in paths:
        for key in survivors(p):
            groups[key].append(p.stem)
    for (type_, field), cases in sorted(groups.items()):
        print(f"{len(cases):4d}  {type_}  {field}  e.g. {cases[0]}")
    print(f"{len(groups)} (type, field) groups passed without their setting", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
