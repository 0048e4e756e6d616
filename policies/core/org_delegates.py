"""AWS Organizations delegated administrators (round 46): an account registered as delegated administrator
of a service (CloudTrail, GuardDuty, Security Hub, Config, ...) runs that service for every account of the
organisation, the workload's included: it may stop or redirect the organisation trail and the detectors
that feed the SIEM. It must be an account a provider of the stack pins, whose people this pack judges."""

from __future__ import annotations

from policies.core.pia_other_accounts import stack_accounts
from policies.core.view import StackGraph, is_unknown, unknown_message

DELEGATED = "aws:organizations/delegatedAdministrator:DelegatedAdministrator"


def foreign_delegates(graph: StackGraph) -> list[tuple[str, str]]:
    """require-siem-logging: delegated administrators that are accounts no provider of the stack pins."""
    own = stack_accounts(graph)
    out = []
    for d in graph.by_type(DELEGATED):
        account, service = d.input("accountId"), d.input("servicePrincipal")
        if is_unknown(account) or not isinstance(account, str):
            out.append((d.urn, unknown_message("accountId", "who administers the service")))
        elif account not in own:
            out.append(
                (
                    d.urn,
                    f"account {account}, which no provider of the stack pins, is delegated administrator "
                    f"of {service} for the organisation: its people may stop or redirect the logs and "
                    "detections the SIEM receives, unjudged; delegate only to the stack's accounts",
                )
            )
    return out
