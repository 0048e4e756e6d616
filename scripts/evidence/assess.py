"""Turn gate verdicts, checkpoints, live checks and records into a verdict per clause, then per control.

Control status from its clauses (see evidence.model.STATUS_MEANING):
- failed: a clause failed, or a further-evidence checkov check of the control has an open finding;
- organisational: every clause is organisational;
- not-verified / partially-verified: a technical clause is not established; partially when another is;
- waived: every technical clause holds and at least one only under a waiver;
- partially-verified: every technical clause is established, organisational clauses remain (named);
- verified: every clause is established by a check that ran on at least one resource it applies to.
A finding of a rule counts against the clauses that rely on that rule for the finding's resource type and
whose message pattern matches it (all of them when no pattern matches: a finding is never dropped).
"""

from __future__ import annotations

import re
from dataclasses import asdict
from types import SimpleNamespace
from typing import Any

from evidence.catalogue import rules_of
from evidence.clauses import (
    Export,
    judge_checkov,
    judge_clause,
    judge_component,
    judge_live,
    judge_record,
    judge_rule,
    waiver_text,
)
from evidence.model import STATUS_ORDER, ClauseResult, ControlResult, LiveCheck, MeansResult, StackEvidence
from evidence.records import Records

MAX_PROPERTIES = 16  # property values shown per resource when the control names none


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted paths to leaf values, e.g. {"serverSideEncryption.rule.kmsKeyId": "..."}."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and value and any(isinstance(v, dict | list) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value} if prefix else {}


