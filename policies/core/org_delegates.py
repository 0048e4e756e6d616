"""AWS Organizations delegated administrators (round 46): an account registered as delegated administrator of
a service (CloudTrail, GuardDuty, Security Hub, Config, ...) runs that service for every account of the
organisation, the workload's included: it may stop or redirect the organisation trail and the detectors that
feed the SIEM. It must be an account the stack's PIA record names (`aws_accounts`, round 63; before, any
provider's pin), whose people this pack judges.

Round 48: and a service the pack knows. Delegation of the services below lets the account read findings,
configuration and logs of every account and run the service's organisation-wide settings; others hand it more
(Firewall Manager rewrites security groups and web ACLs, Config's conformance packs remediate, StackSets
deploy stacks with an administrator role into every member account, IAM Identity Center assigns permission
sets there, Systems Manager runs commands on their hosts), so a service not listed cannot be judged and
blocks."""

from __future__ import annotations

from policies.core.pia_other_accounts import UNRECORDED, stack_accounts
from policies.core.view import StackGraph, is_unknown, unknown_message

DELEGATED = "aws:organizations/delegatedAdministrator:DelegatedAdministrator"
# Service principals whose delegated administrator watches and reports (security and audit services).
KNOWN_SERVICES = frozenset(
    f"{s}.amazonaws.com"
    for s in (
        "access-analyzer", "auditmanager", "cloudtrail", "config", "detective", "guardduty", "health",
        "inspector2", "macie", "malware-protection", "securityhub", "securitylake", "storage-lens",
    )
)


def foreign_delegates(graph: StackGraph) -> list[tuple[str, str]]:
    """require-siem-logging: delegated administrators that are accounts the PIA record does not name."""
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
                    f"account {account}, {UNRECORDED}, is delegated administrator "
                    f"of {service} for the organisation: its people may stop or redirect the logs and "
                    "detections the SIEM receives, unjudged; delegate only to the stack's accounts",
                )
            )
        elif is_unknown(service) or str(service).lower() not in KNOWN_SERVICES:
            out.append(
                (
                    d.urn,
                    f"`servicePrincipal` {service!r} is not a service whose delegation the pack knows "
                    "(security and audit services that watch and report): its administrator may act in "
                    "every member account, the workload's included, which cannot be judged; delegate one of "
                    f"{', '.join(sorted(KNOWN_SERVICES))} or add the service's judgement",
                )
            )
    return out
