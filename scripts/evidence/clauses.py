"""Judge each means of a clause on this export, then the clause.

A means establishes its clause only when its check ran on at least one resource it applies to (a rule on
the recorded resources of the types the clause relies on it for, a checkov check that checked resources, a
component default on the resources the component created, a live check that passed, a valid record).
The gate reports a stack rule as "checked" on every resource of the stack, so the number of resources a
rule applied to is derived here: recorded resources of the clause's types in the stacks where it ran.

Clause status: failed if a means failed; organisational if every means is; not-verified when a rule,
component or record means could not run (or is planned), or when nothing established it (a means with
nothing to apply to establishes nothing); otherwise waived (a finding under a valid waiver) or established.
Live checks and checkov corroborate: they can fail or establish a clause, and when they did not run
(no --live) the clause rests on its other means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from evidence.model import ClauseResult, LiveCheck, MeansResult, StackEvidence
from evidence.records import Records

PRIMARY = ("rule", "component", "record")  # a means of these kinds that cannot run leaves the clause open


@dataclass
class Export:
    """Everything the means are judged on, indexed once per export."""

    stacks: list[StackEvidence]
    live: list[LiveCheck] | None  # None: the export ran without --live
    rule_meta: dict[str, Any]
    records: Records | None = None
    by_type: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for ev in self.stacks:
            index: dict[str, list[dict[str, Any]]] = {}
            for r in ev.resources():
                rtype = str(r.get("type", ""))
                if rtype and not rtype.startswith("pulumi:") and r.get("custom", True) is not False:
                    index.setdefault(rtype, []).append(r)
            self.by_type[ev.stack] = index
            self.runs[ev.stack] = {p.policy: p for p in ev.report.policies if p.level != "disabled"}

    def count(self, stack: str, types: frozenset[str]) -> int:
        index = self.by_type.get(stack, {})
        if "*" in types:
            return sum(len(v) for v in index.values())
        return sum(len(index.get(t, ())) for t in types)

    def rule_types(self, rule: str, types: frozenset[str] | None) -> frozenset[str]:
        """The types a rule means applies to: the clause's, else the rule's own, else every type."""
        if types is not None:
            return types
        own = getattr(self.rule_meta.get(rule), "resource_types", None)
        return frozenset(own) if own else frozenset({"*"})


def _findings(violations: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """failed / waived / "" for a means' attributed findings."""
    if any(not v.get("waiver") for v in violations):
        return "failed", violations
    return ("waived", violations) if violations else ("", violations)


def waiver_text(found: list[dict[str, Any]]) -> str:
    """Who waived what until when, once per waiver."""
    seen = {(w.get("owner"), w.get("expires")) for v in found if (w := v.get("waiver"))}
    return ", ".join(f"waiver by {o} until {e}" for o, e in sorted(seen, key=str))


def _applied_text(applied: dict[str, int]) -> str:
    return ", ".join(f"{s} ({n})" for s, n in applied.items() if n) or "nothing"


def judge_rule(means: Any, ex: Export, violations: list[dict[str, Any]]) -> MeansResult:
    rule, how = means.ref, means.describe()
    types = ex.rule_types(rule, means.types)
    ran = [ev.stack for ev in ex.stacks if rule in ex.runs[ev.stack]]
    applied = {s: ex.count(s, types) for s in ran}
    missed = {ev.stack: ex.count(ev.stack, types) for ev in ex.stacks if ev.stack not in ran}
    missed = {s: n for s, n in missed.items() if n}
    verdict, found = _findings(violations)
    if verdict == "failed":
        n = sum(1 for v in found if not v.get("waiver"))
        return MeansResult("rule", rule, how, "failed", f"{n} open finding(s)", applied, found)
    if not ran and means.pending and rule not in ex.rule_meta:
        return MeansResult(
            "rule", rule, how, "not-verified", f"planned rule, not in the library: {means.pending}"
        )
    if short := _unchecked(rule, ran, ex):
        return MeansResult("rule", rule, how, "not-verified", short, applied, found)
    if missed:
        where = ", ".join(f"{s} ({n} resource(s))" for s, n in missed.items())
        return MeansResult("rule", rule, how, "not-verified", f"did not run on {where}", applied, found)
    if not sum(applied.values()):
        return MeansResult(
            "rule", rule, how, "not-applicable", "nothing to apply to: no resource of its types was recorded"
        )
    detail = f"ran on {_applied_text(applied)} resource(s)"
    if verdict == "waived":
        return MeansResult(
            "rule",
            rule,
            how,
            "waived",
            f"{detail}; {len(found)} waived finding(s): {waiver_text(found)}",
            applied,
            found,
        )
    return MeansResult("rule", rule, how, "established", f"{detail}; no finding", applied)


def _unchecked(rule: str, ran: list[str], ex: Export) -> str:
    """A resource rule the gate ran on fewer resources than the plan has of its types (e.g. skipped on
    unknown values): those resources were not checked, whatever the rule's verdict on the others."""
    meta = ex.rule_meta.get(rule)
    own = getattr(meta, "resource_types", None)
    if not own or getattr(meta, "scope", "resource") != "resource":
        return ""
    short = []
    for s in ran:
        checked, present = ex.runs[s][rule].resources_checked, ex.count(s, frozenset(own))
        if checked < present:
            short.append(f"{s} ({checked} of {present})")
    return (
        "the gate checked fewer resources than the plan has of its types: " + ", ".join(short)
        if short
        else ""
    )


