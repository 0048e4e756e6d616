"""Typed rule metadata, checked when a rule module is imported.

A rule is a pure function over a resource view (or over the whole stack graph) that returns violation
messages. Packs only choose rules and enforcement levels; the metadata (id, title, severity, remediation,
controls) feeds the CrossGuard adapter, the README table and the controls catalogue, so it is validated
here once: a rule with bad metadata fails at import, not in a deployment.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from policies.core.view import ResourceView, StackGraph

Severity = Literal["low", "medium", "high", "critical"]
Scope = Literal["resource", "stack"]

_ID = re.compile(r"^(require|disallow|restrict|limit|forbid)-[a-z0-9]+(-[a-z0-9]+)*$")
_CONTROL = re.compile(r"^[A-Z]{2,5}-\d{2}$")
_SEVERITIES = ("low", "medium", "high", "critical")

ResourceCheck = Callable[["ResourceView", "RuleContext"], list[str]]
StackCheck = Callable[["StackGraph", "RuleContext"], list[tuple[str, str]]]
EachCheck = Callable[["ResourceView", "StackGraph", "RuleContext"], Iterable[str]]


class RuleDefinitionError(TypeError):
    """Raised at import when a rule's metadata is invalid."""


@dataclass(frozen=True)
class RuleContext:
    """What a check may know besides the resource: its policy config, the stack, the records."""

    config: dict[str, Any] = field(default_factory=dict)
    """Policy config as passed by the pack config (e.g. allowedRegions)."""
    stack: str = ""
    """Stack name (PULUMI_STACK)."""


def failed_message(rule_id: str, error: BaseException) -> str:
    """Fail closed: a rule that cannot judge a resource reports it as non-compliant."""
    return (
        f"rule {rule_id} could not judge this resource ({type(error).__name__}: {error}); "
        "it is treated as non-compliant (fail closed)"
    )


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule: metadata plus a pure check function."""

    id: str
    """Kebab-case verb phrase; equals the module name with underscores (require_eea_location)."""
    title: str
    """The compliant state, as a sentence (shown as the policy description)."""
    severity: Severity
    """low | medium | high | critical."""
    remediation: str
    """What to change so the rule passes."""
    controls: tuple[str, ...]
    """Ids of the catalogue controls the rule enforces (at least one)."""
    check: Callable[..., Any] = None  # type: ignore[assignment]  # given, or derived from `each`
    """resource scope: check(view, ctx) -> [message]; stack scope: check(graph, ctx) -> [(urn, message)]."""
    module: str
    """`__name__` of the defining module (its last part must be the id with underscores)."""
    resource_types: frozenset[str] | None = None
    """Type tokens the rule applies to; None = every type (resource scope only)."""
    scope: Scope = "resource"
    """resource: judged one resource at a time; stack: judged over the whole graph."""
    config_schema: dict[str, Any] | None = None
    """JSON schema properties of the policy config (CrossGuard config_schema)."""
    waivable: bool = True
    """Whether a waiver record may downgrade a finding of this rule."""
    each: EachCheck | None = None
    """Stack scope, judged resource by resource against the graph: each(view, graph, ctx) -> [message].
    `check` is then derived (every resource in graph order), and the gate may judge ranges of resources in
    separate processes with the same findings (its per-resource work is shared with the resource rules)."""
    prepare: Callable[[StackGraph, RuleContext], Any] | None = None
    """Builds the graph-wide indexes `each` uses (through StackGraph.once) ahead of the split, so that every
    process shares them; an optimisation only: `each` builds them on first use too."""
    release: Callable[[ResourceView], None] | None = None
    """Called on a resource once `each` judged it: drops per-resource memos no later rule reads (after the
    resource rules in every mode of the gate); an optimisation only, a released memo is computed again."""

    def __post_init__(self) -> None:
        def bad(why: str) -> RuleDefinitionError:
            return RuleDefinitionError(f"rule {self.id!r} ({self.module}): {why}")

        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise bad("id must be a kebab-case verb phrase starting with require-/disallow-/restrict-")
        if self.module.rsplit(".", 1)[-1] != self.id.replace("-", "_"):
            raise bad(f"module name must be {self.id.replace('-', '_')}")
        if not isinstance(self.title, str) or len(self.title) < 15 or not self.title.endswith("."):
            raise bad(
                "title must be a sentence (>= 15 characters, ending with '.') stating the compliant state"
            )
        if self.title.split(" ", 1)[0].lower() in ("require", "disallow", "check", "ensure", "verify"):
            raise bad("title must state the compliant state, not an instruction")
        if self.severity not in _SEVERITIES:
            raise bad(f"severity must be one of {', '.join(_SEVERITIES)}")
        if not isinstance(self.remediation, str) or len(self.remediation) < 15:
            raise bad("remediation must say what to change (>= 15 characters)")
        if not self.controls or not all(isinstance(c, str) and _CONTROL.match(c) for c in self.controls):
            raise bad("controls must be a non-empty tuple of control ids like LOC-01")
        if self.each is not None:
            if self.scope != "stack" or self.check is not None:
                raise bad("`each` is for a stack rule, and replaces its check")
            object.__setattr__(self, "check", _each_resource(self))
        if not callable(self.check):
            raise bad("check must be callable")
        if self.prepare is not None and self.each is None:
            raise bad("`prepare` builds indexes for `each`")
        if self.release is not None and self.each is None:
            raise bad("`release` drops what `each` read")
        if self.scope not in ("resource", "stack"):
            raise bad("scope must be 'resource' or 'stack'")
        if self.resource_types is not None:
            if not isinstance(self.resource_types, frozenset) or not all(
                isinstance(t, str) and t.count(":") >= 2 for t in self.resource_types
            ):
                raise bad("resource_types must be a frozenset of type tokens like aws:s3/bucket:Bucket")
            if self.scope == "stack":
                raise bad("a stack rule has no resource_types")

    @property
    def applies_to(self) -> frozenset[str] | str | None:
        """'stack' for stack rules, else the type tokens (None = all types)."""
        return "stack" if self.scope == "stack" else self.resource_types


def _each_resource(rule: Rule) -> StackCheck:
    """The whole-graph check of a per-resource stack rule; a resource it cannot judge fails on its own. The
    graph-wide indexes are built first (`prepare`), so that `release` follows every read of what it drops."""
    rule_id, each, prepare, release = rule.id, rule.each, rule.prepare, rule.release
    assert each is not None

    def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
        if prepare is not None:
            with contextlib.suppress(Exception):  # built again where needed: it fails closed there
                prepare(graph, ctx)
        out: list[tuple[str, str]] = []
        for r in graph.resources:
            try:
                out.extend([(r.urn, m) for m in each(r, graph, ctx)])
            except Exception as e:
                out.append((r.urn, failed_message(rule_id, e)))
            if release is not None:
                release(r)
        return out

    return check
