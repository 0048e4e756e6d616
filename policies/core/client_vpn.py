"""AWS Client VPN endpoints (round 26): people reach the private subnets (the databases) through them, so
how they sign in and whether their connections are recorded are PIA conditions.

Sign-in: a client certificate is a file that can be copied and a directory password is one factor, so only
federated (SAML) sign-in can carry a second factor, and whether it does is the identity provider's setting,
outside the program: the SAML provider must be declared in the stack's PIA record as one that enforces MFA
(`saml_providers_mfa`, like `identity_center_mfa`). Connections are logged to a log group of the stack kept
as long as any audit log. The tunnel's TLS is the service's (no version setting exists)."""

from __future__ import annotations

from typing import Any

from policies.core.accounts import aws_account
from policies.core.session_prefs import kept_problems, stack_log_group
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

ENDPOINT = "aws:ec2clientvpn/endpoint:Endpoint"
AUTH_RULE = "aws:ec2clientvpn/authorizationRule:AuthorizationRule"
CONTROLS = (ENDPOINT, AUTH_RULE)
SAML_PROVIDER = "aws:iam/samlProvider:SamlProvider"
FEDERATED = "federated-authentication"
RECORD_KEY = "saml_providers_mfa"
_HOW = (
    f"record it in the stack's PIA record ({RECORD_KEY}: [{{provider: <SAML provider ARN>, idp: <which>, "
    "mfa: enforced, how: <the IdP policy that asks for it>, verified_on: YYYY-MM-DD}])"
)


def declared_saml(entries: list[dict[str, Any]]) -> frozenset[str]:
    """SAML provider ARNs the PIA record declares as enforcing MFA."""
    return frozenset(str(e.get("provider")) for e in entries if e.get("mfa") == "enforced")


def _provider_arns(graph: StackGraph, e: ResourceView, option: dict[str, Any]) -> set[str]:
    """The ARNs an option's SAML provider may have: the literal, and a fed-in SAML provider's of the stack."""
    arns = {v} if isinstance(v := option.get("samlProviderArn"), str) and not is_unknown(v) else set()
    for p in graph.dependency_of(e, "authenticationOptions"):
        account, name = aws_account(p.provider)[0], p.input("name")
        if p.type == SAML_PROVIDER and account and isinstance(name, str) and not is_unknown(name):
            arns.add(f"arn:aws:iam::{account}:saml-provider/{name}")
    return arns


def _sign_in(graph: StackGraph, e: ResourceView, declared: frozenset[str]) -> list[str]:
    options = e.input("authenticationOptions")
    if is_unknown(options) or not isinstance(options, list) or not options:
        return [unknown_message("authenticationOptions", "how people sign in to the VPN")]
    types = [o.get("type") if isinstance(o, dict) else None for o in options]
    if FEDERATED not in types:
        return [
            f"the Client VPN endpoint signs people in by {', '.join(map(str, types))} alone: a client "
            "certificate is a file that can be copied and a directory password is one factor, so nobody "
            f"shows a second factor; add {FEDERATED} with a SAML provider that enforces MFA, and {_HOW}"
        ]
    out = []
    for o in options:
        if isinstance(o, dict) and o.get("type") == FEDERATED and not _provider_arns(graph, e, o) & declared:
            arn = o.get("samlProviderArn")
            out.append(
                f"the SAML provider {arn!r} is not declared in the stack's PIA record as an identity "
                "provider that enforces MFA: whether people sign in to the VPN with a second factor is "
                f"set at the identity provider, outside the program; {_HOW}"
            )
    return out


def sign_in_problems(graph: StackGraph, entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Endpoints that let people in without a second factor shown; rules of endpoints outside the stack."""
    declared = declared_saml(entries)
    out = [(e.urn, m) for e in graph.by_type(ENDPOINT) for m in _sign_in(graph, e, declared)]
    out.extend(
        (
            r.urn,
            "the authorisation rule opens networks to a Client VPN endpoint the stack does not declare: how "
            "its people sign in cannot be judged; feed `clientVpnEndpointId` from an endpoint of the stack",
        )
        for r in graph.by_type(AUTH_RULE)
        if not any(d.type == ENDPOINT for d in graph.dependency_of(r, "clientVpnEndpointId"))
    )
    return out


def connection_log_problems(graph: StackGraph, minimum: int) -> list[tuple[str, str]]:
    """Every endpoint logs its connections to a log group of the stack kept at least `minimum` days."""
    out: list[tuple[str, str]] = []
    for e in graph.by_type(ENDPOINT):
        opts = e.input("connectionLogOptions")
        if is_unknown(opts) or (isinstance(opts, dict) and is_unknown(opts.get("enabled"))):
            out.append((e.urn, unknown_message("connectionLogOptions", "whether connections are logged")))
            continue
        opts = opts if isinstance(opts, dict) else {}
        name = opts.get("cloudwatchLogGroup")
        g = stack_log_group(e, graph, name, "connectionLogOptions") if opts.get("enabled") is True else None
        if g is None:
            out.append(
                (
                    e.urn,
                    "the Client VPN endpoint does not log its connections to a log group of the stack "
                    f"(connectionLogOptions: enabled {opts.get('enabled')!r}, group {name!r}): who reached "
                    "the private networks, when and from where is not kept; enable it with a log group the "
                    "stack declares",
                )
            )
            continue
        out.extend(kept_problems(g, minimum, "Client VPN connections (who reached the private networks)"))
    return out
