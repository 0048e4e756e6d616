"""Configuration of stack `portal-prod` (namespace `dosis-eloket:`), checked at load with file and key."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

import pulumi

from policies.core.eea import PORTAL_REGION
from stacks.config import ConfigError
from stacks.sovereignty_config import PortalSovereignty

RFC1918 = tuple(ipaddress.ip_network(c) for c in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


@dataclass(frozen=True)
class PortalConfig(PortalSovereignty):
    """Keys of `stacks/Pulumi.portal-prod.yaml` (namespace `dosis-eloket:`, camelCase)."""

    account_id: str
    """The e-loket AWS account (12 digits); the provider refuses any other account."""
    pia_reference: str
    """PIA record covering this deployment (stacks/records/)."""
    controller: str = "Agentschap Innoveren en Ondernemen (VLAIO)"
    """Controller of the e-loket data."""
    deployer_role_name: str = "eloket-deployer"
    """Role of the deployment pipeline (manages keys, never uses them directly)."""
    vpc_cidr: str = "10.20.0.0/16"
    """VPC address space (must not overlap the DOSIS VNet)."""
    vpn_amazon_side_asn: int = 64512
    """BGP ASN of the virtual private gateway: the one source (exported; interconnect-prod reads it)."""
    domain_name: str = "www.vlaanderenonderneemt.be"
    """Public host name of the e-loket."""
    certificate_arn: str | None = None
    """Existing ACM certificate; none requests one (DNS validation)."""
    drupal_image_tag: str = "1.0.0"
    """Immutable tag of the Drupal image in ECR `eloket/drupal`."""
    frontend_image_tag: str = "1.0.0"
    """Immutable tag of the front-end server image in ECR `eloket/frontend`."""
    drupal_desired_count: int = 3
    """Drupal tasks."""
    db_instance_class: str = "db.m6g.large"
    """RDS instance class."""
    db_allocated_storage: int = 100
    """RDS storage (GiB)."""
    db_backup_retention_days: int = 35
    """RDS automated backup retention (days, in-region)."""
    cache_node_type: str = "cache.t4g.small"
    """Memcached node type."""
    cache_nodes: int = 3
    """Memcached nodes."""
    log_retention_days: int = 400
    """Retention of technical and traffic logs (flow, WAF, container, database logs)."""
    magda_egress_cidrs: list[str] | None = None
    """Addresses of MAGDA GeefOnderneming (D36 §109); the only internet destination of the app tier (443),
    declared in stacks/records/endpoints.yaml (`magda`). None = no egress to MAGDA."""
    dosis_uit_endpoints: list[str] | None = None
    """DOSIS-UIT base URLs in failover order (westeurope, then northeurope); Drupal tries them in turn.
    None = the defaults of dosis-prod's naming (`https://dosis-uit-weu...`, `https://dosis-uit-neu...`)."""
    access_log_retention_days: int = 3653
    """Retention of ALB and S3 access logs (transaction metadata, 10 years, DPA annex 1)."""


def validate(cfg: PortalConfig) -> None:
    file = f"stacks/Pulumi.{pulumi.get_stack()}.yaml"
    if not re.fullmatch(r"\d{12}", cfg.account_id):
        raise ConfigError(f"{file}: dosis-eloket:accountId: expected 12 digits, got {cfg.account_id!r}")
    try:
        net = ipaddress.ip_network(cfg.vpc_cidr)
        usable = net.version == 4 and net.is_private and net.prefixlen <= 24
    except ValueError:
        usable = False
    if not usable:  # four tiers x three AZs need at least a /24
        raise ConfigError(
            f"{file}: dosis-eloket:vpcCidr: expected a private IPv4 CIDR of /24 or larger, "
            f"got {cfg.vpc_cidr!r}"
        )
    for cidr in cfg.magda_egress_cidrs or ():
        try:
            net = ipaddress.ip_network(cidr)
        except ValueError:
            net = None
        if net is None or net.version != 4 or net.prefixlen < 24 or any(net.overlaps(p) for p in RFC1918):
            raise ConfigError(
                f"{file}: dosis-eloket:magdaEgressCidrs: expected public /24 or narrower, got {cidr!r}"
            )
    if cfg.certificate_arn is not None and f":{PORTAL_REGION}:" not in cfg.certificate_arn:
        raise ConfigError(f"{file}: dosis-eloket:certificateArn: certificate must live in {PORTAL_REGION}")
