"""A custom resource whose type nobody classified may hold data anywhere: fail closed until it is classified.

Components are what the engine says (`custom: false`, no provider), never "a package we don't know": a
custom resource of an unknown package (aws-native, azure classic, mongodbatlas, ...) blocks, naming it.
"""

from __future__ import annotations

from policies.core.rule import Rule, RuleContext
from policies.core.types import class_of, is_component, is_provider_type, unknown_type_message
from policies.core.view import ResourceView


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    t = view.type
    if not view.custom or is_provider_type(t) or is_component(t) or class_of(t) is not None:
        return []
    return [unknown_type_message(t)]


RULE = Rule(
    id="require-known-resource-types",
    title="Every custom resource is of an installed, classified provider type.",
    severity="high",
    remediation="Use a type of an installed provider SDK, or add the package to the lock and classify its "
    "service modules in policies/data/resource_classes.yaml (scripts/dev/gen_resource_classes.py).",
    controls=("LOC-02",),
    check=check,
    module=__name__,
    waivable=False,
)
