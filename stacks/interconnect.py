"""interconnect-prod: the site-to-site IPsec link between DOSIS (Azure) and the e-loket (AWS).

Reads the outputs of dosis-prod and portal-prod through StackReference, so it is deployed last
(dosis -> portal -> interconnect). D36 §96/§131, DPA annex 3 a.ii.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.output import Unknown

from components.common.tags import Tags
from components.interconnect import AwsEnd, AzureEnd, CrossCloudVpnLink, CrossCloudVpnLinkArgs
from components.interconnect.dns import PrivateLinkNames, PrivateLinkNamesArgs
from components.interconnect.link_args import REGION_APIPA_OFFSET
from policies.core.eea import DOSIS_FAILOVER, DOSIS_PRIMARY, normalize_azure_location
from stacks import config


@dataclass(frozen=True)
class InterconnectConfig:
    """Keys of `dosis-eloket:*` in stacks/Pulumi.interconnect-prod.yaml."""

    controller: str
    """Controller accountable for the data crossing the link (tag `controller`)."""
    pia_reference: str
    """PIA record covering the link (tag `pia-reference`)."""
    dosis_stack: str | None = None
    """Stack to read the Azure end from; default `<org>/<project>/dosis-prod`."""
    portal_stack: str | None = None
    """Stack to read the AWS end from; default `<org>/<project>/portal-prod`."""
    routing: str = "bgp"
    """`bgp` (default; Azure active-active failover) or `static`."""
    aws_bgp_asn: int | None = None
    """Optional cross-check only: the Amazon-side ASN comes from portal-prod's `vpnAmazonSideAsn` (its one
    source); when set here and different, the program stops naming both values."""
    route_table_count: int = 3
    """Number of portal app route tables (entries of `privateRouteTableIds`) to route through the link."""
    psk_length: int = 48
    """Pre-shared key length (32..64)."""
    psk_rotation: int = 0
    """Bump this number to rotate all pre-shared keys on both clouds in one `pulumi up`."""
    nsg_priority: int = 300
    """Priority of the allow rule added to the DOSIS private-endpoint NSG (deny rule at +10)."""
    tunnel_log_retention_days: int = 365
    """Retention of the AWS tunnel (IKE/BGP) logs."""


# StackReference output names this stack reads (exported by stacks/dosis.py and stacks/portal.py).
# Per DOSIS region: the failover region's keys carry the suffix "Failover".
DOSIS_REGIONAL_OUTPUTS = (
    "vpnGatewayId",
    "vpnGatewayPublicIps",
    "resourceGroupName",
    "location",
    "dosisUitPrivateIp",
    "dosisUitHostName",
    "dosisUitSubnetCidr",
    "privateEndpointNsgName",
)
DOSIS_OUTPUTS = ("vpnGatewayBgpAsn", "actionGroupId")
DOSIS_OPTIONAL_OUTPUTS = ("vpnGatewayIpConfigurationIds",)
PORTAL_OUTPUTS = (
    "vpnGatewayId",
    "vpnAmazonSideAsn",
    "vpcId",
    "vpcCidr",
    "appSubnetCidrs",
    "appSecurityGroupId",
    "privateRouteTableIds",
    "socTopicArn",
    "logsKmsKeyArn",
)
# region -> (output-key suffix, link name, APIPA slot offset of its two gateway instances)
REGION_LINKS = {
    DOSIS_PRIMARY: ("", "dosis-eloket", REGION_APIPA_OFFSET[DOSIS_PRIMARY]),
    DOSIS_FAILOVER: ("Failover", "dosis-eloket-neu", REGION_APIPA_OFFSET[DOSIS_FAILOVER]),
}


def _unknown() -> pulumi.Output[Any]:
    """An Output whose value is not known (what preview shows for a value it cannot compute)."""

    async def value() -> None:
        return None

    async def known() -> bool:
        return False

    return pulumi.Output(set(), value(), known())


def stack_output(
    ref: pulumi.StackReference, stack: str, key: str, optional: bool = False
) -> pulumi.Output[Any]:
    """Output `key` of the referenced stack; unknown in preview when the stack does not export it.

    `optional` outputs are None when missing (the link then leaves the corresponding setting out).

    A missing output is a deployment-order or contract problem: preview reports it and carries on with an
    unknown value (so every other finding is still shown); a real update stops with a clear message.
    """

    def check(value: Any) -> Any:
        if value is not None or optional:
            return value
        message = f"stack {stack} has no output {key!r} (deploy it first; see the stack outputs contract)"
        if pulumi.runtime.is_dry_run():
            pulumi.log.warn(f"{message}; treating it as unknown")
            return _unknown()
        raise config.ConfigError(message)

    return ref.get_output(key).apply(check)


def _same_location(configured: str, actual: Any, stack: str) -> None:
    """Log an error when the gateway is not in the region the link's Azure resources are placed in."""
    if isinstance(actual, str) and normalize_azure_location(actual) != configured:
        pulumi.log.error(
            f"stacks/Pulumi.{pulumi.get_stack()}.yaml: azure-native:location: {configured!r} "
            f"differs from the VPN gateway's location {actual!r} in stack {stack}"
        )


