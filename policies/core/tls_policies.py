"""TLS allow-lists per service (policy names and versions whose minimum is TLS 1.2, never substrings) and
the judges of services whose TLS lives in a name, a parameter or another resource (require-tls-1-2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policies.core.view import ResourceView, StackGraph, get_path, is_unknown, unknown_message

# Elastic Load Balancing policies whose minimum protocol is TLS 1.2 (ELB documentation, security policies).
ELB_POLICIES = frozenset(
    {
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
        "ELBSecurityPolicy-FS-1-2-2019-08",
        "ELBSecurityPolicy-FS-1-2-Res-2019-08",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    }
)
# Application Gateway predefined policies with minimum TLS 1.2 (AppGwSslPolicy20170401 allows TLS 1.1).
APPGW_POLICIES = frozenset({"AppGwSslPolicy20170401S", "AppGwSslPolicy20220101", "AppGwSslPolicy20220101S"})
APIGW_POLICIES = frozenset(
    {
        "TLS_1_2",
        "SecurityPolicy_TLS13_1_3_2025_09",
        "SecurityPolicy_TLS13_1_2_2021_06",
        "SecurityPolicy_TLS12_1_2_2021_06",
        "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
        "SecurityPolicy_TLS13_1_2_PQ_2025_09",
        "SecurityPolicy_TLS12_PFS_2025_EDGE",
    }
)
_TLS12 = ("TLSv1.2", "TLSv1.3")
# Transfer Family security policies without SHA-1 / ssh-rsa / CBC for SSH (and TLS 1.2+ for FTPS); the
# provider default (2018-11), 2020-06, Restricted-2018/2020 and FIPS-2020-06 still offer SHA-1 algorithms.
TRANSFER_POLICIES = frozenset(
    {
        f"TransferSecurityPolicy-{n}"
        for n in ("2022-03", "2023-05", "2024-01", "2025-03", "Restricted-2024-06")
    }
    | {f"TransferSecurityPolicy-FIPS-{n}" for n in ("2023-05", "2024-01", "2024-05", "2025-03")}
    | {"TransferSecurityPolicy-SshAuditCompliant-2025-02"}
)
# CloudFront viewer security policies with minimum TLS 1.2 (CloudFront developer guide, supported protocols).
CLOUDFRONT_POLICIES = frozenset(
    {"TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}
)
_HTTPS_VIEWERS = ("redirect-to-https", "https-only")


def equals(v: ResourceView, fld: str, good: tuple[Any, ...], default_ok: bool = False) -> list[str]:
    value = v.get(fld)
    if is_unknown(value):
        return [unknown_message(fld, "the TLS setting")]
    if value is None and default_ok:
        return []
    if value not in good:
        return [f"`{fld}` is {value!r}; expected {' or '.join(repr(g) for g in good)}"]
    return []


def cloudfront(v: ResourceView) -> list[str]:
    """Viewers: a listed security policy on an own certificate (the default *.cloudfront.net certificate
    accepts TLS 1.0), HTTPS on every cache behaviour; origins: HTTPS with TLS 1.2 only."""
    out = []
    cert = v.input("viewerCertificate") or {}
    if not isinstance(cert, dict) or is_unknown(cert):
        return [unknown_message("viewerCertificate", "the viewers' TLS version")]
    if (
        cert.get("cloudfrontDefaultCertificate")
        or cert.get("minimumProtocolVersion") not in CLOUDFRONT_POLICIES
    ):
        out.append(
            f"`viewerCertificate.minimumProtocolVersion` is {cert.get('minimumProtocolVersion')!r} (default "
            f"certificate: TLSv1); use an own certificate with one of {sorted(CLOUDFRONT_POLICIES)}"
        )
    behaviours = [v.input("defaultCacheBehavior") or {}, *(v.input("orderedCacheBehaviors") or [])]
    out += [
        f"cache behaviour {b.get('pathPattern', 'default')!r} has viewerProtocolPolicy "
        f"{b.get('viewerProtocolPolicy')!r}; use redirect-to-https or https-only"
        for b in behaviours
        if isinstance(b, dict) and b.get("viewerProtocolPolicy") not in _HTTPS_VIEWERS
    ]
    for o in v.input("origins") or []:
        custom = o.get("customOriginConfig") if isinstance(o, dict) else None
        if isinstance(custom, dict) and (
            custom.get("originProtocolPolicy") != "https-only"
            or not set(custom.get("originSslProtocols") or ["SSLv3"]) <= {"TLSv1.2"}
        ):
            out.append(
                f"origin {o.get('originId')!r} is reached with {custom.get('originProtocolPolicy')!r} / "
                f"{custom.get('originSslProtocols')!r}; use https-only with TLSv1.2"
            )
    return out


def classic_elb(v: ResourceView) -> list[str]:
    """A classic load balancer negotiates TLS through policies attached elsewhere (default
    ELBSecurityPolicy-2016-08 accepts TLS 1.0) and plain listeners cannot redirect: it cannot be judged."""
    return [
        f"classic load balancer listener on port {ln.get('lbPort')} ({ln.get('lbProtocol')}): its TLS "
        "version cannot be judged (or it is plain text); use an ALB/NLB listener with a listed sslPolicy"
        for ln in v.input("listeners") or []
        if isinstance(ln, dict)
    ] or ([unknown_message("listeners", "the TLS version")] if is_unknown(v.input("listeners")) else [])


def default_group(fld: str, what: str):
    """A cluster whose TLS is a parameter of its group must name a group of the stack (judged there): the
    engine's default group (absent, or `default.*`) does not require TLS 1.2."""

    def judge(v: ResourceView) -> list[str]:
        name = v.input(fld)
        if is_unknown(name) or (isinstance(name, str) and name and not name.startswith("default.")):
            return []  # another resource's output or a named group: the stack's own group, judged itself
        return [
            f"`{fld}` is {name!r}: the default {what} parameter group does not require TLS 1.2; use a "
            "parameter group of this stack that does"
        ]

    return judge


