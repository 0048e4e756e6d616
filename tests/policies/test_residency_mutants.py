"""Every EEA region token in the inputs of a compliant residency case, moved outside the EEA, blocks; every
mention of the stack's own or a declared account, subscription (in a resource id) or tenant, replaced by an
undeclared one, blocks — unless
`tests/corpus/residency/inert-sites.yaml` says why no data goes there (tests/policies/residency_mutants.py
explains the mutants)."""

from __future__ import annotations

import pytest
import residency_corpus as corpus
import residency_mutants as mutants

INERT = {kind: mutants.inert(kind) for kind in mutants.KINDS}
CASES = [(kind, p) for kind in mutants.KINDS for p in corpus.cases("good")
         if any(True for _ in mutants.mutants(corpus.load(p), kind))]


@pytest.mark.parametrize(("kind", "path"), CASES, ids=lambda v: getattr(v, "stem", v))
def test_a_place_or_party_moved_outside_blocks(kind, path):
    passed = mutants.survivors(corpus.load(path), kind)
    listed = INERT[kind].get(path.stem, set())
    unread = sorted(passed - listed)
    assert not unread, (
        f"{path.name}: {kind} mutants at {unread} pass: make a rule read the site, or list it under "
        f"{kind} in {mutants.INERT.name} with why no data goes there")
    stale = sorted(listed - passed)
    assert not stale, f"{path.name}: listed as inert ({kind}) in {mutants.INERT.name}, blocked now: {stale}"


def test_every_listed_site_is_of_a_mutated_case():
    mutated = {(kind, p.stem) for kind, p in CASES}
    for kind, listed in INERT.items():
        assert {(kind, stem) for stem in listed} <= mutated, sorted(set(listed) - {s for _, s in mutated})


def test_mutants_reach_json_documents_and_each_token_of_a_string():
    case = corpus.Case(corpus.CORPUS / "good" / "x.yaml", "x", [], {}, [{
        "type": "aws:ecs/taskDefinition:TaskDefinition", "name": "t",
        "inputs": {"containerDefinitions": '[{"image": "a.eu-west-1", "env": "eu-west-1 westeurope"}]'}}])
    sites = [site for site, _ in mutants.mutants(case)]
    assert sites == ["resources.0.inputs.containerDefinitions(json).0.image",
                     "resources.0.inputs.containerDefinitions(json).0.env",
                     "resources.0.inputs.containerDefinitions(json).0.env#1"]
    second = dict(mutants.mutants(case))["resources.0.inputs.containerDefinitions(json).0.env#1"]
    assert second.resources[0]["inputs"]["containerDefinitions"] == (
        '[{"image": "a.eu-west-1", "env": "eu-west-1 eastus"}]')
    owner = corpus.Case(case.path, "x", [], {}, [{"type": "t", "name": "n", "inputs": {
        "a": "1234567890123", "b": "arn:aws:iam::123456789012:root"}}])
    assert [site for site, _ in mutants.mutants(owner, "accounts")] == ["resources.0.inputs.b"]


def test_an_account_mutant_counts_as_blocked_by_a_new_grant_finding(monkeypatch):
    """A grant the PIA pack finds on the mutant and not on the case blocks it; one found on both does not."""
    path = next(p for kind, p in CASES if kind == "accounts" and p.stem.startswith("015-"))
    case = corpus.load(path)
    monkeypatch.setattr(corpus, "judge", lambda c: set())
    assert mutants.survivors(case, "accounts") == set()  # the key policy's grant to the other account
    monkeypatch.setattr(mutants, "grants", lambda c: {("urn", "always")})
    assert mutants.survivors(case, "accounts")


def test_subscription_mutants_touch_resource_ids_and_tenant_mutants_any_mention():
    sub = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
    case = corpus.Case(corpus.CORPUS / "good" / "x.yaml", "x", [], {}, [{"type": "t", "name": "n", "inputs": {
        "id": sub, "tenantId": "00000000-0000-0000-0000-000000000000",
        "issuer": "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"}}])
    assert dict(mutants.mutants(case, "subscriptions"))["resources.0.inputs.id"].resources[0]["inputs"][
        "id"] == sub.replace("00000000-0000-0000-0000-000000000000", "99999999-8888-7777-6666-555555555555")
    assert [site for site, _ in mutants.mutants(case, "subscriptions")] == ["resources.0.inputs.id"]
    # round 38: a tenant written in a tenant position (`tenantId`) is mutated too, not only the usual two
    tenants = ["resources.0.inputs.tenantId", "resources.0.inputs.issuer"]
    assert [site for site, _ in mutants.mutants(case, "tenants")] == tenants
