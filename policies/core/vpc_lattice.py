"""TLS on VPC Lattice (round 39): a Lattice service publishes an application to every VPC of its service
network, and its listeners say whether that traffic is encrypted. A listener is judged like a load
balancer's: HTTPS (Lattice terminates TLS 1.2 or newer, no policy lowers it); HTTP is plain text and
TLS_PASSTHROUGH hands TLS to the target, whose versions the gate cannot read, so both block. A target group
forwards over HTTPS, as an ELB target group must (a Lambda target is invoked through the Lambda API). A
service answers without credentials unless `authType` is AWS_IAM (disallow-public-data-access), as an API
method without authorization does.

Round 40: an auth policy is the service's (or service network's) resource policy. With AWS_IAM, an Allow to
Principal "*" without a condition pinning the caller lets unsigned (anonymous) requests through, and one
naming another account lets that account's people in; both are judged as every resource policy is. A service
network's own `authType` adds no caller a service does not already admit: each service is judged on its own
`authType` and auth policy, so the network is read only through its auth policy, and associating a service
with a network (which every VPC of the network then reaches) exposes only what that service admits."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.tls_policies import equals
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

LISTENER = "aws:vpclattice/listener:Listener"
TARGET_GROUP = "aws:vpclattice/targetGroup:TargetGroup"
SERVICE = "aws:vpclattice/service:Service"
AUTH_POLICY = "aws:vpclattice/authPolicy:AuthPolicy"
SERVICE_NETWORK = "aws:vpclattice/serviceNetwork:ServiceNetwork"
ASSOCIATION = "aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation"
CONTROLS = frozenset({LISTENER, TARGET_GROUP, SERVICE, AUTH_POLICY, SERVICE_NETWORK, ASSOCIATION})
RESOURCE_POLICIES = {AUTH_POLICY: "policy"}  # disallow-public-data-access: anyone, other accounts


def _listener(v: ResourceView) -> list[str]:
    out = equals(v, "protocol", ("HTTPS",))
    if v.input("protocol") == "TLS_PASSTHROUGH":
        out = [
            "`protocol` is 'TLS_PASSTHROUGH': the target terminates TLS with versions the gate cannot read; "
            "use an HTTPS listener (Lattice terminates TLS 1.2 or newer)"
        ]
    return out


def _target_group(v: ResourceView) -> list[str]:
    return [] if v.input("type") == "LAMBDA" else equals(v, "config.protocol", ("HTTPS",))


TLS_CHECKS: dict[str, Callable[[ResourceView], list[str]]] = {
    LISTENER: _listener,
    TARGET_GROUP: _target_group,
}


def _service_auth(r: ResourceView, graph: StackGraph) -> list[str]:
    value = r.input("authType")
    if is_unknown(value):
        return [unknown_message("authType", "whether callers must sign their requests")]
    if value == "AWS_IAM":
        return []
    return [
        f"`authType` is {value or 'NONE (absent)'!r}: every client in a VPC of the service network calls the "
        "service without credentials; set AWS_IAM and an auth policy naming the callers"
    ]


EXTRA_CHECKS: tuple[tuple[str, Callable[[ResourceView, StackGraph], list[str]]], ...] = (
    (SERVICE, _service_auth),
)
