"""A Cosmos DB regional endpoint (`<account>-<region>.documents.azure.com`) is an account's only when the
account lists that region (red-team round 29).

Account names are global, so `dosis-cosmos-northeurope` is either the northeurope endpoint of `dosis-cosmos`
(when that account replicates there) or an account of its own with that name, anybody's, in any region.
Round 26 matched it to the stack's `dosis-cosmos` by name alone; the account's `locations` now decide.
"""

from __future__ import annotations

from typing import Any

from policies.core.account_hosts import regional_account
from policies.core.eea import normalize_azure_location
from policies.core.view import ResourceView, get_path, is_unknown


def lists_region(account: ResourceView, label: str) -> bool:
    """The account replicates to the region a regional endpoint's first label ends with
    (`<account>-<region>`); an unknown or unreadable `locations` proves nothing."""
    region = label.rpartition("-")[2]
    locations = account.input("locations")
    if is_unknown(locations) or not isinstance(locations, (list, tuple)):
        return False
    names = (get_path(loc, "locationName") for loc in locations)
    return any(isinstance(n, str) and normalize_azure_location(n) == region for n in names)


def replica_problem(path: str, host: str, az: tuple[str, tuple[str, ...]] | None,
                    index: Any) -> str | None:
    """Why a regional endpoint named after a Cosmos DB account of the stack is not that account's."""
    if az is None or (base := regional_account(*az)) is None:
        return None
    account = index.by_key.get(f"name:cosmosdb:{base}")  # the stack's (policies/core/graph_index.py)
    if account is None:
        return None
    region = az[0].rpartition("-")[2]
    return (
        f"`{path}` sends to {host}, shaped like the {region} regional endpoint of the stack's Cosmos DB "
        f"account {base!r}, but that account does not list {region} in its `locations`, so the host is "
        f"another account named {az[0]!r} (anybody's, in any region); add {region} to the account's "
        "`locations` (an allowed region), refer to the account's own endpoint, or declare the host in "
        "stacks/records/endpoints.yaml"
    )
