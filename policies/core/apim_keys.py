"""API Management subscription keys written in the program (round 76): a subscription's keys are what its
holder calls the product or API with; the SDK generates them when left out ("If not specified during request
key will be generated automatically"), so a plain string fed by no resource is a credential in the source and
the state (judged with the other credentials inline, policies/core/config_credentials.py)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.core.secret_versions import written
from policies.core.view import ResourceView

APIM_SUBSCRIPTION = "azure-native:apimanagement:Subscription"
_KEYS = ("primaryKey", "secondaryKey")
FIX = (
    "leave `primaryKey` and `secondaryKey` out (API Management generates them; the service's role "
    "assignments decide who lists them) or feed a `random` password of the program or a secret of the "
    "stack's configuration"
)


def subscription_keys(r: ResourceView) -> Iterator[tuple[str, str]]:
    """(field, why) for each key written in the program."""
    return ((f, "a subscription key written in the program, not a secret") for f in written(r, _KEYS))