def shown_properties(inputs: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
    """The property values that show a control: the ones the control names, else the first few."""
    flat = flatten(inputs)
    if wanted:
        names = [w.rsplit(":", 1)[-1].rsplit(".", 1)[-1].lower() for w in wanted]
        picked = {k: v for k, v in flat.items() if any(n and (n in k.lower()) for n in names)}
        if picked:
            return picked
    return dict(list(flat.items())[:MAX_PROPERTIES])


def _component_token(entry: str) -> str:
    """A catalogue component ("components.aws.bucket.SecureBucket") as the type segment it registers."""
    return (entry if ":" in entry else entry.rsplit(".", 1)[-1]).lower()


def rule_of(violation: Any) -> str:
    """The rule a finding is about: a waived finding arrives under the pack's waiver-report policy."""
    waiver = violation.waiver or {}
    return str(waiver.get("rule") or violation.policy)


def _type_matches(resource_type: str, patterns: set[str]) -> bool:
    """A type token matches an entry exactly or by its last segment ("aws:kms/key:Key" ~ "key").

    Components are matched against every type in the URN's parent chain, so a component entry such as
    "dosis-eloket:aws:SecureBucket" (or "SecureBucket") selects the resources the component creates.
    """
    low = resource_type.lower()
    return any(p and (p == low or low.endswith(":" + p) or low.endswith("/" + p)) for p in patterns)


def clauses_of(control: Any) -> list[Any]:
    """The control's clauses; a control without any (derived from rule metadata) gets one per rule."""
    clauses = list(getattr(control, "clauses", ()) or ())
    if clauses:
        return clauses
    out = []
    for rid in getattr(control, "rules", ()) or ():
        rule = SimpleNamespace(kind="rule", ref=rid, types=None, messages="", pending="")
        rule.describe = lambda rid=rid: f"rule {rid}"
        live = SimpleNamespace(kind="live", ref="rule:" + rid, types=None)
        live.describe = lambda rid=rid: f"live checks of {rid}"
        out.append(SimpleNamespace(id=rid, text=f"{rid} finds nothing", means=(rule, live)))
    for ck in getattr(control, "checkov", ()) or ():
        check = SimpleNamespace(kind="checkov", ref=ck)
        check.describe = lambda ck=ck: f"checkov {ck}"
        out.append(SimpleNamespace(id=ck.lower().replace("_", "-"), text=f"{ck} passes", means=(check,)))
    if not out:
        org = SimpleNamespace(kind="organisational", ref="; ".join(getattr(control, "evidence", ()) or ()))
        org.describe = lambda: "organisational"
        out.append(SimpleNamespace(id="measure", text=getattr(control, "statement", ""), means=(org,)))
    return out


def _applies(means: Any, v: dict[str, Any], ex: Export) -> bool:
    if not v.get("type") or not v.get("urn"):
        return True  # a stack-level finding: its message decides
    types = ex.rule_types(means.ref, means.types)
    return "*" in types or v["type"] in types


def attribute(clauses: list[Any], violations: list[dict[str, Any]], ex: Export) -> dict[int, list]:
    """Findings per means (keyed by id(means)); see the module docstring."""
    out: dict[int, list[dict[str, Any]]] = {}
    for v in violations:
        cands = [
            m
            for c in clauses
            for m in c.means
            if m.kind in ("rule", "checkov")
            and m.ref == v["rule"]
            and (m.kind == "checkov" or _applies(m, v, ex))
        ]
        hits = [m for m in cands if not getattr(m, "messages", "") or re.search(m.messages, v["message"])]
        for m in hits or cands:
            out.setdefault(id(m), []).append(v)
    return out


def _judge(means: Any, ex: Export, found: list[dict[str, Any]]) -> MeansResult:
    if means.kind == "rule":
        return judge_rule(means, ex, found)
    if means.kind == "checkov":
        return judge_checkov(means, ex, found)
    if means.kind == "component":
        return judge_component(means, ex)
    if means.kind == "live":
        return judge_live(means, ex)
    if means.kind == "record":
        return judge_record(means, ex)
    return MeansResult("organisational", means.ref, means.describe(), "organisational", "")


def assess(
    catalogue: Any,
    stacks: list[StackEvidence],
    live: list[LiveCheck] | None = None,
    rule_meta: dict[str, Any] | None = None,
    records: Records | None = None,
) -> list[ControlResult]:
    """One ControlResult per catalogue control, in catalogue order (live None/[]: not run)."""
    ex = Export(stacks, live or None, rule_meta or {}, records)
    results = []
    for control in catalogue.controls:
        clauses = clauses_of(control)
        rules = rules_of(catalogue, control)
        checks = list(getattr(control, "checkov", []) or [])
        checks += [m.ref for c in clauses for m in c.means if m.kind == "checkov" and m.ref not in checks]
        ids = set(rules) | set(checks)
        components = {_component_token(str(c)) for c in getattr(control, "components", []) or []}
        types: set[str] = set()
        for c in clauses:
            for m in c.means:
                if m.kind in ("rule", "component"):
                    types |= ex.rule_types(m.ref, m.types) if m.kind == "rule" else set(m.types or ())
        wanted = [str(e) for e in getattr(control, "evidence", []) or []]
        runs, violations, subjects = [], [], []
        for ev in stacks:
            found = _scan_stack(ev, ids, {t.lower() for t in types}, components, wanted)
            runs, violations, subjects = runs + found[0], violations + found[1], subjects + found[2]
        per_means = attribute(clauses, violations, ex)
        judged = [
            judge_clause(c, [_judge(m, ex, per_means.get(id(m), [])) for m in c.means]) for c in clauses
        ]
        attributed = {id(v) for vs in per_means.values() for v in vs}
        loose = [v for v in violations if id(v) not in attributed and v["rule"] in checks]
        used = [c for m in judged for r in m.means for c in r.live]
        attributed |= {id(v) for v in loose}
        mine = [v for v in violations if id(v) in attributed]  # the findings about this control
        result = ControlResult(control, "not-verified", "", rules, checks, runs, mine, subjects, used)
        result.clauses = judged
        _verdict(result, loose)
        results.append(result)
    return results


def _scan_stack(
    ev: StackEvidence, ids: set[str], types: set[str], components: set[str], wanted: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """One stack's rule runs, findings and the resources the control is about (subjects)."""
    runs = [
        {"stack": ev.stack, **asdict(run)}
        for run in ev.report.policies
        if run.policy in ids and run.level != "disabled"
    ]
    violations = [
        {"stack": ev.stack, **v.to_json(), "rule": rule_of(v)}
        for v in ev.report.violations
        if rule_of(v) in ids and v.level != "disabled"
    ]
    flagged = {v["urn"] for v in violations}
    subjects, seen = [], set()
    for r in ev.resources():
        rtype, urn = r.get("type", ""), r.get("urn", "")
        if rtype.startswith("pulumi:") or urn in seen:
            continue
        chain = urn.split("::")[2].split("$") if urn.count("::") >= 3 else [rtype]
        if (
            urn in flagged
            or ("*" not in types
            and _type_matches(rtype, types))
            or any(_type_matches(t, components) for t in chain)
        ):
            seen.add(urn)
            subjects.append(
                {
                    "stack": ev.stack,
                    "urn": urn,
                    "type": rtype,
                    "name": urn.rsplit("::", 1)[-1],
                    "properties": shown_properties(r.get("inputs") or {}, wanted),
                }
            )
    return runs, violations, subjects


def _named(clauses: list[ClauseResult]) -> str:
    return "; ".join(f"{c.id} ({c.reason})" for c in clauses)


def _checkov_named(found: list[dict[str, Any]]) -> str:
    """The control's further-evidence checkov findings by check, with their waivers (they belong to no
    clause, so the clause names alone would leave an auditor with a bare count)."""
    counts: dict[str, int] = {}
    for v in found:
        counts[v["rule"]] = counts.get(v["rule"], 0) + 1
    named = ", ".join(f"checkov {check} ({n})" for check, n in sorted(counts.items()))
    waived = waiver_text(found)
    return f"{named} ({waived})" if named and waived else named


def _verdict(result: ControlResult, loose: list[dict[str, Any]]) -> None:
    """Control status from its clauses (rules of the module docstring)."""
    clauses = result.clauses
    by = {
        s: [c for c in clauses if c.status == s] for s in ("established", "failed", "waived", "not-verified")
    }
    technical = [c for c in clauses if c.status != "organisational"]
    open_loose = [v for v in loose if not v.get("waiver")]
    if by["failed"] or open_loose:
        result.status = "failed"
        named = (_named(by["failed"]), _checkov_named(open_loose))
        result.reason = "failed: " + "; ".join(filter(None, named))
    elif not technical:
        result.status, result.reason = "organisational", "organisational: " + _named(clauses)
    elif by["not-verified"]:
        some = by["established"] or by["waived"]
        result.status = "partially-verified" if some else "not-verified"
        result.reason = "not established: " + _named(result.missing)
    elif by["waived"] or loose:
        result.status = "waived"
        named = (_named(by["waived"]), _checkov_named(loose))
        result.reason = f"{len(result.waivers)} finding(s) under waiver: " + "; ".join(filter(None, named))
    elif result.missing:
        result.status = "partially-verified"
        result.reason = "not established by a check: " + _named(result.missing)
    else:
        n = sum(c.applied for c in clauses)
        result.status = "verified"
        result.reason = f"all {len(clauses)} clause(s) established, over {n} resource(s)/record(s)"


def summary(results: list[ControlResult]) -> dict[str, int]:
    """Count of controls per status, in a fixed order."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for r in results:
        counts[r.status] += 1
    return counts


def summary_json(results: list[ControlResult]) -> dict[str, Any]:
    """summary.json of the bundle: counts per status and, per control, its status and open clauses."""
    from evidence.model import STATUS_MEANING

    return {
        "controls": summary(results),
        "clauses": {
            s: sum(1 for r in results for c in r.clauses if c.status == s)
            for s in ("established", "waived", "failed", "not-verified", "organisational")
        },
        "meanings": STATUS_MEANING,
        "per_control": {
            r.control.id: {
                "status": r.status,
                "reason": r.reason,
                "open_clauses": [c.id for c in r.missing],
            }
            for r in results
        },
    }
