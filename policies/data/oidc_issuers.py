"""OIDC issuers a pipeline identity may be federated with: pure data, read by require-pinned-pipeline-trust.

A pinned `sub`/`aud` only means something if the issuer is one the project trusts to state them: an
identity provider the attacker runs (or Google/Facebook/Amazon web identity, which are people) signs any
subject it likes. Issuers are compared as `https://<host>[/<path>]`, lower case, without a trailing slash
(an AWS OIDC provider ARN names the same string after `oidc-provider/`).

To federate another issuer, add it here with who runs it, in a reviewed change. Issuers that a platform
runs per organisation or cluster (round 11) are trusted by their URL's shape: the platform signs only the
subjects of that organisation or cluster, so the id in the URL pins whose pipeline it is, as `repo:<org>/…`
does in GitHub's subject (the subject still has to be exact).
"""

from __future__ import annotations

import re

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


_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TRUSTED_ISSUER_PATTERNS: dict[str, str] = {
    rf"https://vstoken\.dev\.azure\.com/{_UUID}": "Azure DevOps (Microsoft), one organisation",
    r"https://oidc\.eks\.[a-z]{2}(-gov)?-[a-z]+-\d\.amazonaws\.com/id/[0-9a-f]{32}": "Amazon EKS, a cluster",
    rf"https://[a-z0-9-]+\.oic\.prod-aks\.azure\.com/{_UUID}/{_UUID}": "Azure Kubernetes Service, a cluster",
}
_PATTERNS = tuple(re.compile(p) for p in TRUSTED_ISSUER_PATTERNS)


def trusted(issuer: str) -> bool:
    value = normalise(issuer)
    return value in TRUSTED_ISSUERS or any(p.fullmatch(value) for p in _PATTERNS)
