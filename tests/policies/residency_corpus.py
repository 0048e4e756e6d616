"""The residency red-team corpus (tests/corpus/residency): compact resource fixtures judged by the real pack.

A case is one YAML file whose first line is a comment saying what it does and which rule must fire. It lists
the resources a program would register (type, name, inputs, explicit provider, parent, `custom`; `external`
with `id` for a resource read with `.get()`), the stack
config (default providers are synthesized from it as the engine does), and `expect`: the rules of which at
least one must block (evil) or `[]` (compliant: no mandatory eu-residency finding). A case under
`limits/` is a known limit, reported and not counted: `limit: evasion` (it passes today; `expect` names
the rule that should fire) or `limit: over-block` (a compliant program blocked today), with `why` saying
what it would take to close it. The case becomes a checkpoint with the gate's own mock outputs (ids,
ARNs) and is judged in-process by the gate's policy host with `policies/eu_residency` and
`policies/config/eu-residency.json`: the same path as `gate preview`, minus running a program (about 100x
cheaper, so the corpus can be large).

`python tests/policies/residency_corpus.py` prints the ratios (evil blocked / total, good passed / total).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus" / "residency"
PACK = REPO / "policies" / "eu_residency"
PACK_CONFIG = REPO / "policies" / "config" / "eu-residency.json"
RECORDS = CORPUS / "records"  # the corpus's own declared endpoints (DOSIS_RECORDS_DIR while judging)
STACK, PROJECT = "corpus", "corpus"
_SIG, _SECRET = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"
LIMIT_KINDS = ("evasion", "over-block")
_STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"


@dataclass
class Case:
    path: Path
    what: str
    expect: list[str]
    config: dict[str, Any]
    resources: list[dict[str, Any]]
    limit: str | None = None

    @property
    def evil(self) -> bool:
        return self.path.parent.name == "evil" or self.limit == "evasion"


def load(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# "), f"{path}: first line must say what the case does"
    data = yaml.safe_load(text)
    limit = data.get("limit")
    if path.parent.name == "limits":
        assert limit in LIMIT_KINDS and data.get("why"), f"{path}: a limit says `limit` and `why`"
    return Case(
        path,
        first[2:],
        list(data.get("expect") or []),
        dict(data.get("config") or {}),
        list(data.get("resources") or []),
        limit,
    )


def cases(kind: str | None = None) -> list[Path]:
    """Case files of one kind (`evil`, `good`, `limits`); by default the counted ones."""
    kinds = [kind] if kind else ["evil", "good"]
    return sorted(p for k in kinds for p in (CORPUS / k).glob("*.yaml"))


def _secrets(value: Any) -> Any:
    """`{secret: v}` in a fixture is a secret value, stored as the checkpoint stores it."""
    if isinstance(value, dict):
        if set(value) == {"secret"}:
            return {_SIG: _SECRET, "value": _secrets(value["secret"])}
        return {k: _secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_secrets(v) for v in value]
    return value


def checkpoint(case: Case) -> dict[str, Any]:
    """The checkpoint a gate recording of the case's program would write (default providers included)."""
    from gate.mocks import GateMocks
    from gate.wire import UNKNOWN

    urns: dict[str, str] = {}
    out: list[dict[str, Any]] = [{"urn": _STACK_URN, "type": "pulumi:pulumi:Stack", "custom": False}]
    defaults: dict[str, str] = {}
    regions: dict[str, dict[str, Any]] = {}

    def region_of(ref: str, package: str) -> str | None:
        inputs = regions.get(ref.rsplit("::", 1)[0], {})
        value = inputs.get("region" if package == "aws" else "location")
        return value if isinstance(value, str) else None

    def setting_of(ref: str, package: str, key: str) -> str | None:
        """A provider input as the engine records it (a list JSON-encoded): the account or subscription
        it pins."""
        value = regions.get(ref.rsplit("::", 1)[0], {}).get(key)
        value = json.dumps(value) if isinstance(value, list) else value
        return value if isinstance(value, str) and value != UNKNOWN else None

    mocks = GateMocks(region_of, setting_of)

    def add(
        typ: str,
        name: str,
        inputs: dict[str, Any],
        *,
        custom: bool,
        parent: str,
        provider: str,
        extra: dict[str, Any],
    ) -> str:
        urn = f"urn:pulumi:{STACK}::{PROJECT}::{typ}::{name}"
        entry: dict[str, Any] = {
            "urn": urn,
            "type": typ,
            "custom": custom,
            "parent": parent,
            "inputs": inputs,
        }
        if custom:
            rid, outputs = mocks.outputs_for(typ, name, inputs, provider)
            if extra.get("external"):  # read with `.get(name, id)`: as the gate's monitor records it, only
                rid = extra["id"]        # the id is known offline (gate.monitor.ReadResource)
                place = {"aws": ("region",), "azure-native": ("location",)}.get(typ.split(":")[0], ())
                outputs = {**dict.fromkeys([*outputs, *inputs, *place], UNKNOWN), "id": rid}
                entry["external"] = True
            entry["id"] = rid
            entry["outputs"] = {**inputs, **outputs, **extra.get("outputs", {})}
        if provider:
            entry["provider"] = provider
        if extra.get("deps"):
            entry["propertyDependencies"] = {k: [urns[n] for n in v] for k, v in extra["deps"].items()}
            entry["dependencies"] = sorted({u for v in entry["propertyDependencies"].values() for u in v})
        out.append(entry)
        if typ.startswith("pulumi:providers:"):
            regions[urn] = inputs
        return urn

    def default_provider(pkg: str) -> str:
        if pkg not in defaults:
            inputs = {k.split(":", 1)[1]: v for k, v in case.config.items() if k.split(":", 1)[0] == pkg}
            urn = add(
                f"pulumi:providers:{pkg}", "default", inputs, custom=True, parent="", provider="", extra={}
            )
            defaults[pkg] = f"{urn}::{out[-1]['id']}"
        return defaults[pkg]

    for r in case.resources:
        typ, name = r["type"], r["name"]
        custom = bool(r.get("custom", True))
        inputs = _secrets(r.get("inputs") or {})
        provider = ""
        if r.get("provider"):
            purn = urns[r["provider"]]
            provider = f"{purn}::{next(e['id'] for e in out if e['urn'] == purn)}"
        elif custom and not typ.startswith("pulumi:providers:"):
            provider = default_provider(typ.split(":", 1)[0])
        parent = urns[r["parent"]] if r.get("parent") else _STACK_URN
        urns[name] = add(typ, name, inputs, custom=custom, parent=parent, provider=provider, extra=r)
    return {"version": 3, "deployment": {"manifest": {}, "resources": out}}