def _reference(name: str) -> tuple[pulumi.StackReference, str]:
    """A StackReference that says so in preview when the referenced stack's outputs are not known."""
    ref = pulumi.StackReference(name)

    def report(outputs: Any) -> None:
        if isinstance(outputs, Unknown) and pulumi.runtime.is_dry_run():
            pulumi.log.warn(
                f"outputs of stack {name} are unknown (not deployed or not recorded yet): "
                "the link's inputs from it are unknown in this preview"
            )

    ref.outputs.apply(report, run_with_unknowns=True)
    return ref, name


def _asn(cfg: InterconnectConfig, portal_asn: pulumi.Output[Any], portal: str) -> pulumi.Output[Any]:
    """The Amazon-side ASN from portal-prod; a configured value is only a cross-check."""

    def check(asn: Any) -> Any:
        if asn is None:
            return asn
        asn = int(asn)  # outputs may carry whole numbers as floats
        if cfg.aws_bgp_asn is not None and asn != cfg.aws_bgp_asn:
            raise config.ConfigError(
                f"stacks/Pulumi.{pulumi.get_stack()}.yaml: {pulumi.get_project()}:awsBgpAsn: "
                f"{cfg.aws_bgp_asn} differs from vpnAmazonSideAsn {asn} of stack {portal} "
                "(the portal's value is the one source)"
            )
        return asn

    return portal_asn.apply(check)


def _link(cfg: InterconnectConfig, region: str, d: dict, p: dict, dosis_name: str) -> CrossCloudVpnLink:
    """The tunnel set to one region's gateway; its Azure resources live in that region."""
    suffix, name, offset = REGION_LINKS[region]
    location = region
    if region == DOSIS_PRIMARY:  # the stack config names the primary region; it must agree
        location = normalize_azure_location(pulumi.Config("azure-native").get("location") or DOSIS_PRIMARY)
    d[f"location{suffix}"].apply(lambda actual: _same_location(location, actual, dosis_name))
    try:
        args = CrossCloudVpnLinkArgs(
            azure=AzureEnd(
                gateway_id=d[f"vpnGatewayId{suffix}"],
                gateway_public_ips=d[f"vpnGatewayPublicIps{suffix}"],
                bgp_asn=d["vpnGatewayBgpAsn"],
                resource_group_name=d[f"resourceGroupName{suffix}"],
                location=location,
                dosis_uit_private_ip=d[f"dosisUitPrivateIp{suffix}"],
                dosis_uit_subnet_cidr=d[f"dosisUitSubnetCidr{suffix}"],
                private_endpoint_nsg_name=d[f"privateEndpointNsgName{suffix}"],
                action_group_id=d["actionGroupId"],
                ip_configuration_ids=d[f"vpnGatewayIpConfigurationIds{suffix}"],
            ),
            aws=AwsEnd(
                vpn_gateway_id=p["vpnGatewayId"],
                vpc_cidr=p["vpcCidr"],
                app_subnet_cidrs=p["appSubnetCidrs"],
                app_security_group_id=p["appSecurityGroupId"],
                private_route_table_ids=p["privateRouteTableIds"],
                soc_topic_arn=p["socTopicArn"],
                logs_kms_key_arn=p["logsKmsKeyArn"],
            ),
            tags=Tags(system="interconnect", controller=cfg.controller, pia_reference=cfg.pia_reference),
            routing=cfg.routing,  # type: ignore[arg-type]
            aws_bgp_asn=p["vpnAmazonSideAsn"],  # type: ignore[arg-type]
            route_table_count=cfg.route_table_count,
            psk_length=cfg.psk_length,
            psk_rotation=cfg.psk_rotation,
            nsg_priority=cfg.nsg_priority,
            tunnel_log_retention_days=cfg.tunnel_log_retention_days,
            apipa_slot_offset=offset,
        )
    except ValueError as exc:
        # Messages start with the field name; name the config key instead.
        field, _, rest = str(exc).partition(" ")
        key = field.split("_")[0] + "".join(w.title() for w in field.split("_")[1:])
        raise config.ConfigError(
            f"stacks/Pulumi.{pulumi.get_stack()}.yaml: {pulumi.get_project()}:{key}: {rest}"
        ) from None
    return CrossCloudVpnLink(name, args)