def rds_family(family: str, params: dict[str, Any]) -> list[str] | None:
    """TLS parameters of the RDS engine families other than MySQL/PostgreSQL; None when the family is known
    to the caller. SQL Server: rds.force_ssl 1 and TLS 1.0/1.1 disabled; anything else cannot be judged."""
    if family.startswith("sqlserver"):
        out = [] if str(params.get("rds.force_ssl", "")) == "1" else ["parameter `rds.force_ssl` must be 1"]
        return out + [
            f"parameter `{p}` must be 'disabled'"
            for p in ("rds.tls10", "rds.tls11")
            if str(params.get(p, "")).lower() != "disabled"
        ]
    return [
        f"parameter group family {family!r}: its TLS settings cannot be judged (Oracle TLS lives in an "
        "option group); use an engine whose parameter group can require TLS 1.2"
    ]


def appgw_listeners(v: ResourceView) -> list[str]:
    """A plain Http listener is allowed only when every routing rule on it redirects (to HTTPS)."""
    rules = [r for r in v.input("requestRoutingRules") or [] if isinstance(r, dict)]
    out = []
    for ln in v.input("httpListeners") or []:
        if not isinstance(ln, dict) or str(ln.get("protocol", "")).lower() == "https":
            continue
        name = ln.get("name")
        on = [
            r for r in rules if str(get_path(r, "httpListener.id") or "").endswith(f"/httpListeners/{name}")
        ]
        if any(
            not r.get("redirectConfiguration") or r.get("backendAddressPool") or r.get("urlPathMap")
            for r in on
        ):
            out.append(
                f"http listener {name!r} ({ln.get('protocol')!r}) routes traffic without TLS; only a "
                "redirect to an Https listener is allowed"
            )
    # Round 95: the v2 gateway's layer-4 proxy (`listeners`, apart from `httpListeners`): Tcp passes the
    # connection on without TLS at the gateway, so no version is enforced on that path.
    out.extend(
        f"layer-4 listener {ln.get('name')!r} has protocol {ln.get('protocol')!r}: the gateway passes the "
        "connection on without TLS; use protocol Tls (the gateway's or an SSL profile's TLS 1.2 policy)"
        for ln in v.input("listeners") or []
        if not isinstance(ln, dict) or str(ln.get("protocol", "")).lower() != "tls"
    )
    return out