def judge(case: Case) -> set[str]:
    """The eu-residency rules that block the case (mandatory findings)."""
    return {v.policy for v in evaluate_case(case, PACK, PACK_CONFIG).violations if v.blocking}


def evaluate_case(case: Case, pack: Path, config: Path):
    """The gate's report of one pack on the case, with the corpus's records."""
    from gate.policy_config import load_pack_config
    from gate.policyhost import evaluate

    saved = os.environ.get("DOSIS_RECORDS_DIR")
    os.environ["DOSIS_RECORDS_DIR"] = str(RECORDS)
    try:
        return evaluate(
            checkpoint(case),
            stack=STACK,
            project=PROJECT,
            stack_config=case.config,
            packs=[pack],
            pack_config=load_pack_config([f"{pack.name.replace('_', '-')}={config}"]),
        )
    finally:
        if saved is None:
            os.environ.pop("DOSIS_RECORDS_DIR", None)
        else:
            os.environ["DOSIS_RECORDS_DIR"] = saved


def ratios() -> dict[str, Any]:
    evil = [(c, judge(c)) for c in map(load, cases("evil"))]
    good = [(c, judge(c)) for c in map(load, cases("good"))]
    blocked = [c for c, found in evil if found & set(c.expect)]
    passed = [c for c, found in good if not found]
    return {
        "evil_blocked": f"{len(blocked)}/{len(evil)}",
        "evil_blocked_by_any_rule": f"{sum(1 for _, found in evil if found)}/{len(evil)}",
        "good_passed": f"{len(passed)}/{len(good)}",
        "evil_missed": [c.path.name for c, _ in evil if c not in blocked],
        "good_blocked": {c.path.name: sorted(found) for c, found in good if c not in passed},
        "limits": limits(),
    }


def limits() -> dict[str, list[str]]:
    """Known limits, not counted in the ratios: which still hold and which a change has closed."""
    out: dict[str, list[str]] = {"still_holding": [], "closed": []}
    for case in map(load, cases("limits")):
        found = judge(case)
        holds = not found if case.limit == "evasion" else bool(found)
        out["still_holding" if holds else "closed"].append(case.path.name)
    return out


if __name__ == "__main__":
    sys.path[:0] = [str(REPO), str(REPO / "scripts")]
    print(json.dumps(ratios(), indent=1))
