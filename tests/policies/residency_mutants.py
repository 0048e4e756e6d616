"""Region mutants of the compliant residency cases: every EEA region token in a case's resource inputs,
one at a time, replaced by a region outside the EEA. A mutant the pack still passes names a place the
pack does not read; `tests/corpus/residency/inert-regions.yaml` lists those that are rightly not read
(a name, a guardrail's parameter, an image reference) with why. Anything else is a field a rule should
judge: the test fails on it, and on a listed site that now blocks (the list stays exact).

Resource outputs are not mutated (they are what the mocks compute from the inputs: changing one alone
makes a state no deployment has), nor the stack config (a provider's default region is inert when every
resource names its own; dedicated cases judge it).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import residency_corpus as corpus
import yaml

INERT = corpus.CORPUS / "inert-regions.yaml"
# EEA region spellings the corpus uses, each with a region outside the EEA to put in its place.
SWAPS = (
    (re.compile(r"eu-west-1"), "us-east-1"), (re.compile(r"eu-central-1"), "us-west-2"),
    (re.compile(r"eu-north-1"), "ap-southeast-2"), (re.compile(r"eu-west-3"), "ca-central-1"),
    (re.compile(r"(?i)westeurope"), "eastus"), (re.compile(r"(?i)northeurope"), "southcentralus"),
    (re.compile(r"West Europe"), "East US"), (re.compile(r"North Europe"), "South Central US"),
    (re.compile(r"germanywestcentral"), "westus2"), (re.compile(r"francecentral"), "brazilsouth"),
)
Site = tuple[str, Any]  # (dotted path, a function that returns the mutated inputs of the case)


def _json(s: str) -> Any:
    if s.lstrip()[:1] in ("[", "{"):
        try:
            return json.loads(s)
        except ValueError:
            return None
    return None


def _sites(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(path, mutated value) for each region token in `value`; JSON held in a string is walked as data."""
    if isinstance(value, dict):
        for k, v in value.items():
            for p, new in _sites(v, f"{path}.{k}"):
                yield p, {**value, k: new}
    elif isinstance(value, list):
        for i, v in enumerate(value):
            for p, new in _sites(v, f"{path}.{i}"):
                yield p, [*value[:i], new, *value[i + 1:]]
    elif isinstance(value, str):
        if (doc := _json(value)) is not None:
            for p, new in _sites(doc, f"{path}(json)"):
                yield p, json.dumps(new)
            return
        tokens = sorted((m.start(), m.end(), other) for rx, other in SWAPS for m in rx.finditer(value))
        for n, (a, b, other) in enumerate(tokens):  # `#n`: the n-th token of a string holding several
            yield f"{path}#{n}" if n else path, value[:a] + other + value[b:]


def mutants(case: corpus.Case) -> Iterator[tuple[str, corpus.Case]]:
    """(site, mutated case) for every region token in the inputs of the case's resources."""
    for i, r in enumerate(case.resources):
        for path, inputs in _sites(r.get("inputs") or {}, f"resources.{i}.inputs"):
            resources = copy.copy(case.resources)
            resources[i] = {**r, "inputs": inputs}
            yield path, corpus.Case(case.path, case.what, [], case.config, resources)


def survivors(case: corpus.Case) -> set[str]:
    """Sites whose mutant no eu-residency rule blocks."""
    return {site for site, mutant in mutants(case) if not corpus.judge(mutant)}


def inert(path: Path = INERT) -> dict[str, set[str]]:
    """{case file stem: sites listed as rightly not read}."""
    out: dict[str, set[str]] = {}
    for group in yaml.safe_load(path.read_text(encoding="utf-8")):
        assert group.get("why"), f"{path}: every group says why its sites are inert"
        for site in group["sites"]:
            stem, where = site.split(" ", 1)
            out.setdefault(stem, set()).add(where)
    return out
