"""The rule library: one rule per module, each defining `RULE`.

`all_rules()` imports every module of this package once and checks that ids are unique and equal to
the module names (the metadata itself is validated when each module is imported).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from policies.core.rule import Rule, RuleDefinitionError


@functools.lru_cache(maxsize=1)
def _load() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule):
            raise RuleDefinitionError(f"{module.__name__}: defines no RULE")
        rules.append(rule)
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise RuleDefinitionError(f"duplicate rule ids: {sorted(i for i in ids if ids.count(i) > 1)}")
    return tuple(rules)


def all_rules() -> list[Rule]:
    """Every rule of the library, sorted by id."""
    return list(_load())


def rule(rule_id: str) -> Rule:
    """One rule by id (KeyError when unknown)."""
    for r in _load():
        if r.id == rule_id:
            return r
    raise KeyError(rule_id)
