"""The cheap tests that run before the costly regular expressions of the reference scanner are necessary
conditions: wherever the costly expression finds something, the cheap one says so (else a reference would
be missed, silently)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.core.reference_text import (
    _AWS_REGION,
    _CLOUD_HOST,
    _CLOUD_SUFFIX,
    _REGION_HINT,
    text_plan,
)

# Pieces that make matches likely, and characters that fold case in surprising ways (long s, Kelvin sign,
# dotted/dotless i), so that a hint is tried where the costly expression's IGNORECASE matters.
PIECES = [
    "amazonaws.com", "aws", "windows.net", "azure.com", "azure.us", "azure.cn", "azurewebsites.net",
    "cloudapp.net", "cloudfront.net", "azureedge.net", "azurefd.net", "trafficmanager.net", "azure-api.net",
    "azurecr.io", "azurecontainer.io", "azurecontainerapps.io", "chinacloudapi.cn", "usgovcloudapi.net",
    "azurestaticapps.net", "azure-devices.net", "servicebus.windows.net", "on.aws", "api.aws", ".cn",
    "eu", "us", "gov", "iso", "isob", "north", "south", "east", "west", "central", "northeast", "southwest",
    "de-east", "eusc", "-", ".", "1", "7", "/", ":", " ", "x", "S3", "T", "H", "L",
    "\u017f", "\u212a", "\u0131", "\u0130",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=12))
def test_the_hints_hold_wherever_the_costly_expressions_match(parts: list[str]) -> None:
    s = "".join(parts)
    if _CLOUD_HOST.search(s):
        assert _CLOUD_SUFFIX.search(s), s
    if _AWS_REGION.search(s):
        assert _REGION_HINT.search(s), s


def test_every_region_and_cloud_suffix_passes_its_hint() -> None:
    for direction in ("north", "south", "east", "west", "central", "northeast", "northwest", "southeast",
                      "southwest", "de-east"):
        for text in (f"eu-{direction}-1", f"US-GOV-{direction.upper()}-2", f"x eusc-{direction}-3 y"):
            assert _AWS_REGION.search(text) and _REGION_HINT.search(text), text
    for piece in PIECES[:23]:
        host = f"a.b-c.{piece.lstrip('.')}"
        assert _CLOUD_HOST.search(host) and _CLOUD_SUFFIX.search(host), host
    assert text_plan.__wrapped__("see mystore.blob.core.windows.net in eu-west-1", False, False, False,
                                 False) == ((), (("host", "mystore.blob.core.windows.net", False),),
                                            ("eu-west-1",))
