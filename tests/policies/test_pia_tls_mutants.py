"""Every TLS setting of a compliant PIA case (its own resources and the two bases), lowered to a version or
policy that accepts TLS 1.0, blocks: the TLS checks read every field a compliant program sets, not a list of
the ones their authors thought of (tests/corpus/pia/judge.py explains the cases)."""

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


def _sites(value: Any, path: tuple = (), key: str = "") -> Iterator[tuple[tuple, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _sites(v, (*path, k), str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _sites(v, (*path, i), key)
    elif isinstance(value, str):
        for rx, lower in LOWER:
            named = _TLS_KEY.search(key) or "policy" in value.lower() or "tls" in value.lower()
            if named and rx.search(value):
                yield path, lower


def mutants(case: dict[str, Any], names: set[str] | None) -> Iterator[tuple[str, dict[str, Any]]]:
    for i, r in enumerate(case["resources"]):
        if names is not None and r["name"] not in names:
            continue
        for path, lower in _sites(r.get("inputs") or {}):
            mutant = copy.deepcopy(case)
            target = mutant["resources"][i]["inputs"]
            for p in path[:-1]:
                target = target[p]
            target[path[-1]] = lower
            yield f"{r['name']}.{'.'.join(map(str, path))}={lower}", mutant


def _cases() -> list[tuple[str, dict[str, Any], set[str] | None]]:
    out = [(f"base-{b}", judge.load_case_text(f"# base\nbase: {b}\nexpect: []\n"), None)
           for b in ("aws", "azure")]
    for p in judge.cases("ok"):
        own = {r["name"] for r in yaml.safe_load(p.read_text()).get("resources") or []}
        out.append((p.stem, judge.load_case(p), own))
    return [c for c in out if any(True for _ in mutants(c[1], c[2]))]


CASES = _cases()


@pytest.mark.parametrize(("name", "case", "own"), CASES, ids=[c[0] for c in CASES])
def test_a_tls_setting_lowered_blocks(name, case, own):
    assert judge.judge(case) == {}, f"{name} must pass as written"
    passed = [site for site, mutant in mutants(case, own) if not judge.judge(mutant)]
    assert not passed, f"{name}: TLS lowered at {passed} passes"


def test_the_mutants_reach_the_corpus():
    assert sum(1 for _, case, own in CASES for _ in mutants(case, own)) >= 60
