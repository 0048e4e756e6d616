"""Who can reach a host from the internet: world CIDRs however they are written, Azure service tags that
mean the internet, and the ports that may face it. Closed world: only the web ports (and IPsec's IKE/NAT-T
on UDP) may be open to the internet; every other port is judged as a data port (disallow-public-data-access).
Also the common AWS building blocks that open a store to others: prefix lists, bucket ACLs, shared documents
and layers, password-less cache users (API Gateway, EKS and destinations: pia_aws_paths.py).
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

# Ports of data stores and of interactive access to data hosts.
DATA_PORTS = frozenset(
    {22, 445, 1433, 1521, 2049, 3306, 3389, 5432, 5439, 6379, 8182, 9042, 9200, 9300, 11211, 27017}
)
WORLD = frozenset({"0.0.0.0/0", "::/0"})
# A source range this wide that is not private is the internet, however it is written (0.0.0.0/1 plus
# 128.0.0.0/1, ::0/0): IPv4 /8 or wider, IPv6 /16 or wider.
_WIDE = {4: 8, 6: 16}
# Azure service tags and wildcards that stand for every source on the internet.
AZURE_WORLD = frozenset({"*", "internet", "any", "0.0.0.0/0", "::/0"})


@functools.lru_cache(maxsize=4096)
def _world(cidr: str) -> str | None:
    """The CIDR as written when it opens to the internet, `unreadable` when it is no CIDR, else None."""
    if cidr in WORLD:
        return cidr
    try:
        net = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return f"{cidr!r} (unreadable: judged as the internet)"
    if net.prefixlen <= _WIDE[net.version] and not net.is_private:
        return cidr
    return None


def _open(rule: dict[str, Any], cidr_fields: tuple[str, ...], proto: str, low: str, high: str) -> str | None:
    """The world CIDR a rule opens on a data port, or None."""
    cidrs = {
        c for f in cidr_fields for c in ([rule.get(f)] if isinstance(rule.get(f), str) else rule.get(f) or [])
    }
    world = {w for c in cidrs if isinstance(c, str) and (w := _world(c))}
    if not world:
        return None
    if str(rule.get(proto, "")) in ("-1", "all"):
        return f"{sorted(world)[0]} on every port"
    lo, hi = rule.get(low), rule.get(high)
    if not isinstance(lo, int | float) or not isinstance(hi, int | float):
        return f"{sorted(world)[0]} on unknown ports"
    return beyond_web(sorted(world)[0], str(rule.get(proto, "")), int(lo), int(hi))


def _ports(spec: Any) -> tuple[int, int] | None:
    """(low, high) of an NSG port range (`*`, `1433`, `1000-2000`), None when unreadable."""
    text = str(spec).strip()
    if text in ("*", "Any", "any"):
        return (0, 65535)
    lo, _, hi = text.partition("-")
    try:
        return (int(lo), int(hi or lo))
    except ValueError:
        return None


def _azure_world(prefix: str) -> bool:
    """An NSG source that is the internet: `*`/Internet/Any, AzureCloud (every Azure tenant's addresses), or
    a wide public CIDR; other service tags (VirtualNetwork, AzureLoadBalancer, ...) are not."""
    low = prefix.strip().lower()
    if low in AZURE_WORLD or low.startswith("azurecloud"):
        return True
    return bool(low[:1].isdigit() or ":" in low) and _world(low) is not None


def _nsg_rule(rule: dict[str, Any]) -> str | None:
    """What an inbound Allow rule opens to the internet on a data port, or None."""
    if str(rule.get("direction", "")).lower() != "inbound" or str(rule.get("access", "")).lower() != "allow":
        return None
    sources = [rule.get("sourceAddressPrefix"), *list(rule.get("sourceAddressPrefixes") or [])]
    world = [s for s in sources if isinstance(s, str) and _azure_world(s)]
    if not world:
        return None
    specs = [rule.get("destinationPortRange"), *list(rule.get("destinationPortRanges") or [])]
    for spec in (x for x in specs if x is not None):
        span = _ports(spec)
        if span is None:
            return f"{world[0]} on unreadable ports {spec!r}"
        if hit := beyond_web(world[0], str(rule.get("protocol", "*")), span[0], span[1]):
            return hit
    return None


# Ports that may face the internet: HTTP(S) on any protocol, IKE and NAT-T for IPsec peers on UDP.
WEB_PORTS = frozenset({80, 443})
IPSEC_PORTS = frozenset({500, 4500})
_ICMP = frozenset({"icmp", "icmpv6", "1", "58"})


def beyond_web(source: str, proto: str, lo: int, hi: int) -> str | None:
    """What a world-open port range exposes beyond the web ports: a data port, else any other port."""
    if proto.lower() in _ICMP:
        return None
    if ports := sorted(p for p in DATA_PORTS if lo <= p <= hi):
        return f"{source} on data port {ports[0]}"
    allowed = WEB_PORTS | (IPSEC_PORTS if proto.lower() in ("udp", "17") else frozenset())
    other = next((p for p in range(max(lo, 0), min(hi, 65535) + 1) if p not in allowed), None)
    if other is not None:
        return (
            f"{source} on port {other} (only 80/443 may face the internet; any other port is judged a "
            "data port)"
        )
    return None


LOAD_BALANCER = "azure-native:network:LoadBalancer"


def _public_lb(lb: ResourceView) -> bool:
    fronts = lb.input("frontendIPConfigurations")
    return is_unknown(fronts) or any(
        isinstance(f, dict) and (f.get("publicIPAddress") or f.get("publicIPPrefix")) for f in fronts or []
    )


def _lb_rules(rules: list[Any], where: str) -> list[str]:
    """What the rules of a public load balancer expose beyond the web ports (NAT rules and pools too)."""
    out = []
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        lo = rule.get("frontendPort", rule.get("frontendPortRangeStart"))
        hi = rule.get("frontendPort", rule.get("frontendPortRangeEnd", lo))
        if not isinstance(lo, int) or not isinstance(hi, int):
            out.append(f"{where} {rule.get('name')!r} forwards unknown ports from the internet")
        elif hit := beyond_web("Internet", str(rule.get("protocol", "Tcp")), lo, hi):
            out.append(f"{where} {rule.get('name')!r} of a public load balancer opens {hit}")
    return out


def load_balancer(r: ResourceView, graph: StackGraph) -> list[str]:
    if not _public_lb(r):
        return []
    return [
        m
        for fld in ("loadBalancingRules", "inboundNatRules", "inboundNatPools")
        for m in _lb_rules(r.input(fld) or [], fld)
    ]


def nat_rule(r: ResourceView, graph: StackGraph) -> list[str]:
    """A stand-alone NAT rule: judged as public unless its load balancer is in the stack and private."""
    lbs = [x for x in graph.dependency_of(r, "loadBalancerName") if x.type == LOAD_BALANCER] or [
        x for x in graph.named(str(r.input("loadBalancerName"))) if x.type == LOAD_BALANCER
    ]
    return [] if lbs and not _public_lb(lbs[0]) else _lb_rules([dict(r.inputs)], "inbound NAT rule")


AWS_LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")


def aws_listener(r: ResourceView, graph: StackGraph) -> list[str]:
    """An ELB listener's port faces the internet unless its load balancer is in the stack and `internal`
    (the default is internet-facing): like a public Azure load balancer, only 80/443 may (round 10: an NLB
    forwarding 3306 to a private database made it public)."""
    lbs = [x for x in graph.dependency_of(r, "loadBalancerArn") if x.type in AWS_LOAD_BALANCERS]
    arn = r.input("loadBalancerArn")
    if not lbs and isinstance(arn, str) and arn.count("/") >= 3:  # …:loadbalancer/<app|net>/<name>/<id>
        lbs = [x for x in graph.named(arn.split("/")[-2]) if x.type in AWS_LOAD_BALANCERS]
    if lbs and all(x.input("internal") is True for x in lbs):
        return []
    port, proto = r.input("port"), r.input("protocol")
    if isinstance(port, float | str) and str(port).removesuffix(".0").isdigit():
        port = int(str(port).removesuffix(".0"))  # the engine sends numbers as floats
    if port is None and str(proto).upper() == "GENEVE":
        return []  # a Gateway Load Balancer takes traffic from the VPC's route tables, not the internet
    if not isinstance(port, int) or is_unknown(proto):
        return ["the listener's port or protocol is unknown, so what it exposes to the internet cannot be "
                "judged"]
    where = "an internet-facing load balancer" if lbs else "a load balancer not shown internal in this stack"
    hit = beyond_web("the internet", "udp" if "UDP" in str(proto).upper() else "tcp", port, port)
    return [f"the listener of {where} opens {hit}; make it internal or serve 80/443 only"] if hit else []


# ---------------------------------------------------------------- common AWS building blocks (round 9)


def principal_anyone(fld: str, narrowing: tuple[str, ...], what: str):
    """A permission whose principal `*` is not narrowed by one of `narrowing` (an organisation, a
    condition): every AWS account gets `what`."""

    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        principal = r.input(fld)
        if is_unknown(principal):
            return [unknown_message(fld, "who is granted access")]
        if principal != "*" or any(r.input(f) for f in narrowing):
            return []
        return [f"`{fld}` is '*' without {' or '.join(narrowing)}: every AWS account {what}"]

    return judge


def prefix_list(r: ResourceView, graph: StackGraph) -> list[str]:
    """A managed prefix list stands for its CIDRs in every security-group rule that names it (prefixListIds),
    where the group check does not look: it may not hold the internet."""
    entries = [{"cidr": r.input("cidr")}] if r.type.endswith("Entry") else r.input("entries")
    if is_unknown(entries) or any(isinstance(e, dict) and is_unknown(e.get("cidr")) for e in entries or []):
        return [unknown_message("cidr", "which addresses the prefix list admits")]
    return [
        f"the prefix list holds {hit}: every security-group rule naming it opens to the internet"
        for e in entries or []
        if isinstance(e, dict) and isinstance(e.get("cidr"), str) and (hit := _world(e["cidr"]))
    ]


_LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
_CANNED_OK = frozenset({"private", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"})


def bucket_acl(r: ResourceView, graph: StackGraph) -> list[str]:
    """A bucket ACL grants only to the bucket owner (or S3 log delivery): the public access block refuses
    public grants, but not a grant to another account's canonical user or email."""
    acl, policy = r.input("acl"), r.input("accessControlPolicy")
    if is_unknown(acl) or is_unknown(policy):
        return [unknown_message("acl/accessControlPolicy", "who the ACL lets read the bucket")]
    if acl is not None and acl not in _CANNED_OK:
        return [f"`acl` is {acl!r}: it grants others than the bucket owner access to the bucket"]
    if not isinstance(policy, dict):
        return []
    owner = get_path(policy, "owner.id")
    out = []
    for i, g in enumerate(policy.get("grants") or []):
        grantee = g.get("grantee") if isinstance(g, dict) else None
        grantee = grantee if isinstance(grantee, dict) else {}
        if grantee.get("type") == "CanonicalUser" and grantee.get("id") == owner and owner:
            continue
        if grantee.get("type") == "Group" and grantee.get("uri") == _LOG_DELIVERY:
            continue
        out.append(
            f"`accessControlPolicy.grants.{i}` grants {g.get('permission') if isinstance(g, dict) else '?'} "
            f"to {grantee.get('uri') or grantee.get('id') or grantee.get('emailAddress') or grantee!r}, "
            "not the bucket owner"
        )
    return out


def ssm_document(r: ResourceView, graph: StackGraph) -> list[str]:
    ids = get_path(r.input("permissions") or {}, "accountIds")
    if is_unknown(ids) or is_unknown(r.input("permissions")):
        return [unknown_message("permissions", "who the document is shared with")]
    shared = [a.strip() for a in str(ids or "").split(",")]
    return (
        ["`permissions.accountIds` is 'All': the document is public"]
        if "all" in map(str.lower, shared)
        else []
    )


def elasticache_user(r: ResourceView, graph: StackGraph) -> list[str]:
    """A cache user without a password or IAM: anyone who reaches the cache reads what its access string
    allows."""
    kind, nopw = r.get("authenticationMode.type"), r.input("noPasswordRequired")
    if is_unknown(kind) or is_unknown(nopw):
        return [unknown_message("authenticationMode.type/noPasswordRequired", "how the user authenticates")]
    if nopw is True or kind == "no-password-required":
        return ["the user needs no password: anyone who reaches the cache may use it (use a password or iam)"]
    return []


# Round 45: just-in-time VM access (Defender for Cloud) opens a VM's ports on request, each port to the
# sources the policy allows: a port allowed from the internet is an NSG rule anyone may have switched on.
# A port naming no source is unjudged (Azure takes the requester's address, which the program does not
# show), so it blocks; requests written into the program are judged the same way.
JIT_POLICY = "azure-native:security:JitNetworkAccessPolicy"


def jit_policy(r: ResourceView, graph: StackGraph) -> list[str]:
    """Ports a just-in-time access policy (or its requests) may open to the internet."""
    out: list[str] = []
    for fld in ("virtualMachines", "requests"):
        if is_unknown(r.input(fld)):
            return [unknown_message(fld, "which VM ports may be opened to whom")]
        items = [(f"{fld}[{i}]", vm) for i, vm in enumerate(r.input(fld) or [])]
        if fld == "requests":
            items = [(f"{w}.virtualMachines[{j}]", v) for w, q in items for j, v in
                     enumerate((q.get("virtualMachines") if isinstance(q, dict) else None) or [])]
        for where, vm in items:
            ports = vm.get("ports") if isinstance(vm, dict) else None
            if not isinstance(ports, list):
                out.append(unknown_message(f"{where}.ports", "which VM ports may be opened to whom"))
                continue
            out.extend(_jit_port(f"{where}.ports[{k}]", p) for k, p in enumerate(ports))
    return [m for m in out if m]


def _jit_port(where: str, port: Any) -> str | None:
    if not isinstance(port, dict) or not (
        port.get("allowedSourceAddressPrefix") or port.get("allowedSourceAddressPrefixes")
    ):
        return f"{where} names no allowed source: name the admins' network (allowedSourceAddressPrefix)"
    rule = {
        "direction": "Inbound", "access": "Allow", "protocol": port.get("protocol", "*"),
        "sourceAddressPrefix": port.get("allowedSourceAddressPrefix"),
        "sourceAddressPrefixes": port.get("allowedSourceAddressPrefixes"),
        "destinationPortRange": port.get("number"),
    }
    hit = _nsg_rule(rule)
    return f"{where} may be opened to {hit} on request: allow only the admins' network" if hit else None


# Round 47: an EC2 Instance Connect endpoint carries tunnels from anyone IAM lets call OpenTunnel (who that
# is, require-admin-mfa judges: a shell is a person) into its VPC. Its security groups are what it reaches:
# with none named it takes the VPC's default group, every host and port; with `preserveClientIp` false the
# hosts' own groups see the endpoint, not the client, so they can no longer tell who connects.
INSTANCE_CONNECT = "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint"
_SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"


def _endpoint_groups(r: ResourceView, graph: StackGraph, groups: list) -> list[str]:
    """Round 48: the endpoint's groups are security groups of the stack, whose rules are judged; the VPC's
    default group (adopted as DefaultSecurityGroup, or a VPC's `defaultSecurityGroupId`) admits every host
    that keeps it, and a literal id may be that group."""
    fed = graph.dependency_of(r, "securityGroupIds")
    if others := sorted({f"{d.type} {d.name}" for d in fed if d.type != _SECURITY_GROUP}):
        return [f"`securityGroupIds` is computed from {', '.join(others)}, not a security group of this "
                "stack (a VPC's default group admits every host that keeps it): name a group of this stack "
                "allowing SSH/RDP to the admin hosts"]
    if len(groups) > len(fed):
        return ["`securityGroupIds` names a group by a literal id the stack does not declare (it may be "
                "the VPC's default group, which every host keeps): which hosts a tunnel reaches cannot be "
                "judged; pass the id of a security group of this stack"]
    return []


def instance_connect(r: ResourceView, graph: StackGraph) -> list[str]:
    """An Instance Connect endpoint that reaches more than the program's named security groups allow."""
    groups, keep_ip = r.input("securityGroupIds"), r.input("preserveClientIp")
    if is_unknown(groups) or is_unknown(keep_ip):
        return [unknown_message("securityGroupIds/preserveClientIp", "which hosts a tunnel reaches")]
    out = []
    if not groups:
        out.append("the endpoint names no `securityGroupIds`: it takes the VPC's default group and a tunnel "
                   "reaches every host and port of the VPC; name a group allowing SSH/RDP to the admin hosts")
    else:
        out += _endpoint_groups(r, graph, groups if isinstance(groups, list) else [groups])
    if keep_ip is False:
        out.append("`preserveClientIp` is false: the hosts see the endpoint's address, not the client's, so "
                   "their security groups admit every tunnel; keep the client's IP (the default)")
    return out
