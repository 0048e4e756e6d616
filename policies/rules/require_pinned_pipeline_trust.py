"""Pipelines federated through OIDC may assume a role only from one pinned subject and audience: without
them any repository or workflow of the identity provider could deploy (DPA annex 3 a.i.3, b.iii.3: dedicated
credentials per component; least privilege). A machine cannot present MFA, so none is required here."""

from __future__ import annotations

from policies.core.iam.statements import condition_values, oidc_issuers, pinned, trust_kind
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph, is_unknown, json_document, unknown_message
from policies.data.oidc_issuers import TRUSTED_ISSUERS, trusted

FEDERATED_CREDENTIAL = "azure-native:managedidentity:FederatedIdentityCredential"
APP_CREDENTIAL = "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential"
# GitHub's subject for pull_request workflows: any branch's pull request (unreviewed code) gets it.
UNREVIEWED = ":pull_request"
FLEXIBLE_CREDENTIAL = (
    "azuread:index/applicationFlexibleFederatedIdentityCredential:"
    "ApplicationFlexibleFederatedIdentityCredential"
)


def _role(view: ResourceView) -> list[str]:
    doc, err = json_document(view.input("assumeRolePolicy"))
    if err == "unknown":
        return [unknown_message("assumeRolePolicy", "who may assume the role")]
    stmts = doc.get("Statement") if isinstance(doc, dict) else None
    out = []
    for i, s in enumerate(stmts if isinstance(stmts, list) else [stmts]):
        if not isinstance(s, dict) or trust_kind(s) != "pipeline":
            continue
        for issuer in oidc_issuers(s):
            if not trusted(issuer):
                out.append(f"trust statement {i} federates {issuer}: {_UNTRUSTED_WHY}")
            for key in ("sub", "aud"):
                if not pinned(s, f"{issuer}:{key}"):
                    out.append(
                        f"trust statement {i} federates {issuer} without pinning `{issuer}:{key}` to exact "
                        "values (StringEquals, or StringLike without wildcards)"
                    )
            subjects = condition_values(s, f"{issuer}:sub")
            out.extend(
                f"trust statement {i} admits the subject {v!r}: {_UNREVIEWED_WHY}"
                for v in subjects
                if v.endswith(UNREVIEWED)
            )
    return out


_UNTRUSTED_WHY = (
    "not a trusted pipeline issuer, so it may sign any subject (trusted: "
    f"{', '.join(sorted(TRUSTED_ISSUERS))}; policies/data/oidc_issuers.py)"
)
_UNREVIEWED_WHY = (
    "every pull request of any branch gets it, before review; pin a protected branch or environment"
)


def _federated_credential(view: ResourceView) -> list[str]:
    subject, audiences, issuer = view.input("subject"), view.input("audiences"), view.input("issuer")
    if is_unknown(subject) or is_unknown(audiences) or is_unknown(issuer):
        return [unknown_message("issuer/subject/audiences", "which pipeline may sign in")]
    out = []
    if not isinstance(issuer, str) or not trusted(issuer):
        out.append(f"`issuer` is {issuer!r}: {_UNTRUSTED_WHY}")
    if not isinstance(subject, str) or not subject or any(c in subject for c in "*?"):
        out.append(f"`subject` is {subject!r}; pin it to one repository/environment")
    elif subject.lower().endswith(UNREVIEWED):
        out.append(f"`subject` is {subject!r}: {_UNREVIEWED_WHY}")
    if not audiences:
        out.append("`audiences` is empty; pin it to api://AzureADTokenExchange")
    return out


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    """Judged over the graph: a per-resource policy would cost a call for every resource of the stack."""
    out = [(r.urn, m) for r in graph.by_type("aws:iam/role:Role") for m in _role(r)]
    out.extend(
        (r.urn, m)
        for r in graph.by_type(FEDERATED_CREDENTIAL, APP_CREDENTIAL)
        for m in _federated_credential(r)
    )
    out.extend(
        (
            r.urn,
            "a flexible federated credential matches subjects by expression (wildcards): which pipeline "
            "may sign in cannot be pinned; use a federated credential with one exact subject",
        )
        for r in graph.by_type(FLEXIBLE_CREDENTIAL)
    )
    return out


RULE = Rule(
    id="require-pinned-pipeline-trust",
    title="Every pipeline identity is federated for one pinned subject and audience.",
    severity="critical",
    remediation="Add StringEquals conditions on `<issuer>:sub` (repo:<org>/<repo>:environment:<env>) and "
    "`<issuer>:aud` (sts.amazonaws.com) to OIDC trust statements; set subject and audiences on Azure "
    "federated identity credentials.",
    controls=("IAM-04", "IAM-02"),
    check=check,
    module=__name__,
    scope="stack",
)