def appgw_profiles(v: ResourceView, judge: Callable[[str, object], list[str]]) -> list[str]:
    """Round 95: each SSL profile's own policy (`judge`d as the gateway's): a listener taking the profile
    negotiates by it instead of the gateway's `sslPolicy`; a profile without a policy uses the gateway's."""
    profiles = v.input("sslProfiles") or []
    if is_unknown(profiles) or not isinstance(profiles, list):
        return [unknown_message("sslProfiles", "the TLS versions of the SSL profiles")]
    return [
        m
        for i, prof in enumerate(profiles)
        if isinstance(prof, dict) and prof.get("sslPolicy") is not None
        for m in judge(f"sslProfiles[{i}].sslPolicy ({prof.get('name')})", prof["sslPolicy"])
    ]


def setting_off(fld: str, keys: tuple[str, ...], what: str):
    """A dict of settings (e.g. API Management customProperties) where a protocol switch must not be on."""

    def judge(v: ResourceView) -> list[str]:
        props = v.input(fld) or {}
        if is_unknown(props) or not isinstance(props, dict):
            return [unknown_message(fld, "the TLS versions")]
        return [
            f"`{fld}` turns on {k.rsplit('.', 2)[-2]}.{k.rsplit('.', 1)[-1]} ({what})"
            for k, val in props.items()
            if k.endswith(keys) and str(val).lower() == "true"
        ]

    return judge


def serves_no_data(actions: Any) -> bool:
    """Every action redirects to HTTPS or answers a fixed response from the configuration (what a plain-text
    listener or rule may do: neither passes a request to a target nor a target's answer back)."""
    return (
        isinstance(actions, list)
        and bool(actions)
        and all(
            isinstance(a, dict)
            and (
                (a.get("type") == "redirect" and get_path(a, "redirect.protocol") == "HTTPS")
                or a.get("type") == "fixed-response"
            )
            for a in actions
        )
    )


_LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
_LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")


def listener_rules(graph: StackGraph) -> list[tuple[str, str]]:
    """Rules on a plain listener serve traffic without TLS unless they only redirect to HTTPS or answer a
    fixed response; a rule whose listener is not in the stack cannot be judged."""
    out = []
    for r in graph.by_type(*_LISTENER_RULES):
        listeners = [x for x in graph.dependency_of(r, "listenerArn") if x.type in _LISTENERS]
        if not listeners:
            out.append(
                (r.urn, "the rule's listener is not in this stack, so whether it serves TLS cannot be judged")
            )
            continue
        if listeners[0].input("protocol") in ("HTTPS", "TLS"):
            continue
        if not serves_no_data(r.input("actions")):
            out.append(
                (
                    r.urn,
                    f"the rule on plain listener {listeners[0].name} forwards traffic without TLS; "
                    "only an HTTP→HTTPS redirect or a fixed response is allowed there",
                )
            )
    return out


# A database's TLS setting lives in its parameter group: (database type, field) -> the group's type.
PARAMETER_GROUPS: dict[tuple[str, str], str] = {
    ("aws:rds/instance:Instance", "parameterGroupName"): "aws:rds/parameterGroup:ParameterGroup",
    (
        "aws:rds/cluster:Cluster",
        "dbClusterParameterGroupName",
    ): "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    (
        "aws:docdb/cluster:Cluster",
        "dbClusterParameterGroupName",
    ): "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    (
        "aws:redshift/cluster:Cluster",
        "clusterParameterGroupName",
    ): "aws:redshift/parameterGroup:ParameterGroup",
}


def undeclared_groups(graph: StackGraph) -> list[tuple[str, str]]:
    """A database naming its parameter group by a literal string uses the group of the stack with that
    physical name (`name`), judged by require-tls-1-2; a name no group of the stack has is a group made by
    hand, whose TLS settings cannot be read (round 15). The engine's default group is require-tls-1-2's."""
    out = []
    for (type_, fld), group_type in PARAMETER_GROUPS.items():
        for db in graph.by_type(type_):
            if any(g.type == group_type for g in graph.dependency_of(db, fld)):
                continue
            name = db.input(fld)
            if is_unknown(name):
                out.append((db.urn, unknown_message(fld, "the TLS settings of its parameter group")))
                continue
            if not isinstance(name, str) or not name or name.startswith("default."):
                continue
            if not any(g.input("name") == name for g in graph.by_type(group_type)):
                out.append(
                    (
                        db.urn,
                        f"`{fld}` names {name!r}, a parameter group this stack does not declare: its TLS "
                        "settings cannot be judged; declare the group in the stack (and pass it, or its "
                        "exact `name`)",
                    )
                )
    return out
