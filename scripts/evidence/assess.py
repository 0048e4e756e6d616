"""Turn gate verdicts, checkpoints and live checks into one verdict per control.

Status rules (technical controls):
- failed: a mapped rule or checkov check reported a violation that is not waived, or a live check failed;
- waived: every violation of its rules is covered by a waiver (owner and expiry shown in the report);
- verified: at least one mapped rule or checkov check ran on this export and found nothing;
- implemented: resources that implement it are in the plan, but no rule verified them;
- not-verified: nothing in this export shows it (never reported as a pass).
Organisational controls are shown with their source and the records that evidence them; a rule tied to
one still fails (or waives) it, so a failing check never hides behind "organisational".
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from evidence.catalogue import rules_of
from evidence.model import ControlResult, LiveCheck, StackEvidence

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


def assess(
    catalogue: Any,
    stacks: list[StackEvidence],
    live: list[LiveCheck] | None = None,
    rule_meta: dict[str, Any] | None = None,
) -> list[ControlResult]:
    """One ControlResult per catalogue control, in catalogue order."""
    live = live or []
    rule_meta = rule_meta or {}
    results = []
    for control in catalogue.controls:
        rules = rules_of(catalogue, control)
        rules += [
            rid
            for rid, meta in sorted(rule_meta.items())
            if control.id in (getattr(meta, "controls", ()) or ()) and rid not in rules
        ]
        checks = list(getattr(control, "checkov", []) or [])
        ids = set(rules) | set(checks)
        types: set[str] = set()
        for rid in rules:
            types |= {t.lower() for t in (getattr(rule_meta.get(rid), "resource_types", None) or [])}
        components = {_component_token(str(c)) for c in getattr(control, "components", []) or []}
        wanted = [str(e) for e in getattr(control, "evidence", []) or []]
        runs: list[dict[str, Any]] = []
        violations: list[dict[str, Any]] = []
        subjects: list[dict[str, Any]] = []
        for ev in stacks:
            found = _scan_stack(ev, ids, types, components, wanted)
            runs += found[0]
            violations += found[1]
            subjects += found[2]
        checked = [
            c
            for c in live
            if c.check in wanted
            or set(c.rules) & ids
            or (c.resource_type and _type_matches(c.resource_type, types))
        ]
        results.append(_verdict(control, rules, checks, runs, violations, subjects, checked))
    return results


def _scan_stack(
    ev: StackEvidence, ids: set[str], types: set[str], components: set[str], wanted: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """One stack's rule runs, findings and implementing resources (subjects) for one control."""
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
        if urn in flagged or _type_matches(rtype, types) or any(_type_matches(t, components) for t in chain):
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


def _verdict(
    control: Any,
    rules: list[str],
    checks: list[str],
    runs: list[dict[str, Any]],
    violations: list[dict[str, Any]],
    subjects: list[dict[str, Any]],
    live: list[LiveCheck],
) -> ControlResult:
    """Apply the status rules of the module docstring."""
    result = ControlResult(
        control=control,
        status="not-verified",
        reason="",
        rules=rules,
        checkov=checks,
        runs=runs,
        violations=violations,
        subjects=subjects,
        live=live,
    )
    open_ = [v for v in violations if not v.get("waiver")]
    live_failed = [c for c in live if c.status == "fail"]
    if open_ or live_failed:  # also for an organisational control: a failing rule must not hide behind it
        result.status = "failed"
        result.reason = f"{len(open_)} open violation(s), {len(live_failed)} failed live check(s)"
    elif violations:
        result.status = "waived"
        result.reason = f"{len(violations)} violation(s), all waived"
    elif getattr(control, "kind", "technical") == "organisational":
        result.status, result.reason = "organisational", "organisational measure: see sources and records"
    elif any(r.get("resources_checked", 0) > 0 for r in runs) or any(c.status == "pass" for c in live):
        checked = sum(r.get("resources_checked", 0) for r in runs)
        result.status = "verified"
        result.reason = f"{len(runs)} rule run(s) over {checked} resource(s) without violation"
    elif subjects or runs:
        result.status = "implemented"
        result.reason = f"{len(subjects)} implementing resource(s); no rule evaluated them in this export"
    else:
        result.reason = "nothing in this export shows this control"
    return result


def summary(results: list[ControlResult]) -> dict[str, int]:
    """Count of controls per status, in a fixed order."""
    order = ["verified", "implemented", "waived", "failed", "organisational", "not-verified"]
    counts = dict.fromkeys(order, 0)
    for r in results:
        counts[r.status] += 1
    return counts
