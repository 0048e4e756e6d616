"""TLS between parties and HTTPS between components, never below TLS 1.2 (DPA annex 3 a.ii, b.v)."""

from __future__ import annotations

from typing import Any

from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, get_path, is_unknown, unknown_message

_TLS12_POLICY_MARKERS = ("TLS13", "TLS-1-2", "FS-1-2", "TLS12")
_OLD = ("TLSv1,", "TLSv1.1", "1.0", "1.1")


def _listener(v: ResourceView) -> list[str]:
    proto = v.input("protocol")
    if is_unknown(proto):
        return [unknown_message("protocol", "the listener's transport security")]
    if proto in ("HTTPS", "TLS"):
        pol = v.input("sslPolicy")
        if is_unknown(pol):
            return [unknown_message("sslPolicy", "the TLS version")]
        if not isinstance(pol, str) or not any(m in pol for m in _TLS12_POLICY_MARKERS):
            return [
                f"`sslPolicy` is {pol!r}; use a policy without TLS 1.0/1.1 "
                "(e.g. ELBSecurityPolicy-TLS13-1-2-2021-06)"
            ]
        return []
    actions = v.input("defaultActions")
    if (
        isinstance(actions, list)
        and actions
        and all(
            isinstance(a, dict)
            and a.get("type") == "redirect"
            and get_path(a, "redirect.protocol") == "HTTPS"
            for a in actions
        )
    ):
        return []
    return [f"listener protocol {proto!r} serves traffic without TLS; only an HTTP→HTTPS redirect is allowed"]


def _equals(v: ResourceView, field: str, good: tuple[Any, ...], default_ok: bool = False) -> list[str]:
    value = v.get(field)
    if is_unknown(value):
        return [unknown_message(field, "the TLS setting")]
    if value is None and default_ok:
        return []
    if value not in good:
        return [f"`{field}` is {value!r}; expected {' or '.join(repr(g) for g in good)}"]
    return []


def _mysql_params(v: ResourceView) -> list[str]:
    family = v.input("family")
    if not isinstance(family, str) or not family.startswith(("mysql", "mariadb")):
        return []
    params = {p.get("name"): p.get("value") for p in v.input("parameters") or [] if isinstance(p, dict)}
    out = []
    if str(params.get("require_secure_transport", "")).upper() not in ("ON", "1"):
        out.append("parameter `require_secure_transport` must be ON")
    tls = params.get("tls_version")
    if tls is None or any(o in f"{tls}," for o in _OLD):
        out.append(f"parameter `tls_version` is {tls!r}; allow only TLSv1.2,TLSv1.3")
    return out


CHECKS: dict[str, Any] = {
    "aws:lb/listener:Listener": _listener,
    "aws:lb/targetGroup:TargetGroup": lambda v: (
        _equals(v, "protocol", ("HTTPS", "TLS", "GENEVE")) if v.input("targetType") != "lambda" else []
    ),
    "aws:elasticache/cluster:Cluster": lambda v: _equals(v, "transitEncryptionEnabled", (True,)),
    "aws:elasticache/replicationGroup:ReplicationGroup": lambda v: _equals(
        v, "transitEncryptionEnabled", (True,)
    ),
    "aws:rds/parameterGroup:ParameterGroup": _mysql_params,
    "azure-native:storage:StorageAccount": lambda v: (
        _equals(v, "minimumTlsVersion", ("TLS1_2", "TLS1_3"))
        + _equals(v, "enableHttpsTrafficOnly", (True,), default_ok=True)
    ),
    "azure-native:sql:Server": lambda v: _equals(v, "minimalTlsVersion", ("1.2", "1.3")),
    "azure-native:cache:Redis": lambda v: (
        _equals(v, "minimumTlsVersion", ("1.2", "1.3"))
        + _equals(v, "enableNonSslPort", (False,), default_ok=True)
    ),
    "azure-native:documentdb:DatabaseAccount": lambda v: _equals(v, "minimalTlsVersion", ("Tls12", "Tls13")),
    "azure-native:servicebus:Namespace": lambda v: _equals(v, "minimumTlsVersion", ("1.2", "1.3")),
    "azure-native:eventhub:Namespace": lambda v: _equals(v, "minimumTlsVersion", ("1.2", "1.3")),
    "azure-native:web:WebApp": lambda v: (
        _equals(v, "siteConfig.minTlsVersion", ("1.2", "1.3")) + _equals(v, "httpsOnly", (True,))
    ),
}


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    fn = CHECKS.get(view.type)
    return fn(view) if fn else []


RULE = Rule(
    id="require-tls-1-2",
    title="Every endpoint and link between components uses TLS 1.2 or newer.",
    severity="high",
    remediation="Set the TLS policy/minimum version to 1.2+ (ELBSecurityPolicy-TLS13-1-2-2021-06, TLS1_2, "
    "'1.2'), HTTPS target groups, in-transit encryption for caches, HTTP only as redirect to "
    "HTTPS.",
    controls=("ENC-05", "SYS-05"),
    check=check,
    module=__name__,
    resource_types=frozenset(CHECKS),
)
