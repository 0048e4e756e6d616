"""Every EEA region token in the inputs of a compliant residency case, moved outside the EEA, blocks —
unless `tests/corpus/residency/inert-regions.yaml` says why that place sends no data there
(tests/policies/residency_mutants.py explains the mutants)."""

from __future__ import annotations

import pytest
import residency_corpus as corpus
import residency_mutants as mutants

INERT = mutants.inert()


@pytest.mark.parametrize("path", corpus.cases("good"), ids=lambda p: p.stem)
def test_a_region_moved_outside_the_eea_blocks(path):
    case = corpus.load(path)
    passed = mutants.survivors(case)
    listed = INERT.get(path.stem, set())
    unread = sorted(passed - listed)
    assert not unread, (
        f"{path.name}: a region outside the EEA at {unread} passes: make a rule read it, or list the site "
        f"in {mutants.INERT.name} with why it sends no data there")
    stale = sorted(listed - passed)
    assert not stale, f"{path.name}: listed as inert in {mutants.INERT.name} but blocked now: {stale}"


def test_every_listed_case_exists():
    stems = {p.stem for p in corpus.cases("good")}
    assert set(INERT) <= stems, sorted(set(INERT) - stems)


def test_mutants_reach_json_documents_and_each_token_of_a_string():
    case = corpus.Case(corpus.CORPUS / "good" / "x.yaml", "x", [], {}, [{
        "type": "aws:ecs/taskDefinition:TaskDefinition", "name": "t",
        "inputs": {"containerDefinitions": '[{"image": "a.eu-west-1", "env": "eu-west-1 westeurope"}]'}}])
    sites = [site for site, _ in mutants.mutants(case)]
    assert sites == ["resources.0.inputs.containerDefinitions(json).0.image",
                     "resources.0.inputs.containerDefinitions(json).0.env",
                     "resources.0.inputs.containerDefinitions(json).0.env#1"]
    first = dict(mutants.mutants(case))["resources.0.inputs.containerDefinitions(json).0.env#1"]
    assert first.resources[0]["inputs"]["containerDefinitions"] == (
        '[{"image": "a.eu-west-1", "env": "eu-west-1 eastus"}]')


def test_an_unread_region_is_reported(monkeypatch):
    """The test above can fail: a rule that stops reading a field leaves its mutant passing."""
    path = next(p for p in corpus.cases("good") if p.stem.startswith("r6-15"))
    case = corpus.load(path)
    monkeypatch.setattr(corpus, "judge", lambda c: set())
    assert "resources.0.inputs.environment.variables.QUEUE_URL" in mutants.survivors(case)
