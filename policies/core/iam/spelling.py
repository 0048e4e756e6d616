"""Actions as the IAM catalogue spells them (round 70): the catalogue keys every action in lower case, for
matching, and a message naming an action derived from it (`ecs:putclustercapacityproviders`) read as
nothing AWS documents. The spelling is its own table, kept beside the catalogue's in the same cache: the
cache keys an entry by the code that derives it, and this module is that code."""

from __future__ import annotations

import functools
from typing import Any

from policies.core.iam import catalogue_cache
from policies.core.iam.catalogue import definition_file


@functools.lru_cache(maxsize=1)
def _spellings() -> dict[str, dict[str, str]]:
    return catalogue_cache.load(definition_file(), _derive)


def _derive(iam_definition: Any) -> dict[str, dict[str, str]]:
    """service prefix -> {lower-case `service:action`: `service:Action` as the definition writes it}."""
    return {prefix: {f"{prefix}:{name}".lower(): f"{prefix}:{name}" for name in data["privileges"]}
            for prefix, data in iam_definition.items()
            if isinstance(data, dict) and isinstance(data.get("privileges"), dict)}


def spelled(action: str) -> str:
    """`action` as the catalogue spells it; as given when the catalogue does not know it."""
    return _spellings().get(action.partition(":")[0].lower(), {}).get(action.lower(), action)
