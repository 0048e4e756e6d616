"""Every taggable resource carries its information classification (D36 §100, §133 information "
"classification)."""

from __future__ import annotations

from policies.core.helpers import tags_of
from policies.core.records import CLASSIFICATIONS
from policies.core.rule import Rule, RuleContext
from policies.core.types import DATA_BEARING, UNTAGGABLE, is_component, is_provider_type
from policies.core.view import ResourceView, StackGraph


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    """Judged over the graph (every type applies: a per-resource policy would cost a call per resource)."""
    return [(r.urn, m) for r in graph.resources for m in _judge(r)]


def _judge(view: ResourceView) -> list[str]:
    if is_provider_type(view.type) or is_component(view.type) or not view.custom:
        return []
    tags, problem = tags_of(view)
    if problem:
        return [problem]
    if tags is None:
        if view.type in DATA_BEARING and view.type not in UNTAGGABLE:
            return ["the data-bearing resource has no tags, so no `classification` tag"]
        return []
    value = tags.get("classification")
    if value is None:
        return ["tag `classification` is missing"]
    if value not in CLASSIFICATIONS:
        return [f"tag `classification` is {value!r}; expected one of {', '.join(CLASSIFICATIONS)}"]
    return []


RULE = Rule(
    id="require-classification-tag",
    title="Every tagged or data-bearing resource carries a valid classification tag.",
    severity="medium",
    remediation="Pass components.common.tags.Tags(...).as_dict() as `tags` (classification defaults to "
    "vertrouwelijk).",
    controls=("PIA-07", "SYS-02", "ACC-01"),
    check=check,
    module=__name__,
    scope="stack",
)
