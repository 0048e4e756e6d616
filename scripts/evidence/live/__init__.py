"""Live evidence read from the deployed clouds: AWS (boto3) and Azure (management SDKs)."""

from __future__ import annotations

from evidence.model import LiveCheck, StackEvidence

# Which rule's intent each live check verifies in the deployed cloud (check id prefix -> rule ids); the
# controls those rules enforce receive the live result.
RULES_BY_CHECK: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("aws.cloudtrail", ("require-siem-logging",)),
    ("aws.guardduty", ("require-siem-logging",)),
    ("aws.kms", ("require-customer-managed-keys",)),
    ("aws.s3.encryption", ("require-customer-managed-keys",)),
    ("aws.s3.public-access-block", ("disallow-public-data-access",)),
    ("aws.s3.drift", ("require-eea-location",)),
    ("aws.rds", ("require-customer-managed-keys",)),
    ("aws.iam", ("require-admin-mfa",)),
    ("aws.vpn", ("require-strong-ipsec-crypto",)),
    ("azure.keyvault", ("require-customer-managed-keys",)),
    ("azure.sql.tde-protector", ("require-customer-managed-keys",)),
    ("azure.diagnostics", ("require-siem-logging",)),
    ("azure.sentinel", ("require-siem-logging",)),
    ("azure.rbac.separation", ("require-separation-of-duties",)),
    ("azure.vpn", ("require-strong-ipsec-crypto",)),
)


def link_rules(checks: list[LiveCheck]) -> list[LiveCheck]:
    """Set each check's rules from RULES_BY_CHECK (longest matching prefix)."""
    for c in checks:
        matches = [
            (len(p), rules) for p, rules in RULES_BY_CHECK if c.check == p or c.check.startswith(p + ".")
        ]
        c.rules = list(max(matches)[1]) if matches else []
    return checks


def collect_all(evidence: list[StackEvidence]) -> list[LiveCheck]:
    """Every live check for the exported stacks (AWS: portal/interconnect; Azure: dosis/interconnect)."""
    from evidence.live import aws, azure

    names = [ev.stack for ev in evidence]
    out: list[LiveCheck] = []
    if any(not n.startswith("dosis") for n in names):
        out += aws.collect(evidence)
    if any(not n.startswith("portal") for n in names):
        out += azure.collect(evidence)
    return link_rules(out)
