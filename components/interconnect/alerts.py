"""Azure-side alerts of the IPsec link: one per gateway instance, each watching only its own BGP peers.

In the AWS topology each AWS tunnel terminates on exactly one Azure instance, so a peer is up on one
instance and absent on the other. Averaging a peer's status over both instances gives 0.5 forever; the
alert therefore takes the Maximum per peer (split by BgpPeerAddress: every peer is its own series) and
there is one alert per instance with that instance's peers, so the SOC sees which instance lost which.
"""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure_native

from components.interconnect.crypto import TUNNELS
from components.interconnect.link_args import CrossCloudVpnLinkArgs, apipa_address


def instance_peers(args: CrossCloudVpnLinkArgs) -> dict[int, list[str]]:
    """AWS-side BGP peer addresses of each Azure instance of this link."""
    return {
        i: [apipa_address(i + args.apipa_slot_offset, t, "aws") for t in TUNNELS]
        for i in range(args.gateway_instances)
    }


def link_alerts(
    name: str,
    args: CrossCloudVpnLinkArgs,
    tags: dict[str, str],
    connection_names: list[str],
    child: pulumi.ResourceOptions,
) -> None:
    """BGP: one alert per instance (Maximum per peer); static: one per connection's bandwidth."""
    monitor = azure_native.monitor
    if args.routing == "bgp":
        groups = {
            f"instance{i}": ("BgpPeerStatus", "BgpPeerAddress", "LessThan", "Maximum", 1, peers)
            for i, peers in instance_peers(args).items()
        }
    else:
        groups = {
            "tunnels": (
                "TunnelAverageBandwidth",
                "ConnectionName",
                "LessThanOrEqual",
                "Maximum",
                0,
                connection_names,
            )
        }
    for label, (metric, dimension, operator, aggregation, threshold, values) in groups.items():
        monitor.MetricAlert(
            f"{name}-connection-status-{label}",
            rule_name=f"{name}-connection-status-{label}",
            resource_group_name=args.azure.resource_group_name,
            location="global",
            description=f"A tunnel of the DOSIS <-> e-loket IPsec link is down ({label}; D36 §96)",
            scopes=[args.azure.gateway_id],
            severity=1,
            enabled=True,
            evaluation_frequency="PT5M",
            window_size="PT15M",
            criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                all_of=[
                    monitor.MetricCriteriaArgs(
                        criterion_type="StaticThresholdCriterion",
                        name="tunnel-down",
                        metric_namespace="microsoft.network/virtualnetworkgateways",
                        metric_name=metric,
                        operator=operator,
                        threshold=threshold,
                        time_aggregation=aggregation,
                        dimensions=[
                            monitor.MetricDimensionArgs(name=dimension, operator="Include", values=values)
                        ],
                    )
                ],
            ),
            actions=[monitor.MetricAlertActionArgs(action_group_id=args.azure.action_group_id)],
            tags=tags,
            opts=child,
        )
