"""The reference scanner's fast twins (policies/core/references_ascii.py) find what the original expressions
find: each twin against its expression on generated text (ASCII and not, every case), and the whole scan —
the twins in place against the originals patched back — on every string and document of the corpora
(residency, PIA, engine) and on odd inputs. A difference would be a reference missed or invented."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.core import documents, named_refs, reference_text, references, references_ascii, yaml_text
from policies.core.named_refs import _IDENTITY_ACCOUNT, GUID_KEY
from policies.core.reference_text import (
    _AWS_REGION,
    _AZURE_ID,
    _CLOUD_HOST,
    _GEO_PROFILE,
    _INFERENCE_PROFILE,
    _TOKEN_SPLIT,
    text_plan,
)
from policies.core.references_ascii import contains, finditer, folded, key_search

CORPORA = Path(__file__).resolve().parents[1] / "corpus"
TWINNED = [_AZURE_ID, _CLOUD_HOST, _AWS_REGION, _INFERENCE_PROFILE, _GEO_PROFILE]
# Pieces that make matches likely, in both cases, and characters that fold in surprising ways (long s, Kelvin
# sign, dotted/dotless i) or are whitespace only to Unicode (`\x1c`, no-break space, ideographic space).
PIECES = [
    "/subscriptions/", "/SUBSCRIPTIONS/", "/SubScriptions/", "00000000-0000", "/resourceGroups/rg",
    "/providers/", "Microsoft.Storage/storageAccounts/acct", "amazonaws.com", "AMAZONAWS.COM", ".cn", "aws",
    "windows.net", "azure.com", "Azure.Net", "azurecr.io", "on.aws", "api.aws", "eu-west-1", "US-EAST-2",
    "us-gov-west-1", "ap-southeast-1", "eu.anthropic.claude-3-v1:0", "US.meta.llama3-v2",
    "inference-profile/",
    "eu.guardrail.v1", "-profile/EU.", "global.", "s3.", "x", "X", "-", ".", "/", ":", " ", "\t", "\x1c",
    "\xa0", "\u3000", ",", ";", "=", "(", ")", "'", '"', "?", "9", "_", "\u017f", "\u212a", "\u0131",
    "\u0130", "é",
]
text = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=14).map("".join)


def _found(matches: Any, s: str) -> list[tuple[tuple[int, int], str, tuple[str | None, ...]]]:
    return [(m.span(), s[m.start():m.end()], tuple(g and g.lower() for g in m.groups())) for m in matches]


@settings(max_examples=600, deadline=None)
@given(text)
def test_each_twin_finds_what_its_expression_finds(s: str) -> None:
    for pattern in TWINNED:
        assert _found(finditer(pattern, s, s.lower()), s) == _found(pattern.finditer(s), s), (pattern, s)
    assert contains(_TOKEN_SPLIT, s) == (_TOKEN_SPLIT.search(s) is not None), s
    assert contains(_TOKEN_SPLIT, s.lower()) == (_TOKEN_SPLIT.search(s.lower()) is not None), s


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_key_tests_are_the_expressions(key: str) -> None:
    for pattern in (_IDENTITY_ACCOUNT, GUID_KEY):
        assert key_search(pattern, key) == (pattern.search(key) is not None)
        assert key_search(pattern, key) == (pattern.search(key) is not None)  # the cached answer too


def test_every_ascii_character_is_matched_as_before() -> None:
    for c in map(chr, range(128)):
        s = f"/subscriptions/0a{c}b/x{c}y /subscriptions/1/x{c}y a.b{c}c.amazonaws.com{c}/k eu-west-1{c}"
        for pattern in TWINNED:
            assert _found(finditer(pattern, s, s.lower()), s) == _found(pattern.finditer(s), s), (pattern, c)
        assert contains(_TOKEN_SPLIT, c) == (_TOKEN_SPLIT.search(c) is not None), repr(c)


def test_no_twin_for_what_it_would_change() -> None:
    with pytest.raises(ValueError):
        folded(re.compile(r"[A-Z]+\.com", re.I))  # a class of upper case only: lowered text never matches
    with pytest.raises(ValueError):
        folded(re.compile(r"abc"))  # not case-insensitive: the lowered text is not the same text
    with pytest.raises(ValueError):
        contains(re.compile(r"ab+"), "abb")


def _strings(value: Any, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.add(str(k))
            _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)


def _hostile_record(path: Path) -> bool:
    """The engine corpus's hostile gate inputs (alias bombs, deep nesting): the gate's tests judge them."""
    rel = path.relative_to(CORPORA).parts
    return rel[0] == "engine" and "records" in rel


def _documents() -> list[Any]:
    docs: list[Any] = []
    for path in sorted(CORPORA.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file() and not _hostile_record(path):
            text = path.read_text(encoding="utf-8", errors="replace")
            try:
                docs.append(json.loads(text) if path.suffix == ".json" else yaml_text.safe_load(text))
            except (ValueError, RecursionError, yaml.YAMLError):  # too deep for libyaml: text
                docs.append(text)
    return docs


ODD = [
    "/subscriptions/\u017fub/resourceGroups/r\u212a", "/\u017fubscriptions/x/y", "a.b.AMAZONAWS.COM/k",
    "h.x.amazonaws.co\u212a", "see s3.eu-west-1.amazonaws.com/bucket/key and EU-WEST-1", "\u0130.azure.com",
    "x" * 50_000 + ".blob.core.windows.net/" + "/subscriptions/1/" * 3_000, '{"a": "https://x.azurewebsites.net"}',
    "a: https://x.on.aws\nb: /subscriptions/2/resourceGroups/r\n", "tcp:h.database.windows.net,1433;x=y",
    "arn:aws:bedrock:eu-west-1:1:inference-profile/us.anthropic.claude-v1:0", "eu.guardrail.v1:0",
    "\xa0/subscriptions/3\u3000a.b.azure.com\x1cc.d.azure.us",
]


def _scan_all(values: list[Any]) -> list[Any]:
    """Every value scanned from cold caches (top-level keys as inputs, and each string under key kinds)."""
    references._STR_TRACES.clear()
    reference_text.QUIET.clear()
    text_plan.cache_clear()
    documents.json_doc.cache_clear()
    documents.yaml_doc.cache_clear()
    found: list[Any] = []
    for value in values:
        found.append(references.scan(value) if isinstance(value, dict | list) else None)
        strings: set[str] = set()
        _strings(value, strings)
        for s in sorted(strings):
            found.append([text_plan.__wrapped__(s, *kinds) for kinds in ((False,) * 4, (True,) * 4)])
            found.append(references.scan({"id": s, "endpointUrl": s, "Principal": {"Service": s}}))
    return found


def test_the_scan_is_the_reference_scan_on_corpora_and_odd_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    values = [*_documents(), *ODD]
    fast = _scan_all(values)
    monkeypatch.setattr(reference_text, "finditer", lambda pattern, s, low: pattern.finditer(s))
    monkeypatch.setattr(reference_text, "contains", lambda pattern, t: pattern.search(t) is not None)
    monkeypatch.setattr(named_refs, "key_search", lambda pattern, k: pattern.search(k) is not None)
    slow = _scan_all(values)
    assert len(fast) > 10_000
    assert fast == slow
    assert references_ascii._TWINS  # the fast run did use the twins
