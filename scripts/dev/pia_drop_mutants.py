"""Drop mutants of the compliant PIA cases: a triage list, not a test.

In every compliant case (`tests/corpus/pia/ok/`), each security-looking input of the case's own resources
(a key whose name says key, encrypt, TLS, public, log, retention, protect, auth, ...) is removed, one at a
time, and the case judged again. A mutant that still passes is printed, grouped by type and field: most
are safe defaults (an RDS instance without `publiclyAccessible` is private), some were gaps (session 18:
CloudTrail trails, schedules, DMS endpoints and Verified Access without a key; AKS and VMs without
encryption at host; Data Explorer disks; diagnostic settings naming categories without audit events).
Judge each group by the service's default for the absent field; a weak default is a gap to fix as a class.

With `--flip` (session 19), each boolean of the case's own resources is negated and each enabled/disabled,
required/optional or allow/deny word swapped instead, one at a time: a flip that still passes is a setting
no rule reads; judge whether its other value is weak.

    PYTHONPATH=.:scripts python scripts/dev/pia_drop_mutants.py [--flip] [case-stem ...]
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


_SWAPS = {
    "enabled": "Disabled",
    "disabled": "Enabled",
    "required": "optional",
    "optional": "required",
    "allow": "Deny",
    "deny": "Allow",
    "true": "false",
    "false": "true",
}


def _flipped(value: Any) -> Any:
    """The other value of a boolean or a two-valued word, else None."""
    if isinstance(value, bool):
        return not value
    swap = _SWAPS.get(value.lower()) if isinstance(value, str) else None
    if swap is None:
        return None
    return swap.upper() if value.isupper() else (swap.lower() if value.islower() else swap)


def _leaves(value: Any, path: tuple = ()):
    if isinstance(value, dict | list):
        for k, v in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _leaves(v, (*path, k))
    elif path and _flipped(value) is not None:
        yield path


def survivors(path: Path, flip: bool = False) -> list[tuple[str, str]]:
    """(type, field path) of the mutants of one compliant case that still pass."""
    case = judge.load_case(path)
    own = {r["name"] for r in yaml.safe_load(path.read_text()).get("resources") or []}
    out = []
    for i, r in enumerate(case["resources"]):
        if r["name"] not in own:
            continue  # the base's resources are mutated through their own cases
        for site in (_leaves if flip else _sites)(r.get("inputs") or {}):
            mutant = copy.deepcopy(case)
            holder = mutant["resources"][i]["inputs"]
            for part in site[:-1]:
                holder = holder[part]
            if flip:
                holder[site[-1]] = _flipped(holder[site[-1]])
            else:
                del holder[site[-1]]
            if not judge.judge(mutant):
                out.append((r["type"], ".".join(str(p) for p in site if not isinstance(p, int))))
    return out


def main(args: list[str]) -> int:
    flip = "--flip" in args
    stems = [a for a in args if a != "--flip"]
    paths = [p for p in judge.cases("ok") if not stems or any(p.stem.startswith(s) for s in stems)]
    groups: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for p in paths:
        for key in survivors(p, flip):
            groups[key].append(p.stem)
    for (type_, field), cases in sorted(groups.items()):
        print(f"{len(cases):4d}  {type_}  {field}  e.g. {cases[0]}")
    what = "with their setting flipped" if flip else "without their setting"
    print(f"{len(groups)} (type, field) groups passed {what}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