def judge_checkov(means: Any, ex: Export, violations: list[dict[str, Any]]) -> MeansResult:
    check, how = means.ref, means.describe()
    applied = {s: ex.runs[s][check].resources_checked for s in ex.runs if check in ex.runs[s]}
    verdict, found = _findings(violations)
    if verdict:
        return MeansResult("checkov", check, how, verdict, f"{len(found)} finding(s)", applied, found)
    if not sum(applied.values()):
        return MeansResult("checkov", check, how, "not-applicable", "checkov checked no resource with it")
    return MeansResult("checkov", check, how, "established", f"passed on {_applied_text(applied)}", applied)


def _path(value: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b


def judge_component(means: Any, ex: Export) -> MeansResult:
    cls, how = means.ref.rsplit(".", 1)[-1], means.describe()
    (rtype,) = tuple(means.types)
    applied: dict[str, int] = {}
    wrong: list[str] = []
    for ev in ex.stacks:
        for r in ex.by_type[ev.stack].get(rtype, ()):
            chain = (
                str(r.get("urn", "")).split("::")[2].split("$")
                if str(r.get("urn", "")).count("::") >= 3
                else []
            )
            if not any(t == cls or t.endswith(":" + cls) for t in chain):
                continue
            applied[ev.stack] = applied.get(ev.stack, 0) + 1
            value = _path(r.get("inputs") or {}, means.property)
            if not _same(value, means.equals):
                wrong.append(f"{str(r.get('urn', '')).rsplit('::', 1)[-1]} has {means.property} = {value!r}")
    if wrong:
        return MeansResult("component", means.ref, how, "failed", "; ".join(wrong[:5]), applied)
    if not applied:
        return MeansResult(
            "component", means.ref, how, "not-applicable", f"no {rtype} created by {cls} recorded"
        )
    return MeansResult(
        "component", means.ref, how, "established", f"set on {_applied_text(applied)}", applied
    )


def judge_live(means: Any, ex: Export) -> MeansResult:
    how = means.describe()
    if ex.live is None:
        return MeansResult("live", means.ref, how, "not-verified", "not run (export without --live)")
    mine = [c for c in ex.live if c.check == means.ref or c.check.startswith(means.ref + ".")]
    if means.ref.startswith("rule:"):  # a derived clause: the live checks that verify the rule's intent
        rule = means.ref.removeprefix("rule:")
        types = ex.rule_types(rule, None)
        mine = [c for c in ex.live if rule in c.rules or (c.resource_type and c.resource_type in types)]
    applied = {"live": sum(1 for c in mine if c.status == "pass")}
    if any(c.status == "fail" for c in mine):
        bad = [c for c in mine if c.status == "fail"]
        return MeansResult("live", means.ref, how, "failed", bad[0].detail, applied, live=mine)
    if applied["live"] and all(c.status == "pass" for c in mine):
        return MeansResult(
            "live", means.ref, how, "established", f"{applied['live']} pass", applied, live=mine
        )
    why = next((c.detail for c in mine if c.status != "pass"), "the live check returned no result")
    return MeansResult("live", means.ref, how, "not-verified", why, live=mine)


def judge_record(means: Any, ex: Export) -> MeansResult:
    how = means.describe()
    types = means.types or _data_stores()
    stacks = [ev.stack for ev in ex.stacks if ex.count(ev.stack, types)]
    if not stacks:
        return MeansResult(
            "record", means.ref, how, "not-applicable", "no exported stack holds what it covers"
        )
    if ex.records is None:
        return MeansResult("record", means.ref, how, "not-verified", "no records read by this export")
    checks = [ex.records.check(means.ref, s) for s in stacks]
    applied = {c.stack: 1 for c in checks if c.status == "established"}
    detail = "; ".join(c.detail for c in checks)
    for status in ("failed", "not-verified"):
        if any(c.status == status for c in checks):
            return MeansResult("record", means.ref, how, status, detail, applied)
    return MeansResult("record", means.ref, how, "established", detail, applied)


def _data_stores() -> frozenset[str]:
    from policies.core.types import DATA_STORES

    return DATA_STORES


def judge_clause(clause: Any, results: list[MeansResult]) -> ClauseResult:
    """Combine the means of one clause (rules of the module docstring)."""

    def names(rs: Iterable[MeansResult]) -> str:
        return "; ".join(f"{r.how}: {r.detail}" if r.detail else r.how for r in rs)

    statuses = [r.status for r in results]
    out = ClauseResult(clause.id, clause.text, "not-verified", "", results)
    if "failed" in statuses:
        out.status, out.reason = "failed", names(r for r in results if r.status == "failed")
    elif all(s == "organisational" for s in statuses):
        out.status, out.reason = "organisational", names(results)
    elif blocked := [r for r in results if r.kind in PRIMARY and r.status == "not-verified"]:
        out.reason = names(blocked)
    elif done := [r for r in results if r.status in ("established", "waived")]:
        out.status = "waived" if any(r.status == "waived" for r in done) else "established"
        out.reason = names(done)
    else:
        out.reason = "nothing established it: " + names(r for r in results if r.status != "organisational")
    return out
