"""OIDC issuers a pipeline identity may be federated with: pure data, read by require-pinned-pipeline-trust.

A pinned `sub`/`aud` only means something if the issuer is one the project trusts to state them: an
identity provider the attacker runs (or Google/Facebook/Amazon web identity, which are people) signs any
subject it likes. Issuers are compared as `https://<host>[/<path>]`, lower case, without a trailing slash
(an AWS OIDC provider ARN names the same string after `oidc-provider/`).

To federate another issuer (for example an Azure DevOps organisation,
`https://vstoken.dev.azure.com/<organization id>`), add it here with who runs it, in a reviewed change.
"""

from __future__ import annotations

TRUSTED_ISSUERS: dict[str, str] = {
    "https://token.actions.githubusercontent.com": "GitHub Actions (the project's CI)",
    "https://gitlab.com": "GitLab.com CI/CD (the project's GitLab pipelines)",
}


def normalise(issuer: str) -> str:
    """`https://host/path` in lower case without trailing slash; a bare host or an AWS provider ARN's tail
    (`token.actions.githubusercontent.com`) gets the scheme AWS implies."""
    value = issuer.strip().rstrip("/")
    lower = value.lower()
    if not lower.startswith(("https://", "http://")):
        lower = "https://" + lower
    return lower


def trusted(issuer: str) -> bool:
    return normalise(issuer) in TRUSTED_ISSUERS
