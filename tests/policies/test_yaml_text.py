"""Records read with libyaml's parser read as with yaml.safe_load: the same data, the same errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from policies.core import yaml_text

ROOT = Path(__file__).resolve().parents[2]
RECORDS = sorted((ROOT / "stacks" / "records").rglob("*.yaml")) + sorted((ROOT / "policies").rglob("*.yaml"))


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_record_reads_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml_text.safe_load(text) == yaml.safe_load(text)


BAD = ["a: [1, 2\nb: 3\n", "a: 1\n  b: 2\n", "- x\ny: 1\n", "a: !!python/name:os.system ''\n"]


@pytest.mark.parametrize("text", BAD)
def test_a_bad_document_fails_as_the_pure_parser_says(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError) as fast:
        yaml_text.safe_load(text)
    assert str(fast.value) == str(pure.value)


def test_dates_and_scalars_resolve_as_yaml_1_1() -> None:
    text = "expires: 2026-12-31\non: yes\nn: 012\nf: 1e3\nempty:\n"
    assert yaml_text.safe_load(text) == yaml.safe_load(text)
