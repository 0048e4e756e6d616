"""Turning rules into pulumi_policy (CrossGuard) policies, with waivers and fail-closed errors.

Each rule becomes a policy named after the rule id with the rule title as description. A finding that a
valid waiver names is not reported by the rule's own (mandatory) policy; the pack's companion policy
`report-waived-findings` (advisory, stack-level) reports it instead, prefixed with
`[waived: <rule-id> until <YYYY-MM-DD>, owner <owner>] ` — CrossGuard cannot lower the level of one
violation, and the gate parses that prefix from advisory findings. A rule that raises reports a
violation (fail closed), never a crash or a skip.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterable
from typing import Any

import pulumi_policy as pp

from policies.core.args_view import graph_from_args, view_from_args
from policies.core.location import ALLOWED_REGIONS_SCHEMA
from policies.core.records import current_stack, load_waivers
from policies.core.rule import Rule, RuleContext, failed_message
from policies.core.stack_findings import stack_findings
from policies.core.view import StackGraph

WAIVED_POLICY = "report-waived-findings"
_LEVELS = {
    "advisory": pp.EnforcementLevel.ADVISORY,
    "mandatory": pp.EnforcementLevel.MANDATORY,
    "disabled": pp.EnforcementLevel.DISABLED,
}


def run_resource_rule(rule: Rule, view: Any, ctx: RuleContext) -> list[str]:
    """Messages of a resource rule on one view, never raising."""
    if rule.resource_types is not None and view.type not in rule.resource_types:
        return []
    try:
        return list(rule.check(view, ctx))
    except Exception as e:
        return [failed_message(rule.id, e)]


def _messages(rule: Rule, view: Any, graph: StackGraph, ctx: RuleContext) -> list[str]:
    """A resource's findings by a resource rule, or by a stack rule judged resource by resource."""
    if rule.each is None:
        return run_resource_rule(rule, view, ctx)
    try:
        return list(rule.each(view, graph, ctx))
    except Exception as e:
        return [failed_message(rule.id, e)]