def main() -> None:
    """Create a link to each DOSIS region and the private names, export non-secret identifiers."""
    cfg = config.load(InterconnectConfig)
    prefix = f"{pulumi.get_organization()}/{pulumi.get_project()}"
    dosis, dosis_name = _reference(cfg.dosis_stack or f"{prefix}/dosis-prod")
    portal, portal_name = _reference(cfg.portal_stack or f"{prefix}/portal-prod")

    d = {key: stack_output(dosis, dosis_name, key) for key in DOSIS_OUTPUTS}
    for suffix, _, _ in REGION_LINKS.values():
        d.update(
            {f"{k}{suffix}": stack_output(dosis, dosis_name, f"{k}{suffix}") for k in DOSIS_REGIONAL_OUTPUTS}
        )
        d.update(
            {
                f"{k}{suffix}": stack_output(dosis, dosis_name, f"{k}{suffix}", optional=True)
                for k in DOSIS_OPTIONAL_OUTPUTS
            }
        )
    p = {key: stack_output(portal, portal_name, key) for key in PORTAL_OUTPUTS}
    p["vpnAmazonSideAsn"] = _asn(cfg, p["vpnAmazonSideAsn"], portal_name)

    links = {region: _link(cfg, region, d, p, dosis_name) for region in REGION_LINKS}
    # The e-loket resolves each region's DOSIS-UIT name to its private endpoint (nothing global).
    PrivateLinkNames(
        "dosis-uit-names",
        PrivateLinkNamesArgs(
            vpc_id=p["vpcId"],
            records=[
                (d[f"dosisUitHostName{s}"], d[f"dosisUitPrivateIp{s}"]) for s, _, _ in REGION_LINKS.values()
            ],
            tags=Tags(system="interconnect", controller=cfg.controller, pia_reference=cfg.pia_reference),
        ),
    )
    # Identifiers only: the pre-shared keys are never exported.
    primary = links[DOSIS_PRIMARY]
    pulumi.export("vpnConnectionIds", [i for link in links.values() for i in link.vpn_connection_ids])
    pulumi.export("customerGatewayIds", [i for link in links.values() for i in link.customer_gateway_ids])
    pulumi.export("azureConnectionIds", [i for link in links.values() for i in link.azure_connection_ids])
    pulumi.export("tunnelAddresses", [i for link in links.values() for i in link.tunnel_addresses])
    pulumi.export("azureApipaAddresses", primary.apipa_addresses)
    pulumi.export("azureApipaAddressesFailover", links[DOSIS_FAILOVER].apipa_addresses)
    pulumi.export("referencedStacks", {"dosis": dosis_name, "portal": portal_name})
