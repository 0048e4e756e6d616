"""disallow-dosis-data-on-portal: portal stores are tagged `dosis-data: none`, the portal cache is transient
Memcached, and a DOSIS off-vendor copy is pinned outside the portal's account."""

from __future__ import annotations

import json

import pytest
from policy_testlib import TAGS, UNKNOWN, messages, res

from policies.core.view import ProviderView, unknown_message

RULE = "disallow-dosis-data-on-portal"
PORTAL_TAGS = {**TAGS, "dosis-data": "none"}
CACHE = {"engine": "memcached", "tags": {**PORTAL_TAGS, "data-retention": "transient"}}
COPY = {"tags": {**TAGS, "dosis-data": "offvendor-copy"}}
PORTAL = {"portalAccountIds": ["111122223333"]}


def _cache(**over):
    return res("aws:elasticache/cluster:Cluster", "c", {**CACHE, **over})


def _copy(accounts):
    provider = ProviderView(
        "pulumi:providers:aws", {"region": "eu-west-1", "allowedAccountIds": accounts}, "urn:p", "backup"
    )
    return res("aws:s3/bucket:Bucket", "copy", COPY, provider=provider)


def test_compliant_portal_stores():
    assert messages(RULE, _cache()) == []
    assert messages(RULE, res("aws:s3/bucket:Bucket", "b", {"tags": PORTAL_TAGS})) == []
    assert messages(RULE, _copy(["444455556666"]), PORTAL) == []
    assert messages(RULE, _copy(json.dumps(["444455556666"])), PORTAL) == []  # as the recorder writes it


def test_dosis_data_on_portal():
    assert messages(RULE, res("aws:s3/bucket:Bucket", "b", {"tags": TAGS})) == [
        "portal data store must be tagged `dosis-data: none` (found None)"
    ]
    assert messages(RULE, _cache(engine="redis")) == [
        "the portal cache must be Memcached (transient, no persistence); found 'redis'"
    ]
    assert messages(RULE, _cache(tags=PORTAL_TAGS)) == [
        "the portal cache must be tagged `data-retention: transient`"
    ]
    assert messages(RULE, _cache(engine=UNKNOWN)) == [
        unknown_message("engine", "whether the cache persists data")
    ]


def test_unknown_tags_fail_closed():
    assert messages(RULE, res("aws:s3/bucket:Bucket", "b", {"tags": UNKNOWN})) == [
        unknown_message("tags", "the classification")
    ]


def test_an_off_vendor_copy_tag_does_not_exempt_a_cache():
    cache = _cache(tags={**COPY["tags"], "data-retention": "transient"})
    assert messages(RULE, cache, PORTAL) == [
        "portal data store must be tagged `dosis-data: none` (found 'offvendor-copy')"
    ]


@pytest.mark.parametrize(
    ("accounts", "config", "message"),
    [
        (["444455556666"], {}, "`dosis-data: offvendor-copy` needs the policy config portalAccountIds to "
         "show that the store lies outside the portal's account"),
        (None, PORTAL, "a DOSIS off-vendor copy must use a provider pinned to its backup account "
         "(allowedAccountIds), so that it can be shown to lie outside the portal's account"),
        ([UNKNOWN], PORTAL, "a DOSIS off-vendor copy must use a provider pinned to its backup account"),
        (["444455556666", "111122223333"], PORTAL,
         "a DOSIS off-vendor copy must not live in the portal's account (['111122223333'])"),
    ],
)
def test_off_vendor_copy_must_be_shown_outside_the_portal_account(accounts, config, message):
    [found] = messages(RULE, _copy(accounts), config)
    assert found.startswith(message)



def test_any_aws_store_that_says_it_holds_dosis_data():
    stream = "aws:kinesis/stream:Stream"
    assert messages(RULE, res(stream, "s", {"tags": {**TAGS, "dosis-data": "status"}})) == [
        "a portal store tagged `dosis-data: status` holds DOSIS data (D36 §108-§109)"
    ]
    assert messages(RULE, res(stream, "s", {"tags": PORTAL_TAGS})) == []
    assert messages(RULE, res(stream, "s", {"tags": TAGS})) == []  # not yet tagged by every component
