"""Judge the compact PIA corpus through the real pia-conditions pack (in-process, as `gate --policy-mode
inprocess` does): every rule the pack selects, resource rules per resource, stack rules over the graph.

A case is one YAML file: first line `# <what it does> -> <rule that must fire>`, then
`base:` (a file in base/ holding a compliant stack), `expect:` (rule ids; [] for compliant programs),
`resources:` (added, or replacing a base resource of the same name) and `drop:` (base names removed).
A resource is {type, name, inputs, protect, refs: {field: name}, deps: [name], provider: {...}}: refs
become property dependencies (an output of that resource fed into the field), as the engine records them.
A case under limits/ is a known limit, reported and not counted: `limit: evasion` (it passes today; `expect`
names the rule that should fire) or `limit: over-block` (a compliant program blocked today), with `why`.

Run `python tests/corpus/pia/judge.py` for the ratios (blocked evasions / wrongly blocked compliant).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
STACK = "corpus"
DATE = dt.date(2026, 11, 30)  # pinned evaluation date: records are judged as of this day


def _provider(type_: str, spec: Any):
    from policies.core.view import ProviderView

    if spec is not None:
        return ProviderView(spec["type"], spec.get("inputs", {}), spec.get("urn", "urn:prov:x"), "p")
    if type_.startswith("aws:"):  # the workload account is pinned, as require-segregated-log-archive needs
        inputs = {"region": "eu-west-1", "allowedAccountIds": '["111122223333"]'}
        return ProviderView("pulumi:providers:aws", inputs, "urn:prov:aws", "workload")
    if type_.startswith("azure-native:"):
        return ProviderView("pulumi:providers:azure-native", {"location": "westeurope"}, "urn:prov:az", "d")
    return None


def urn_of(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::corpus::{type_}::{name}"


def load_case(path: Path) -> dict[str, Any]:
    return {**load_case_text(path.read_text()), "path": path}


def load_case_text(text: str) -> dict[str, Any]:
    case = yaml.safe_load(text) or {}
    resources: list[dict[str, Any]] = []
    if case.get("base"):
        resources = copy.deepcopy(yaml.safe_load((HERE / "base" / f"{case['base']}.yaml").read_text()))
    drop = set(case.get("drop") or ())
    own = case.get("resources") or []
    names = {r["name"] for r in own} | drop
    resources = [r for r in resources if r["name"] not in names] + own
    return {
        "expect": case.get("expect") or [],
        "resources": resources,
        "what": text.split("\n", 1)[0].lstrip("# "),
        "limit": case.get("limit"),
        "why": case.get("why"),
    }


def views(resources: list[dict[str, Any]]):
    from policies.core.view import ResourceView

    by_name = {r["name"]: urn_of(r["type"], r["name"]) for r in resources}
    out = []
    for r in resources:
        pdeps = {
            f: tuple(by_name[n] for n in ([v] if isinstance(v, str) else v))
            for f, v in (r.get("refs") or {}).items()
        }
        deps = tuple(by_name[n] for n in r.get("deps") or ()) + tuple(u for us in pdeps.values() for u in us)
        out.append(
            ResourceView(
                type=r["type"],
                raw=copy.deepcopy(r.get("inputs") or {}),
                urn=by_name[r["name"]],
                name=r["name"],
                provider=_provider(r["type"], r.get("provider")),
                parent=by_name.get(r.get("parent", "")),
                dependencies=deps,
                property_dependencies=pdeps,
                protect=bool(r.get("protect")),
                custom=not r["type"].startswith("dosis-eloket:"),
            )
        )
    return out


class _Pinned:
    """Corpus records directory, stack name and evaluation date for the duration of a judgement."""

    def __enter__(self):
        from policies.core import records

        self.saved = {k: os.environ.get(k) for k in ("DOSIS_RECORDS_DIR", "PULUMI_STACK", "GATE_AS_OF")}
        os.environ.update(
            DOSIS_RECORDS_DIR=str(HERE / "records"), PULUMI_STACK=STACK, GATE_AS_OF=DATE.isoformat()
        )
        records.clear_cache()
        return self

    def __exit__(self, *exc):
        from policies.core import records

        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        records.clear_cache()


def _messages(rule, vs, graph, config) -> list[tuple[str, str]]:
    from policies.core.crossguard import run_resource_rule, run_stack_rule
    from policies.core.rule import RuleContext

    ctx = RuleContext(config=config, stack=STACK)
    if rule.scope == "stack":
        return [(u.rsplit("::", 1)[-1] if u else "<stack>", m) for u, m in run_stack_rule(rule, graph, ctx)]
    return [(v.name, m) for v in vs for m in run_resource_rule(rule, v, ctx)]


def judge_rule(
    rule_id: str, resources: list[dict[str, Any]], config: dict[str, Any]
) -> list[tuple[str, str]]:
    """[(resource name, message)] of one rule on the resources."""
    from policies.core.view import StackGraph
    from policies.rules import rule

    with _Pinned():
        vs = views(resources)
        return _messages(rule(rule_id), vs, StackGraph(vs), config)


# This corpus holds the PIA rules of issue 15 to account. Key custody (require-controller-held-keys, issue 17)
# is stricter than these programs' KMS keys on purpose and has its own corpus of cases in
# tests/policies/rules/test_require_controller_held_keys.py.
NOT_JUDGED = frozenset({"require-controller-held-keys"})


def judge(case: dict[str, Any]) -> dict[str, list[str]]:
    """{rule id: [message]} of the pia-conditions pack's mandatory rules on the case."""
    from policies.core.view import StackGraph
    from policies.packs import selected

    config = json.loads((REPO / "policies" / "config" / "pia-conditions.json").read_text())
    with _Pinned():
        vs = views(case["resources"])
        graph = StackGraph(vs)
        found: dict[str, list[str]] = {}
        for rule, level in selected("pia-conditions"):
            if rule.id in NOT_JUDGED or level != "mandatory":
                continue
            if msgs := _messages(rule, vs, graph, config.get(rule.id, {})):
                found[rule.id] = [f"{n}: {m}" for n, m in msgs]
        return found


