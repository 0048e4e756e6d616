"""Mutants of the compliant PIA cases (their own resources and the two bases): every TLS setting lowered to
a version or policy that accepts TLS 1.0, and every customer-managed KMS key in a key field replaced by the
AWS-managed `alias/aws/s3`, must block — the checks read every field a compliant program sets, not a list
of the ones their authors thought of (tests/corpus/pia/judge.py explains the cases)."""

from __future__ import annotations

import copy
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve().parents[1] / "corpus" / "pia"
_spec = importlib.util.spec_from_file_location("pia_corpus_judge_tls", HERE / "judge.py")
judge = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(judge)

# A TLS 1.2+ value as the services spell it, and a value of the same field that accepts TLS 1.0.
LOWER = (
    (re.compile(r"^TLS1_[23]$"), "TLS1_0"), (re.compile(r"^1\.[23]$"), "1.0"),
    (re.compile(r"^TLSv1\.[23]$"), "TLSv1"), (re.compile(r"^Tls1[23]$"), "Tls10"),
    (re.compile(r"^TLS1[23]$"), "TLS10"), (re.compile(r"^tls1_[23]$"), "tls1_0"),
    (re.compile(r"^TLS_1_2$"), "TLS_1_0"),
    (re.compile(r"^ELBSecurityPolicy-TLS13-1-[23]-\d{4}-\d{2}$"), "ELBSecurityPolicy-2016-08"),
    (re.compile(r"^ELBSecurityPolicy-TLS-1-2.*$"), "ELBSecurityPolicy-2016-08"),
    (re.compile(r"^TLSv1\.2_20\d\d$"), "TLSv1_2016"),
    (re.compile(r"^AppGwSslPolicy2022\d+S?$"), "AppGwSslPolicy20150501"),
    (re.compile(r"^TransferSecurityPolicy-202\d-\d\d$"), "TransferSecurityPolicy-2018-11"),
    (re.compile(r"^Policy-Min-TLS-1-2-2019-07$"), "Policy-Min-TLS-1-0-2019-07"),
)
_TLS_KEY = re.compile(r"(?i)tls|ssl|securitypolicy|protocol|cipher|minimum")
_KMS_KEY = re.compile(r"^arn:aws:kms:[a-z0-9-]+:\d{12}:key/[0-9a-f-]+$")


def _tls(key: str, value: str) -> str | None:
    named = _TLS_KEY.search(key) or "policy" in value.lower() or "tls" in value.lower()
    return next((lower for rx, lower in LOWER if named and rx.search(value)), None)


def _cmk(key: str, value: str) -> str | None:
    return "alias/aws/s3" if "key" in key.lower() and _KMS_KEY.match(value) else None


KINDS = {"tls": _tls, "cmk": _cmk}


def _sites(value: Any, swap, path: tuple = (), key: str = "") -> Iterator[tuple[tuple, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _sites(v, swap, (*path, k), str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _sites(v, swap, (*path, i), key)
    elif isinstance(value, str) and (new := swap(key, value)) is not None:
        yield path, new


def mutants(case: dict[str, Any], names: set[str] | None, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for i, r in enumerate(case["resources"]):
        if (names is not None and r["name"] not in names) or r["type"] == "pulumi:pulumi:Stack":
            continue  # a stack output naming a key encrypts nothing
        for path, lower in _sites(r.get("inputs") or {}, KINDS[kind]):
            mutant = copy.deepcopy(case)
            target = mutant["resources"][i]["inputs"]
            for p in path[:-1]:
                target = target[p]
            target[path[-1]] = lower
            yield f"{r['name']}.{'.'.join(map(str, path))}={lower}", mutant


def _cases() -> list[tuple[str, str, dict[str, Any], set[str] | None]]:
    out = [(f"base-{b}", judge.load_case_text(f"# base\nbase: {b}\nexpect: []\n"), None)
           for b in ("aws", "azure")]
    for p in judge.cases("ok"):
        own = {r["name"] for r in yaml.safe_load(p.read_text()).get("resources") or []}
        out.append((p.stem, judge.load_case(p), own))
    return [(kind, *c) for kind in KINDS for c in out if any(True for _ in mutants(c[1], c[2], kind))]


CASES = _cases()


@pytest.mark.parametrize(("kind", "name", "case", "own"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_weakened_setting_blocks(kind, name, case, own):
    assert judge.judge(case) == {}, f"{name} must pass as written"
    passed = [site for site, mutant in mutants(case, own, kind) if not judge.judge(mutant)]
    assert not passed, f"{name}: {kind} weakened at {passed} passes"


def test_the_mutants_reach_the_corpus():
    for kind, least in (("tls", 60), ("cmk", 150)):
        assert sum(1 for k, _, case, own in CASES if k == kind for _ in mutants(case, own, kind)) >= least
