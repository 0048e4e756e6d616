"""Parties a policy lets in through a `Federated` or `Service` principal rather than an account (round 33).

A role trust that federates an OIDC issuer without pinning the token's subject lets every subject that issuer
signs for act as the role: any repository on GitHub, any project on GitLab, any service account of a cluster,
anybody's, from wherever it runs. And a policy that lets a global edge service's principal in (CloudFront's
origin access control, Lambda@Edge) has the data served or processed at edge locations worldwide, by the
stack's distribution or, without a source condition, by any account's. Both are sites the pack cannot place
(kind `site`, judged by disallow-non-eea-replication). A CI service's token with a pinned subject names whose
pipeline acts (`repo:<owner>/…`): kind `subject`, which must start with a prefix declared in the endpoints
record (`subjects:`), in a role trust and in an Azure or Entra federated credential alike.
"""

from __future__ import annotations

import re
from typing import Any

from policies.core.documents import json_doc
from policies.core.iam.statements import condition_values, oidc_issuers, pinned, principals, trust_kind
from policies.core.view import ResourceView, is_unknown

Found = tuple[str, str, str]  # (path, kind, value)
# Service principals of global edge services: what they read is served or run at edge locations worldwide.
EDGE_SERVICES: dict[str, str] = {
    "cloudfront.amazonaws.com": "CloudFront (served from edge locations worldwide)",
    "edgelambda.amazonaws.com": "Lambda@Edge (run at edge locations worldwide)",
}
_ROLE = "aws:iam/role:Role"
# Issuers of CI services (round 33): their tokens come from the service, not from where a workload runs, and
# their subject names whose pipeline it is (`repo:<owner>/…`, `project_path:<group>/…`, `sc://<org>/…`): that
# owner must be declared (`subjects:` in stacks/records/endpoints.yaml). GitHub Actions (also an enterprise's
# customised issuer), GitLab.com, Azure DevOps (one organisation's issuer).
CI_ISSUERS = re.compile(
    r"^(https://)?(token\.actions\.githubusercontent\.com(/[\w.-]+)?|gitlab\.com|vstoken\.dev\.azure\.com"
    r"/[\w-]+)/?$", re.I)
# Entra token issuers: the tenant is judged (policies/core/bare_parties.py), the subject is its object id.
ENTRA_ISSUERS = re.compile(r"^https://(login\.microsoftonline\.com/[\w.-]+(/v2\.0)?|sts\.windows\.net/[\w.-]+)/?$",
                           re.I)
# Federated credentials: (issuer input, subject input).
CREDENTIALS = frozenset({
    "azure-native:managedidentity:FederatedIdentityCredential",
    "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential"})
_UNPINNED = (
    "the trust federates {issuer} without pinning `{issuer}:sub` to exact values (StringEquals, or "
    "StringLike without wildcards), so every subject that issuer signs for (any repository, project or "
    "service account, anybody's) acts as the role from wherever it runs; pin the subject to the stack's own "
    "pipeline or workload")
_EDGE = (
    "a policy statement lets the service principal {service} in: {why}, outside any region the pack can "
    "judge; serve the data from a regional endpoint of the stack instead")


def trust_parties(view: ResourceView) -> list[Found]:
    """Sites an AWS resource's policies open through a Federated or Service principal."""
    if not view.type.startswith("aws:"):
        return []
    out: list[Found] = []
    principal = view.input("principal")  # a Lambda permission, an SNS/SQS permission: one principal
    if isinstance(principal, str) and principal.strip().lower() in EDGE_SERVICES:
        service = principal.strip().lower()
        out.append(("principal", "site", _EDGE.format(service=service, why=EDGE_SERVICES[service])))
    for path, st in _statements(view.inputs, ""):
        if str(st.get("Effect", "")).lower() != "allow":
            continue
        for service in principals(st).get("Service", ()):
            if service.strip().lower() in EDGE_SERVICES:
                s = service.strip().lower()
                out.append((path, "site", _EDGE.format(service=s, why=EDGE_SERVICES[s])))
        if view.type == _ROLE and trust_kind(st) == "pipeline":
            out += [(path, "site", _UNPINNED.format(issuer=i)) for i in oidc_issuers(st)
                    if not pinned(st, f"{i}:sub")]
            out += [(path, "subject", s) for i in oidc_issuers(st) if CI_ISSUERS.match(i)
                    and pinned(st, f"{i}:sub") for s in condition_values(st, f"{i}:sub")]
    return out


def credential_subjects(view: ResourceView) -> list[Found]:
    """The subject of a federated credential trusting a CI service's issuer (whose pipeline acts)."""
    if view.type not in CREDENTIALS:  # before reading any input: asked of every Azure view (round 28)
        return []
    issuer, subject = view.input("issuer"), view.input("subject")
    if not isinstance(issuer, str) or not CI_ISSUERS.match(issuer.strip()):
        return []
    if is_unknown(subject) or not isinstance(subject, str):
        return [("subject", "unknown", "")]
    return [("subject", "subject", subject.strip())]


def subject_problem(path: str, subject: str) -> str:
    return (f"`{path}` lets the CI pipeline of subject {subject!r} act with this identity: its owner (an "
            "organisation, group or project of the CI service) runs it with the identity's access from "
            "wherever its runners are, and is not declared; declare the owner's subject prefix (subjects: "
            "['repo:<owner>/'], ['project_path:<group>/'], ['sc://<org>/']) with its jurisdiction in "
            "stacks/records/endpoints.yaml")



def _statements(value: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    """(path, statement) of every policy document in the inputs, at any depth, also in JSON strings."""
    if isinstance(value, str):
        s = value.strip()
        if s[:1] != "{" or "Statement" not in s or is_unknown(s):
            return []
        doc = json_doc(s)
        return _statements(doc, path) if isinstance(doc, dict) else []
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _statements(v, f"{path}.{i}")]
    if not isinstance(value, dict):
        return []
    st = value.get("Statement")
    if st is not None:
        items = st if isinstance(st, list) else [st]
        return [(path, s) for s in items if isinstance(s, dict)]
    return [f for k, v in value.items() for f in _statements(v, f"{path}.{k}" if path else str(k))]
