"""TLS at Azure Front Door (require-tls-1-2, round 10): what a custom domain accepts from clients and how a
route reaches the origin. CloudFront's twin is `tls_policies.cloudfront`. Front Door is a global service
(the residency pack blocks it in these stacks); a program that uses it is still judged here."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.view import ResourceView, unknown_message

_OLD_SUITES = ("TLS10_2019",)  # Front Door's cipher suite set that admits TLS 1.0 and 1.1


def afd_custom_domain(v: ResourceView) -> list[str]:
    """`tlsSettings.minimumTlsVersion` TLS12/TLS13 (absent: TLS12) and no TLS 1.0 cipher suite set."""
    if unknown := v.unknowns("tlsSettings"):
        return [unknown_message(unknown[0], "the TLS settings")]
    version, suites = v.get("tlsSettings.minimumTlsVersion"), v.get("tlsSettings.cipherSuiteSetType")
    out = []
    if version is not None and version not in ("TLS12", "TLS13"):
        out.append(f"`tlsSettings.minimumTlsVersion` is {version!r}: clients may connect below TLS 1.2")
    if suites in _OLD_SUITES:
        out.append(
            f"`tlsSettings.cipherSuiteSetType` is {suites!r}: it admits TLS 1.0 and 1.1 (use TLS12_2023)"
        )
    return out


def afd_route(v: ResourceView) -> list[str]:
    """HTTPS to the origin (`forwardingProtocol` HttpsOnly, or MatchRequest when clients only reach it over
    HTTPS), and HTTP from clients only redirected (`httpsRedirect` Enabled)."""
    if unknown := v.unknowns("forwardingProtocol", "supportedProtocols", "httpsRedirect"):
        return [unknown_message(unknown[0], "the protocols of the route")]
    forwarding = v.input("forwardingProtocol") or "MatchRequest"
    protocols = v.input("supportedProtocols") or ["Http", "Https"]
    http_in = "Http" in protocols and v.input("httpsRedirect") != "Enabled"
    out = []
    if http_in:
        out.append("the route accepts plain HTTP from clients without `httpsRedirect` Enabled")
    if forwarding == "HttpOnly" or (forwarding == "MatchRequest" and http_in):
        out.append(
            f"`forwardingProtocol` is {forwarding!r}: requests reach the origin over plain HTTP "
            "(use HttpsOnly)"
        )
    return out


TLS_CHECKS: dict[str, Callable[[ResourceView], list[str]]] = {
    "azure-native:cdn:AFDCustomDomain": afd_custom_domain,
    "azure-native:cdn:Route": afd_route,
}
