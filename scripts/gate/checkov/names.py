"""Name conversions between Pulumi and the formats checkov reads (shared by exporters and the generator)."""

from __future__ import annotations

import functools
import re

_CAMEL_1 = re.compile(r"(.)([A-Z][a-z]+)")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")


@functools.cache   # a few hundred distinct names, called for every property of every resource
def snake(name: str) -> str:
    """``serverSideEncryption`` -> ``server_side_encryption``, ``BucketV2`` -> ``bucket_v2``."""
    return _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name)).lower()


def singular(word: str) -> str:
    """Singular of a pluralised Pulumi list-block name (``rules`` -> ``rule``, ``policies`` -> ``policy``)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
