"""Per-resource caches are attributes, never read through `obj.__dict__`: Python 3.11 keeps an object's
attributes without a dict until something reads `__dict__`, and then makes one (64 bytes) for that object,
kept for its life: for every proxy and argument object of a large stack (docs/gate-performance.md, round 17).
"""

from __future__ import annotations

from typing import Any

from pulumi_policy.policy import PolicyProviderResource, ResourceValidationArgs
from pulumi_policy.proxy import _DictProxy

from policies.core.args_view import view_from_args
from policies.core.references import references

PROVIDER = PolicyProviderResource("pulumi:providers:aws", {"region": "eu-west-1"}, "urn:prov", "default")


class _Guarded:
    """Fails the test when its `__dict__` is read."""

    def __getattribute__(self, name: str) -> Any:
        if name == "__dict__":
            raise AssertionError("__dict__ read")
        return object.__getattribute__(self, name)


class _Args(_Guarded):
    def __init__(self, props: Any) -> None:
        self.resource_type, self.props, self.urn, self.name = "aws:sqs/queue:Queue", props, "urn:q", "q"
        self.provider, self.opts = PROVIDER, None


class _Props(_Guarded, dict):  # inputs that can carry the memo, as pulumi_policy's proxies do
    pass


def test_the_view_and_the_memo_are_cached_as_attributes() -> None:
    props = _Props({"name": "q", "tags": {"classification": "vertrouwelijk"}})
    args = _Args(props)
    view = view_from_args(args)
    assert view_from_args(args) is view and args._dosis_view is view
    assert props._dosis_memo[2] is view.memo
    other = view_from_args(_Args(props))   # another args object of the same inputs shares the memo
    assert other is not view and other.memo is view.memo


def test_a_proxied_input_s_trace_is_cached_as_an_attribute() -> None:
    policy = _DictProxy({"Statement": [{"Resource": "arn:aws:sqs:us-east-1:123456789012:dlq"}]}, [])
    props = _DictProxy({"name": "q", "policy": policy}, [])
    args = ResourceValidationArgs("aws:sqs/queue:Queue", props, "urn:q", "q", None, PROVIDER, {}, {})
    refs = references(view_from_args(args))
    key, trace = policy._dosis_trace
    assert key == "policy" and trace
    assert any(r.value == "arn:aws:sqs:us-east-1:123456789012:dlq" for r in refs)


_MANY_PROXIES = """
import gc
from pulumi_policy.proxy import _DictProxy, _ListProxy
import policies.core.references  # noqa: F401  (the pack's modules load before a state's proxies are built)
from policies.core.proxy_attrs import MEMO, TRACE

proxies = [_DictProxy({"k": i}, []) for i in range(200)] + [_ListProxy([i], []) for i in range(200)]
setattr(proxies[100], MEMO, ("t", None, {}))   # the first of the pack's names after many proxies
for p in proxies[101:]:
    setattr(p, TRACE, ("k", ()))
def has_dict(p):   # its attributes in a dict of their own (else the referents are the values themselves)
    return any(type(r) is dict and any(str(k).endswith("__target") for k in r) for r in gc.get_referents(p))
print(sum(map(has_dict, proxies)))
"""


def test_the_caches_on_many_proxies_make_no_dict() -> None:
    """Set on the hundredth proxy and later, the memo and the trace both stay in the classes' shared key
    tables (policies.core.proxy_attrs): no proxy gets a dict (4,032 did at 10k resources before round 18)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", _MANY_PROXIES], cwd=root, capture_output=True, text=True,
                         env={"PYTHONPATH": f"{root}:{root / 'scripts'}"}, check=True)
    assert run.stdout.strip() == "0"
