"""The residency red-team corpus (tests/corpus/residency): every evil case is blocked by the rule its first
line names, every compliant case passes, judged by the real pack through the gate's policy host."""

from __future__ import annotations

import pytest
import residency_corpus as corpus


def test_corpus_size():
    assert len(corpus.cases("evil")) >= 100 and len(corpus.cases("good")) >= 30


@pytest.mark.parametrize("path", corpus.cases("evil"), ids=lambda p: p.stem)
def test_evil_case_is_blocked_by_its_rule(path):
    case = corpus.load(path)
    assert case.expect, f"{path.name}: an evil case names the rule that must fire"
    found = corpus.judge(case)
    assert found & set(case.expect), f"{case.what}: blocked by {sorted(found)}"


@pytest.mark.parametrize("path", corpus.cases("good"), ids=lambda p: p.stem)
def test_compliant_case_passes(path):
    case = corpus.load(path)
    assert corpus.judge(case) == set(), case.what


@pytest.mark.parametrize("path", corpus.cases("limits"), ids=lambda p: p.stem)
def test_known_limit_still_holds(path):
    """A known limit is reported, not counted; when a change closes it, this fails so the case is moved."""
    case = corpus.load(path)
    found = corpus.judge(case)
    if case.limit == "evasion":
        assert case.expect and not found, f"{path.name} is blocked now ({sorted(found)}): move it to evil/"
    else:
        assert found, f"{path.name} passes now: move it to good/"


def test_a_limit_says_what_kind_and_why(tmp_path):
    (tmp_path / "limits").mkdir()
    bad = tmp_path / "limits" / "x.yaml"
    bad.write_text("# no kind -> disallow-non-eea-replication\nexpect: [disallow-non-eea-replication]\n")
    with pytest.raises(AssertionError, match="a limit says"):
        corpus.load(bad)
