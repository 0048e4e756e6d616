"""Where an EC2 host lands decides whether it is public (round 11): an instance or Auto Scaling group that
names no subnet lands in the default VPC, whose default subnets give every instance a public IP; a launch
template's network interface can ask for a public IP itself (`associatePublicIpAddress` is a string there)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

Judge = Callable[[ResourceView, StackGraph], list[str]]
_YES = (True, "true", "True", "TRUE")
_NO = (False, "false", "False", "FALSE")
_DEFAULT_VPC = (
    "lands in the default VPC, whose default subnets give every instance a public IP address; name a "
    "private subnet (or set associatePublicIpAddress false)"
)


def _interfaces(lt: ResourceView) -> list[dict[str, Any]]:
    value = lt.input("networkInterfaces")
    return [n for n in value if isinstance(n, dict)] if isinstance(value, list) else []


def launch_template(r: ResourceView, graph: StackGraph) -> list[str]:
    """A network interface of the template that asks for a public IP makes every instance public."""
    value = r.input("networkInterfaces")
    if is_unknown(value):
        return [unknown_message("networkInterfaces", "whether instances get public IPs")]
    return [
        f"network interface {n.get('deviceIndex', i)} asks for a public IP address "
        f"(associatePublicIpAddress {n.get('associatePublicIpAddress')!r}): every instance is public"
        for i, n in enumerate(_interfaces(r))
        if n.get("associatePublicIpAddress") in _YES
    ]


def _placed_by(templates: list[ResourceView]) -> bool:
    """A template of the stack whose interfaces name a subnet, or refuse a public IP, places the host."""
    return any(
        n.get("subnetId") or n.get("networkInterfaceId") or n.get("associatePublicIpAddress") in _NO
        for t in templates
        for n in _interfaces(t)
    )


def _templates(graph: StackGraph, r: ResourceView, *flds: str) -> list[ResourceView]:
    return [
        t for f in flds for t in graph.dependency_of(r, f) if t.type.endswith("launchTemplate:LaunchTemplate")
    ]


def instance(r: ResourceView, graph: StackGraph) -> list[str]:
    """An instance (or spot request) with no subnet, no network interface and no template naming one."""
    if r.input("subnetId") or r.input("networkInterfaces") or r.input("primaryNetworkInterface"):
        return []
    if r.input("associatePublicIpAddress") is not None:
        return []  # false: no public IP anywhere; true: reported as such by the instance's own check
    if r.input("launchTemplate"):
        templates = _templates(graph, r, "launchTemplate")
        if _placed_by(templates):
            return []
        if not templates:
            return [
                "the instance names no subnet and takes its network from a launch template outside the "
                "stack, so where it lands cannot be judged; name a private subnetId"
            ]
    return [f"the instance names no subnet (subnetId or a network interface): it {_DEFAULT_VPC}"]


def auto_scaling_group(r: ResourceView, graph: StackGraph) -> list[str]:
    """A group placed by `availabilityZones` only launches into the default subnets of those zones."""
    if r.input("vpcZoneIdentifiers") or is_unknown(r.input("vpcZoneIdentifiers")):
        return []
    templates = _templates(graph, r, "launchTemplate", "mixedInstancesPolicy")
    configs = [c for c in graph.dependency_of(r, "launchConfiguration")]
    if _placed_by(templates) or any(c.input("associatePublicIpAddress") in _NO for c in configs):
        return []
    return [f"the group names no vpcZoneIdentifiers: each instance it launches {_DEFAULT_VPC}"]


EXTRA_CHECKS: tuple[tuple[str, Judge], ...] = (
    ("aws:ec2/instance:Instance", instance),
    ("aws:ec2/spotInstanceRequest:SpotInstanceRequest", instance),
    ("aws:ec2/launchTemplate:LaunchTemplate", launch_template),
    ("aws:autoscaling/group:Group", auto_scaling_group),
)
