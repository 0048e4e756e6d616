"""Performance round 27 (docs/gate-performance.md): a rule context's judged references (LocalJudge's memo)
are kept in two bounded generations, not for the whole run: most references are judged once (each resource's
own Azure id in its stack view), and the memo held all of them, with their `Ref`s, to the end."""

from __future__ import annotations

import random

import pytest

from policies.core import destinations
from policies.core.destinations import LocalJudge, _judge_local
from policies.core.endpoints import load_endpoints
from policies.core.location import allowed
from policies.core.references import Ref
from policies.core.rule import RuleContext

LIMIT = 64
REGIONS = {"allowedRegions": ["westeurope", "northeurope", "eu-west-1"]}
SUB = "/subscriptions/00000000-0000-4000-8000-0000000d0515/resourceGroups"


def _refs(n: int, seed: int = 27) -> list[Ref]:
    """Distinct references of the kinds a stack's resources hold (ids, hosts, ARNs, regions, buckets,
    unknowns), some placed and some not."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        rg = rnd.choice(["dosis-westeurope", "dosis-eastus", "dosis-security"])
        out.append(rnd.choice([
            Ref("id", "azure-id", f"{SUB}/{rg}/providers/Microsoft.Storage/storageAccounts/acct{i}"),
            Ref("properties.endpoint", "host", f"acct{i}.blob.core.windows.net"),
            Ref("endpoint", "host", f"svc{i}.{rnd.choice(['eu-west-1', 'us-east-1'])}.amazonaws.com"),
            Ref("targetArn", "arn", f"arn:aws:sqs:{rnd.choice(['eu-west-1', 'us-west-2'])}:111122223333:{i}"),
            Ref("location", "region", rnd.choice(["westeurope", "eastus", "northeurope", f"nowhere{i}"])),
            Ref("bucket", "bucket", f"bucket-{i}"),
            Ref("url", "host", rnd.choice(["magda.vlaanderen.be", f"api{i}.example.com"])),
            Ref("secret", "unknown", ""),
        ]))
    return out


def _held(ctx: RuleContext) -> int:
    memo = ctx.__dict__["_judged"][1]
    return len(memo) if isinstance(memo, dict) else len(memo.new) + len(memo.old)


def _same(a: destinations.Outcome, b: destinations.Outcome) -> bool:
    return (a.problem, a.deferred) == (b.problem, b.deferred)


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(destinations, "_OUTCOMES_MAX", LIMIT, raising=False)


@pytest.mark.usefixtures("small")
def test_a_contexts_judged_references_stay_bounded() -> None:
    """1,500 distinct references judged with one context: at most two generations are held (fails on the
    old code: it held every one)."""
    ctx = RuleContext(config=REGIONS, stack="dosis-prod")
    for ref in _refs(1500):
        LocalJudge(ctx)(ref)
        LocalJudge(ctx, "its copies are kept there")(ref)
    assert 0 < _held(ctx) <= 2 * LIMIT


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_answer_is_a_fresh_judgement(seed: int) -> None:
    """Asked in any order, again and again across generations, each answer is what judging the reference
    afresh gives."""
    ctx = RuleContext(config=REGIONS, stack="dosis-prod")
    refs = _refs(400, seed)
    asked = [random.Random(seed).choice(refs) for _ in range(3000)]
    ok, endpoints = allowed(ctx), load_endpoints(ctx.stack)
    for what in ("data is sent there", "its copies are kept there"):
        judge = LocalJudge(ctx, what)
        for ref in asked:
            assert _same(judge(ref), _judge_local(ref, ok, endpoints, what)), ref


@pytest.mark.usefixtures("small")
def test_a_recurring_reference_is_judged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reference asked again within the window (the stack-wide ones, asked on every resource) is not judged
    again, however many distinct ones come between its askings."""
    calls: dict[Ref, int] = {}

    def counted(ref: Ref, *args: object) -> destinations.Outcome:
        calls[ref] = calls.get(ref, 0) + 1
        return _judge_local(ref, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(destinations, "_judge_local", counted)
    ctx = RuleContext(config=REGIONS, stack="dosis-prod")
    shared = Ref("workspaceId", "azure-id", f"{SUB}/dosis-security/providers/Microsoft.OperationalInsights/"
                 "workspaces/dosis-logs")
    judge = LocalJudge(ctx)
    for i, ref in enumerate(_refs(2000)):
        judge(ref)
        if i % (LIMIT // 2) == 0:
            judge(shared)
    assert calls[shared] == 1
    assert _held(ctx) <= 2 * LIMIT
