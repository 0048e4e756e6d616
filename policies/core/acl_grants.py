"""Grantees of S3 access control lists (round 35): an ACL grant names another party by a canonical user id
(64 hex digits, no account number), an e-mail address or a predefined group URI, none of which the account
judgement of policies/core/bare_parties.py reads. Who holds such a grant reads the objects from wherever it
runs.

Only the ACL's own owner (`owner.id` of the same resource: S3 takes the owner of an ACL to be the bucket's or
object's owner) and S3's log delivery group pass. Another canonical user, an e-mail grantee and the public
groups (AllUsers, AuthenticatedUsers: any AWS account) block; so does a `CanonicalUser` principal of a policy.
Another account is named, and can be declared, only by its account id (a bucket policy).
"""

from __future__ import annotations

from typing import Any

from policies.core.documents import json_doc
from policies.core.view import is_unknown

Found = tuple[str, str, str]
_GRANTEE_TYPES = frozenset({"canonicaluser", "amazoncustomerbyemail", "group"})
_LOG_DELIVERY = "acs.amazonaws.com/groups/s3/logdelivery"
_HOW = ("grant only to the ACL's owner (its `owner.id`) or S3's log delivery group, and share with another "
        "account through a bucket policy naming its account id (declared with arns: [arn:aws:iam::<id>:] and "
        "its region in stacks/records/endpoints.yaml)")
_CANONICAL = ("grants access to the canonical user {v!r}, not the owner an ACL of the resource names: "
              "another AWS account, named by an id no record can declare, reads the objects from wherever it "
              "runs; " + _HOW)
_EMAIL = ("grants access to the AWS account registered to {v!r}: an e-mail grantee names an account the pack "
          "cannot judge, which reads the objects from wherever it runs; " + _HOW)
_GROUP = ("grants access to the group {v!r} (every AWS account, or anyone, for the global groups; a group "
          "the pack does not know otherwise), read from anywhere; " + _HOW)


def acl_grantees(inputs: dict[str, Any]) -> list[Found]:
    """(path, kind, value) of the ACL grantees and `CanonicalUser` principals of an AWS resource's inputs."""
    return _walk(inputs, "", frozenset(_owners(inputs)))


def _owners(value: Any) -> list[str]:
    if isinstance(value, dict):
        out = [str(v.get("id") or v.get("ID")).lower() for k, v in value.items()
               if str(k).lower() == "owner" and isinstance(v, dict)]
        return out + [o for v in value.values() for o in _owners(v)]
    return [o for v in value for o in _owners(v)] if isinstance(value, list) else []


def _walk(value: Any, path: str, owners: frozenset[str]) -> list[Found]:
    if isinstance(value, dict):
        kind = str(value.get("type", "")).lower()
        if kind in _GRANTEE_TYPES and value.keys() & {"id", "uri", "emailAddress"}:
            return _grantee(value, path, kind, owners)
        out: list[Found] = []
        for k, v in value.items():
            at = f"{path}.{k}" if path else str(k)
            if str(k).lower() == "canonicaluser":  # a policy statement's principal
                ids = v if isinstance(v, list) else [v]
                out += [(at, "site", _CANONICAL.format(v=i)) for i in ids
                        if isinstance(i, str) and i.lower() not in owners]
            else:
                out += _walk(v, at, owners)
        return out
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _walk(v, f"{path}.{i}", owners)]
    if isinstance(value, str) and "CanonicalUser" in value and (doc := json_doc(value.strip())) is not None:
        return _walk(doc, f"{path}(json)", owners)
    return []


def _grantee(g: dict[str, Any], path: str, kind: str, owners: frozenset[str]) -> list[Found]:
    key = {"canonicaluser": "id", "amazoncustomerbyemail": "emailAddress", "group": "uri"}[kind]
    v, at = g.get(key), f"{path}.{key}" if path else key
    if is_unknown(v) or not isinstance(v, str):
        return [(at, "unknown", "")]
    if kind == "canonicaluser":
        return [] if v.lower() in owners else [(at, "site", _CANONICAL.format(v=v))]
    if kind == "group":
        return [] if v.lower().split("://", 1)[-1] == _LOG_DELIVERY else [(at, "site", _GROUP.format(v=v))]
    return [(at, "site", _EMAIL.format(v=v))]
