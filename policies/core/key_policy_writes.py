"""A key policy written at run time on a multi-Region key (round 71).

`kms:PutKeyPolicy` sits under round 66's decision that a key's life cycle carries no destination, and for a
single-Region key it does not: the key cannot be replicated whatever its policy says (`MultiRegion` is fixed
when the key is made). On a multi-Region key (an id `mrk-…`, `multiRegion: true`, a replica) the policy in
the request may grant any principal `kms:ReplicateKey`, a replica of the key in any region, which round 66
lists as an aim, as `s3:PutBucketPolicy` opens a bucket (round 66's probe). The catalogue gives PutKeyPolicy
no condition key that says whether the key is multi-Region, so the grant is judged by what it may name: a
key `mrk-…`, or a pattern when the stack holds a multi-Region key (the stack's data is under the stack's
keys, each resolved as a reference; a key made at run time holds none of it). A key policy held by a
multi-Region key (its `policy`, an `aws:kms/keyPolicy` of it) that grants PutKeyPolicy is judged the same.
"""

from __future__ import annotations

import re
from typing import Any

from policies.core.iam.statements import as_list, statement_actions
from policies.core.view import ResourceView, StackGraph, is_unknown

_PUT = "kms:putkeypolicy"
_KEYS = ("aws:kms/key:Key", "aws:kms/externalKey:ExternalKey")
_REPLICAS = ("aws:kms/replicaKey:ReplicaKey", "aws:kms/replicaExternalKey:ReplicaExternalKey")
_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
_PROBE_ID = "mrk-0"


def key_policy_writes(r: ResourceView, graph: StackGraph, identity: list[tuple[str, dict[str, Any]]],
                      held: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Messages for the Allow statements (identity policies the resource grants, resource policies it holds)
    letting a principal write the policy of a multi-Region key."""
    any_multi = graph.once("multi-region-keys",
                           lambda: any(map(_multi_region, graph.by_type(*_KEYS, *_REPLICAS))))
    out = [_message(where) for where, stmt in identity
           if _PUT in statement_actions(stmt) and _may_name_multi_region(stmt, any_multi)]
    if held and _holds_multi_region_policy(r, graph, any_multi):
        out += [_message(where) for where, stmt in held if _PUT in statement_actions(stmt)]
    return out


def _multi_region(key: ResourceView) -> bool:
    """A replica is multi-Region; a key is when `multiRegion` is true or not known before it is made."""
    value = key.input("multiRegion")
    return key.type in _REPLICAS or value is True or is_unknown(value)


def _may_name_multi_region(stmt: dict[str, Any], any_multi: bool) -> bool:
    if "NotResource" in stmt:
        return any_multi
    return any(_names_multi_region(str(p), any_multi) for p in as_list(stmt.get("Resource")) or ["*"])


def _names_multi_region(pattern: str, any_multi: bool) -> bool:
    """Whether a Resource element may name a multi-Region key: an id `mrk-…`, or a pattern over key ids when
    the stack holds one."""
    tail = pattern.rsplit(":", 1)[-1]
    if tail.startswith("key/mrk-"):
        return True
    probe = _PROBE_ID if tail.startswith("key/") else f"key/{_PROBE_ID}"
    return any_multi and bool(_glob(tail.removeprefix("key/")).fullmatch(probe))


def _holds_multi_region_policy(r: ResourceView, graph: StackGraph, any_multi: bool) -> bool:
    """The resource is a multi-Region key, or the key policy of one (its `keyId` from such a key of the stack,
    an id `mrk-…`, or unknown while the stack holds one)."""
    if r.type in _KEYS or r.type in _REPLICAS:
        return _multi_region(r)
    if r.type != _KEY_POLICY:
        return False
    keys = [k for k in graph.dependency_of(r, "keyId") if k.type in _KEYS or k.type in _REPLICAS]
    if keys:
        return any(map(_multi_region, keys))
    key_id = r.input("keyId")
    return any_multi if is_unknown(key_id) or not isinstance(key_id, str) else "mrk-" in key_id


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.S)


def _message(where: str) -> str:
    return (f"{where} allows kms:PutKeyPolicy on a multi-Region key: the policy in the request may grant any "
            "principal kms:ReplicateKey, a replica of the key in any region, so where the key goes cannot be "
            "judged; set the key's policy in the stack (its `policy` input or an aws:kms/keyPolicy, judged), "
            "or grant PutKeyPolicy only on single-Region keys (policies/core/key_policy_writes.py)")
