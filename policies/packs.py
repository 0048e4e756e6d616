"""Which rules each pack runs, at which enforcement level: the only thing a pack decides."""

from __future__ import annotations

from typing import Any

EU_RESIDENCY: tuple[tuple[str, str], ...] = (
    ("require-known-resource-types", "mandatory"),
    ("require-eea-location", "mandatory"),
    ("require-eea-provider-endpoints", "mandatory"),
    ("disallow-non-eea-replication", "mandatory"),
    ("disallow-global-edge-services", "mandatory"),
    ("disallow-opaque-deployers", "mandatory"),
    ("require-eea-inherited-location", "mandatory"),
    ("require-resolved-references", "mandatory"),
    ("require-eea-state-backend", "mandatory"),
    ("require-valid-waivers", "mandatory"),
)

PIA_CONDITIONS: tuple[tuple[str, str], ...] = (
    ("require-pia-record", "mandatory"),
    ("require-judgeable-data-types", "mandatory"),
    ("require-admin-mfa", "mandatory"),
    ("disallow-direct-user-grants", "mandatory"),
    ("require-pinned-pipeline-trust", "mandatory"),
    ("require-entra-only-authentication", "mandatory"),
    ("require-audit-log-retention", "mandatory"),
    ("require-separation-of-duties", "mandatory"),
    ("require-siem-logging", "mandatory"),
    ("require-customer-managed-keys", "mandatory"),
    ("require-controller-held-keys", "mandatory"),
    ("require-segregated-log-archive", "mandatory"),
    ("require-tls-1-2", "mandatory"),
    ("require-https-listener-rules", "mandatory"),
    ("require-declared-parameter-groups", "mandatory"),
    ("require-efs-tls-policy", "mandatory"),
    ("disallow-public-data-access", "mandatory"),
    ("require-classification-tag", "mandatory"),
    ("disallow-dosis-data-on-portal", "mandatory"),
    ("require-deletion-protection", "mandatory"),
    ("require-eea-backups", "mandatory"),
    ("require-off-vendor-backups", "mandatory"),
    ("require-strong-ipsec-crypto", "mandatory"),
    ("require-valid-waivers", "mandatory"),
    ("require-timely-record-renewal", "advisory"),
)

PACKS: dict[str, tuple[tuple[str, str], ...]] = {
    "eu-residency": EU_RESIDENCY,
    "pia-conditions": PIA_CONDITIONS,
}


def selected(pack: str) -> list[tuple[Any, str]]:
    """(Rule, level) pairs of a pack. A rule id the library does not hold stops the pack: dropping it
    silently would pass everything that rule blocks."""
    from policies.rules import all_rules

    by_id = {r.id: r for r in all_rules()}
    missing = [rid for rid, _ in PACKS[pack] if rid not in by_id]
    if missing:
        raise ValueError(f"policies/packs.py: pack {pack} names rules policies/rules does not hold: "
                         + ", ".join(missing))
    return [(by_id[rid], level) for rid, level in PACKS[pack]]


def build(pack: str) -> None:
    """Construct the pulumi_policy PolicyPack (serves gRPC when run by the CLI)."""
    import pulumi_policy as pp

    from policies.core.crossguard import pack_policies
    from policies.core.record_shapes import validate_stack_records

    if pack == "eu-residency":
        from policies.core.endpoints import validate_record

        validate_record()  # a bad endpoints record is bad input: the pack refuses to start
    # so is a waiver or PIA record of the wrong shape (round 15); what the rules judge stays a finding
    validate_stack_records(("waivers",) if pack == "eu-residency" else ("waivers", "pia"))
    if pack == "pia-conditions":
        from policies.core.pia_attestations import validate_record as validate_pia

        validate_pia()  # a misspelt or malformed PIA record key too (round 42)
    pp.PolicyPack(
        name=pack, policies=pack_policies(selected(pack)), enforcement_level=pp.EnforcementLevel.MANDATORY
    )