def cases(kind: str) -> list[Path]:
    return sorted((HERE / kind).glob("*.yaml"))


def limit_holds(case: dict[str, Any]) -> bool:
    """Whether a known limit still holds: an evasion passes every rule, an over-block is still blocked."""
    assert case["limit"] in ("evasion", "over-block") and case["why"], "a limit says `limit` and `why`"
    return not judge(case) if case["limit"] == "evasion" else bool(judge(case))


def ratios() -> tuple[int, int, int, int]:
    """(evasions blocked by their rule, evasions, compliant wrongly blocked, compliant)."""
    blocked = sum(1 for p in cases("evil") if (c := load_case(p)) and set(c["expect"]) <= set(judge(c)))
    wrong = sum(1 for p in cases("ok") if judge(load_case(p)))
    return blocked, len(cases("evil")), wrong, len(cases("ok"))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    verbose = "-v" in sys.argv
    for kind in ("evil", "ok"):
        for p in cases(kind):
            c = load_case(p)
            found = judge(c)
            good = set(c["expect"]) <= set(found) if kind == "evil" else not found
            if verbose or not good:
                print(f"{'ok ' if good else 'BAD'} {kind}/{p.stem}: want {c['expect']} got {sorted(found)}")
                if kind == "ok" and found:
                    for rid, ms in found.items():
                        for m in ms[:3]:
                            print(f"      {rid}: {m}")
    for p in cases("limits"):
        state = "holds" if limit_holds(load_case(p)) else "CLOSED (move it to evil/ or ok/)"
        print(f"limit {p.stem}: {state}")
    b, n, w, m = ratios()
    print(
        f"evasions blocked: {b}/{n} ({100 * b / max(n, 1):.0f} %); compliant wrongly blocked: {w}/{m} "
        f"({100 * w / max(m, 1):.0f} %)"
    )