def run_stack_rule(rule: Rule, graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    """(urn, message) pairs of a stack rule, never raising ('' = the stack itself)."""
    try:
        return [(u or "", m) for u, m in rule.check(graph, ctx)]
    except Exception as e:
        return [("", failed_message(rule.id, e))]


# (weak reference to the last args, its stack): every policy of a resource gets the same args object. Weak:
# the last args of an evaluation is the stack policies' one, which holds every resource's view.
_STACK_OF: list[Any] = [lambda: None, ""]


def _stack_of(args: Any) -> str:
    """current_stack() once per args object rather than once per policy (it reads the environment)."""
    if _STACK_OF[0]() is not args:
        _STACK_OF[1] = current_stack()
        try:
            _STACK_OF[0] = weakref.ref(args)
        except TypeError:  # not weakly referenceable: not remembered
            _STACK_OF[0] = lambda: None
    return _STACK_OF[1]


class _Contexts:
    """One RuleContext per (config, stack), reused across the thousands of resources of an evaluation."""

    def __init__(self) -> None:
        self._last: tuple[Any, str, RuleContext] | None = None

    def __call__(self, args: Any) -> RuleContext:
        get_config = getattr(args, "get_config", None)
        config = (get_config() if get_config is not None else None) or {}
        stack = _STACK_OF[1] if _STACK_OF[0]() is args else _stack_of(args)
        last = self._last
        if last is not None and last[1] == stack and last[0] == config:
            return last[2]
        ctx = RuleContext(config=dict(config), stack=stack)
        self._last = (dict(config), stack, ctx)
        return ctx


class _ResourcePolicy(pp.ResourceValidationPolicy):
    """A resource policy whose one validation function is called directly: the base class's `validate`
    wraps every call in a list and a closure, a measurable share of judging 100k resources. Same contract:
    a synchronous validation returns None."""

    def __init__(self, *, validate: Any, **common: Any) -> None:
        super().__init__(validate=validate, **common)
        self.validate = validate  # type: ignore[method-assign]


def _schema(rule: Rule) -> pp.PolicyConfigSchema | None:
    return pp.PolicyConfigSchema(properties=rule.config_schema) if rule.config_schema else None


def to_policy(rule: Rule, level: str = "mandatory") -> pp.Policy:
    """The CrossGuard policy of one rule at the pack's chosen enforcement level."""
    common: dict[str, Any] = dict(
        name=rule.id,
        description=rule.title,
        enforcement_level=_LEVELS[level],
        config_schema=_schema(rule),
        severity=pp.Severity(rule.severity),
        remediation_steps=rule.remediation,
        tags=list(rule.controls),
    )
    _context = _Contexts()
    if rule.scope == "stack":

        def validate_stack(args: Any, report: Any) -> None:
            graph = graph_from_args(args)
            findings = stack_findings(rule, graph, _context(args), run_stack_rule)
            if not findings:
                return
            waivers = load_waivers() if rule.waivable else None
            for urn, message in findings:
                r = graph.get(urn)
                if waivers is not None and r is not None and waivers.find(rule.id, r.urn):
                    continue
                report(message, urn or None)

        policy: Any = pp.StackValidationPolicy(validate=validate_stack, **common)
        if rule.each is not None:
            policy.validate_resources = _ranged(rule, _context)  # gate: judged range by range
        return policy

    types, check = rule.resource_types, rule.check

    def validate(args: Any, report: Any) -> None:
        if types is not None and args.resource_type not in types:
            return
        view = view_from_args(args)
        ctx = _context(args)
        try:  # run_resource_rule, inlined: this runs once per resource and rule
            messages = list(check(view, ctx))
        except Exception as e:
            messages = [failed_message(rule.id, e)]
        if not messages:
            return
        waiver = load_waivers().find(rule.id, view.urn) if rule.waivable else None
        if waiver is not None:
            return  # reported by the advisory companion policy
        for m in messages:
            report(m)

    policy = _ResourcePolicy(validate=validate, **common)
    if rule.resource_types is not None:
        policy.resource_types = rule.resource_types  # type: ignore[attr-defined]  # gate fast path
    return policy


def _ranged(rule: Rule, context: _Contexts) -> Any:
    """validate_resources(args, report, lo, hi): a per-resource stack rule on args.resources[lo:hi]. Run
    over consecutive ranges it reports what validate_stack reports, in the same order; the empty range
    (0, 0) builds the rule's graph-wide indexes, so that a gate forking after it shares them."""
    each, release = rule.each, rule.release
    assert each is not None

    def validate_resources(args: Any, report: Any, lo: int, hi: int) -> None:
        graph = graph_from_args(args)
        ctx = context(args)
        if lo == hi:
            if rule.prepare is not None:
                with contextlib.suppress(Exception):  # built again where needed: it fails closed there
                    rule.prepare(graph, ctx)
            return
        waivers = load_waivers() if rule.waivable else None
        for r in graph.resources[lo:hi]:
            try:
                messages = list(each(r, graph, ctx))
            except Exception as e:
                messages = [failed_message(rule.id, e)]
            if release is not None:
                release(r)
            if messages and not (waivers is not None and waivers.find(rule.id, r.urn)):
                for message in messages:
                    report(message, r.urn)

    return validate_resources


def waived_findings_policy(rules: Iterable[Rule]) -> pp.StackValidationPolicy:
    """The advisory companion that reports the findings valid waivers name, with the waiver prefix."""
    waivable = [r for r in rules if r.waivable]

    def validate(args: Any, report: Any) -> None:
        waivers = load_waivers()
        if not waivers.waivers:
            return
        graph = graph_from_args(args)
        config = dict(args.get_config() or {})
        ctx = RuleContext(config=config, stack=current_stack())
        urns = waivers.resources
        for rule in waivable:
            if not any(w.rule == rule.id for w in waivers.waivers):
                continue
            if rule.scope == "stack" and rule.each is None:
                for urn, message in stack_findings(rule, graph, ctx, run_stack_rule):
                    r = graph.get(urn)
                    w = waivers.find(rule.id, r.urn) if r is not None else None
                    if w is not None:
                        report(w.prefix() + message, urn)
                continue
            for r in graph.resources:
                if r.urn not in urns:
                    continue
                w = waivers.find(rule.id, r.urn)
                if w is None:
                    continue
                for message in _messages(rule, r, graph, ctx):
                    report(w.prefix() + message, r.urn)

    return pp.StackValidationPolicy(
        name=WAIVED_POLICY,
        validate=validate,
        enforcement_level=pp.EnforcementLevel.ADVISORY,
        description="Findings that a valid waiver record names are reported as waived, not blocking.",
        severity=pp.Severity.LOW,
        remediation_steps="Fix the finding before the waiver expires.",
        config_schema=pp.PolicyConfigSchema(properties=ALLOWED_REGIONS_SCHEMA),
    )


def pack_policies(rules: Iterable[tuple[Rule, str]]) -> list[pp.Policy]:
    """All policies of a pack: one per (rule, level), plus the waived-findings companion."""
    chosen = list(rules)
    policies = [to_policy(rule, level) for rule, level in chosen]
    policies.append(waived_findings_policy(rule for rule, _ in chosen))
    return policies
