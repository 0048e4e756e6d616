"""OpenSearch Dashboards signing people in through SAML (round 30): whether they show a second factor is the
identity provider's setting, outside the program, as for Client VPN (round 26). The IdP's entity ID must be
declared in the stack's PIA record as enforcing MFA (`saml_providers_mfa`, its `provider` the entity ID).

Round 44: OpenSearch Serverless signs people in through a security config: `saml` (the entity ID read from
its IdP metadata, declared as above), `iamidentitycenter` (its instance's MFA stated in the record,
`identity_center_mfa`, as for permission sets) or `iamfederation` (IAM's federation with an IdP the config
does not name: unjudged, so it blocks)."""

from __future__ import annotations

import re
from typing import Any

from policies.core.client_vpn import RECORD_KEY, declared_saml
from policies.core.iam.identity_center import recorded
from policies.core.view import StackGraph, get_path, is_unknown, unknown_message

SAML_OPTIONS = (
    "aws:opensearch/domainSamlOptions:DomainSamlOptions",
    "aws:elasticsearch/domainSamlOptions:DomainSamlOptions",
)
SERVERLESS_CONFIG = "aws:opensearch/serverlessSecurityConfig:ServerlessSecurityConfig"
CONTROLS = (*SAML_OPTIONS, SERVERLESS_CONFIG)
ENTITY = re.compile(r"""entityID\s*=\s*["']([^"']+)["']""")
HOW = (
    f"record the IdP in the stack's PIA record ({RECORD_KEY}: [{{provider: <the IdP's entity ID>, "
    "idp: <which>, mfa: enforced, how: <the IdP policy that asks for it>, verified_on: YYYY-MM-DD}])"
)


def search_saml_sign_ins(graph: StackGraph, entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """SAML options of search domains whose identity provider is not declared as enforcing MFA."""
    declared = declared_saml(entries)
    out: list[tuple[str, str]] = []
    for o in graph.by_type(*SAML_OPTIONS):
        on, entity = get_path(o.inputs, "samlOptions.enabled"), get_path(o.inputs, "samlOptions.idp.entityId")
        if is_unknown(on) or (on is True and is_unknown(entity)):
            out.append((o.urn, unknown_message("samlOptions", "which identity provider signs people in")))
        elif on is True and entity not in declared:
            out.append(
                (
                    o.urn,
                    f"Dashboards sign people in through the SAML identity provider {entity!r}, which is "
                    "not declared in the stack's PIA record as enforcing MFA: whether they show a second "
                    f"factor is set at the identity provider, outside the program; {HOW}",
                )
            )
    return out


def _serverless_gap(c: Any, declared: frozenset[str], ic_entries: list[dict[str, Any]]) -> str | None:
    """Why people signed in through an OpenSearch Serverless security config are not shown to use MFA."""
    kind = c.input("type")
    if kind == "saml":
        metadata = get_path(c.inputs, "samlOptions.metadata")
        found = ENTITY.search(metadata) if isinstance(metadata, str) and not is_unknown(metadata) else None
        if found is None:
            return unknown_message("samlOptions.metadata", "which identity provider signs people in")
        if found.group(1) in declared:
            return None
        return (
            f"OpenSearch Serverless signs people in through the SAML identity provider {found.group(1)!r}, "
            "which is not declared in the stack's PIA record as enforcing MFA; " + HOW
        )
    if kind == "iamidentitycenter":
        instance = get_path(c.inputs, "iamIdentityCenterOptions.instanceArn")
        if not isinstance(instance, str) or is_unknown(instance):
            return unknown_message("iamIdentityCenterOptions.instanceArn", "which instance signs people in")
        if recorded(ic_entries, instance):
            return None
        return (
            f"OpenSearch Serverless signs people in through IAM Identity Center instance {instance}, whose "
            "MFA the stack's PIA record does not state (identity_center_mfa: [{instance, mfa, verified_on}])"
        )
    return (
        f"a security config of type {kind!r} signs people in through an identity provider the program does "
        "not name, so their second factor cannot be judged: use saml or iamidentitycenter"
    )


def serverless_sign_ins(
    graph: StackGraph, entries: list[dict[str, Any]], ic_entries: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """OpenSearch Serverless security configs whose people are not shown to use MFA."""
    declared = declared_saml(entries)
    return [
        (c.urn, gap)
        for c in graph.by_type(SERVERLESS_CONFIG)
        if (gap := _serverless_gap(c, declared, ic_entries))
    ]
