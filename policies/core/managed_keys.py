"""Key fields set to an AWS-managed key, on any resource (issue 15: AWS-managed keys are rejected in any
notation). The per-type checks judge the key fields of the data stores they know; a key field of any other
type — a trail, ECS Exec sessions, Verified Access, a schedule, a DMS endpoint — set to `alias/aws/…` or its
ARN encrypts with a key the controller does not hold, so it is judged wherever it appears (found by the CMK
mutants of the compliant PIA cases)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from policies.core.view import ResourceView

_TEXT = frozenset({"tags", "tagsAll", "description"})


def managed_key_fields(view: ResourceView, managed: Callable[[Any], bool]) -> list[str]:
    """A message per input field named for a key (`kmsKeyId`, `sseSpecification.kmsKeyArn`, `keyArn`) whose
    value `managed` calls AWS-managed; documents held in strings (policies) are not fields."""
    return [f"`{path}` is the AWS-managed key {value!r}; use a customer-managed key"
            for path, value in _key_fields(view.inputs, "") if managed(value)]


def _key_fields(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in _TEXT:
                continue
            at = f"{path}.{k}" if path else str(k)
            if isinstance(v, str):
                if "key" in str(k).lower():
                    yield at, v
            else:
                yield from _key_fields(v, at)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _key_fields(v, f"{path}.{i}")
