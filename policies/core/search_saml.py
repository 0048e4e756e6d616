"""OpenSearch Dashboards signing people in through SAML (round 30): whether they show a second factor is the
identity provider's setting, outside the program, as for Client VPN (round 26). The IdP's entity ID must be
declared in the stack's PIA record as enforcing MFA (`saml_providers_mfa`, its `provider` the entity ID)."""

from __future__ import annotations

from typing import Any

from policies.core.client_vpn import RECORD_KEY, declared_saml
from policies.core.view import StackGraph, get_path, is_unknown, unknown_message

SAML_OPTIONS = (
    "aws:opensearch/domainSamlOptions:DomainSamlOptions",
    "aws:elasticsearch/domainSamlOptions:DomainSamlOptions",
)
CONTROLS = SAML_OPTIONS
_HOW = (
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
                    f"factor is set at the identity provider, outside the program; {_HOW}",
                )
            )
    return out
