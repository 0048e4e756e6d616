"""The wire's sentinels, written in `gate.wire` so a run answered from the cache imports no SDK."""

from __future__ import annotations

from gate import wire
from pulumi.runtime import rpc


def test_the_sentinels_are_the_sdks() -> None:
    sdk = (rpc.UNKNOWN, rpc._special_resource_sig, rpc._special_secret_sig, rpc._special_sig_key)
    ours = (wire.UNKNOWN, wire.RESOURCE_SIG, wire.SECRET_SIG, wire.SIG_KEY)
    assert ours == sdk
