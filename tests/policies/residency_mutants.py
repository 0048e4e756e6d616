"""Mutants of the compliant residency cases. `regions`: every EEA region token in a case's resource inputs,
one at a time, replaced by a region outside the EEA. `accounts`: every mention of the stack's own or a
declared account replaced by an undeclared one. `subscriptions` (round 35): the stack's own Azure subscription
in a resource id replaced by another; `tenants`: every mention of the stack's own or the declared Entra
tenant replaced by an undeclared one. A mutant the gate still passes names a place or party no
rule reads; `tests/corpus/residency/inert-sites.yaml` lists those rightly not read (a name, a condition
that narrows, an image reference) with why. Anything else is a field a rule should judge: the test fails on
it, and on a listed site that now blocks (the list stays exact).

An account, subscription or tenant mutant counts as blocked when eu-residency blocks it or when
pia-conditions' `disallow-public-data-access` (which judges grants to other accounts in resource policies)
finds something it did not find in the case itself.

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

INERT = corpus.CORPUS / "inert-sites.yaml"
PIA = corpus.REPO / "policies" / "pia_conditions"
PIA_CONFIG = corpus.REPO / "policies" / "config" / "pia-conditions.json"
GRANTS = "disallow-public-data-access"
# EEA region spellings the corpus uses, each with a region outside the EEA to put in its place.
REGIONS = (
    (re.compile(r"eu-west-1"), "us-east-1"), (re.compile(r"eu-central-1"), "us-west-2"),
    (re.compile(r"eu-north-1"), "ap-southeast-2"), (re.compile(r"eu-west-3"), "ca-central-1"),
    (re.compile(r"(?i)westeurope"), "eastus"), (re.compile(r"(?i)northeurope"), "southcentralus"),
    (re.compile(r"West Europe"), "East US"), (re.compile(r"North Europe"), "South Central US"),
    (re.compile(r"germanywestcentral"), "westus2"), (re.compile(r"francecentral"), "brazilsouth"),
)
# The corpus's own (pinned) account and its declared disaster-recovery account, and an undeclared one.
ACCOUNTS = (
    (re.compile(r"(?<!\d)123456789012(?!\d)"), "210987654321"),
    (re.compile(r"(?<!\d)111122223333(?!\d)"), "210987654321"),
)
# The stack's own Azure subscription in resource ids (`/subscriptions/<id>/…`), and its own (pinned) and the
# declared Entra tenant wherever they are written, each replaced by an undeclared one.
SUBSCRIPTIONS = ((re.compile(r"(?i)(?<=/subscriptions/)00000000-0000-0000-0000-000000000000(?![\w-])"),
                  "99999999-8888-7777-6666-555555555555"),)
OTHER_TENANT = "44444444-3333-2222-1111-000000000000"
# where a tenant is written other than as a whole value (`tenantId`): sign-in issuers, `/tenants/<id>`
_TENANT_BEFORE = (r"(?<=microsoftonline\.com/)|(?<=sts\.windows\.net/)|(?<=login\.windows\.net/)|"
                  r"(?<=/tenants/)")


def _tenant(guid: str) -> tuple[re.Pattern[str], str]:
    return re.compile(rf"(?i)(?<![\w-]){re.escape(guid)}(?![\w-])"), OTHER_TENANT


USUAL_TENANTS = ("11111111-2222-3333-4444-555555555555", "5b8e2f14-9c3a-4d7e-b1f6-0a2c4e6d8f13")
TENANTS = tuple(map(_tenant, USUAL_TENANTS))
KINDS = {"regions": REGIONS, "accounts": ACCOUNTS, "subscriptions": SUBSCRIPTIONS, "tenants": TENANTS}
# Round 38: any other tenant a case pins or writes in a tenant position (a provider's `tenantId`, an input
# `tenantId`, a sign-in issuer's or a `/tenants/<id>` path's GUID) is replaced too, not only the corpus's two.
_GUID = r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
_TENANT_AT = re.compile(
    rf"(?i)(?:tenant_?id[\"']?\s*[:=]\s*[\"']?|(?:login\.microsoftonline\.com|sts\.windows\.net|"
    rf"login\.windows\.net)/|/tenants/)({_GUID})(?![\w-])")


def tenant_swaps(case: corpus.Case) -> tuple:
    """The case's tenants (the corpus's two, those its providers pin, those its inputs write in a tenant
    position), each with the undeclared one to put in its place: the other ones only in a tenant position
    (the stack's tenant id may also be its subscription's, mutated as such)."""
    pinned = {str(v).lower() for k, v in case.config.items() if k.lower().endswith(":tenantid")}
    written = {m.group(1).lower() for m in _TENANT_AT.finditer(json.dumps(case.resources, default=str))}
    extra = sorted((pinned | written) - set(USUAL_TENANTS) - {OTHER_TENANT})
    swaps = [rf"(?i)(?:{_TENANT_BEFORE}|^(?={re.escape(g)}$)){re.escape(g)}(?![\w-])" for g in extra]
    return TENANTS + tuple((re.compile(rx), OTHER_TENANT) for rx in swaps)


Site = tuple[str, Any]  # (dotted path, a function that returns the mutated inputs of the case)


def _json(s: str) -> Any:
    if s.lstrip()[:1] in ("[", "{"):
        try:
            return json.loads(s)
        except ValueError:
            return None
    return None


def _sites(value: Any, path: str, swaps: tuple) -> Iterator[tuple[str, Any]]:
    """(path, mutated value) for each region token in `value`; JSON held in a string is walked as data."""
    if isinstance(value, dict):
        for k, v in value.items():
            for p, new in _sites(v, f"{path}.{k}", swaps):
                yield p, {**value, k: new}
    elif isinstance(value, list):
        for i, v in enumerate(value):
            for p, new in _sites(v, f"{path}.{i}", swaps):
                yield p, [*value[:i], new, *value[i + 1:]]
    elif isinstance(value, str):
        if (doc := _json(value)) is not None:
            for p, new in _sites(doc, f"{path}(json)", swaps):
                yield p, json.dumps(new)
            return
        tokens = sorted((m.start(), m.end(), other) for rx, other in swaps for m in rx.finditer(value))
        for n, (a, b, other) in enumerate(tokens):  # `#n`: the n-th token of a string holding several
            yield f"{path}#{n}" if n else path, value[:a] + other + value[b:]


def mutants(case: corpus.Case, kind: str = "regions") -> Iterator[tuple[str, corpus.Case]]:
    """(site, mutated case) for every token of the kind in the inputs of the case's resources."""
    for i, r in enumerate(case.resources):
        swaps = tenant_swaps(case) if kind == "tenants" else KINDS[kind]
        for path, inputs in _sites(r.get("inputs") or {}, f"resources.{i}.inputs", swaps):
            resources = copy.copy(case.resources)
            resources[i] = {**r, "inputs": inputs}
            yield path, corpus.Case(case.path, case.what, [], case.config, resources)


def survivors(case: corpus.Case, kind: str = "regions") -> set[str]:
    """Sites whose mutant the gate passes (see the module's docstring for accounts)."""
    if kind == "regions":
        return {site for site, mutant in mutants(case) if not corpus.judge(mutant)}
    before = grants(case)
    return {site for site, mutant in mutants(case, kind)
            if not corpus.judge(mutant) and grants(mutant) <= before}


def grants(case: corpus.Case) -> set[tuple[str, str]]:
    """(resource URN, message) of pia-conditions' findings on grants to accounts outside the stack."""
    report = corpus.evaluate_case(case, PIA, PIA_CONFIG)
    return {(v.urn, v.message) for v in report.violations if v.policy == GRANTS}


def inert(kind: str, path: Path = INERT) -> dict[str, set[str]]:
    """{case file stem: sites of the kind listed as rightly not read}."""
    out: dict[str, set[str]] = {}
    for group in yaml.safe_load(path.read_text(encoding="utf-8"))[kind]:
        assert group.get("why"), f"{path}: every group says why its sites are inert"
        for site in group["sites"]:
            stem, where = site.split(" ", 1)
            out.setdefault(stem, set()).add(where)
    return out
