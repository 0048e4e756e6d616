"""AWS Verified Access (round 26): people reach internal applications (the DBAs' tools) through it, with no
VPN, when a Cedar policy of the group (or endpoint) permits them on the trust data of the instance's one
user trust provider. A second factor is shown either by the provider itself — IAM Identity Center, whose MFA
the PIA record states per instance (`identity_center_mfa`; round 44: the statement of the account's one
instance, `identity_center.account_instance_problem`) — or, for an OIDC provider, by the policy: every
`permit` must require `context.<ref>.amr.contains("mfa")` under `&&` (under `||` a password alone passes), or
a `forbid … unless { … }` must refuse everything else. Other spellings of the same test are read (round 29):
`context.<ref>["amr"]`, `.containsAll([… "mfa" …])` (every listed method, so MFA too) and
`.containsAny(["mfa"])` listing nothing but "mfa"; `containsAny` with any other method is met by that method
alone (a password), and other claims (Entra's `acrs` authentication contexts, custom claims) are defined
outside the program: they do not count. Device posture is not a PIA condition and is not required. Access
logs go to a log group of the stack kept as long as any audit log."""

from __future__ import annotations

import re
from typing import Any

from policies.core.iam.identity_center import account_instance_problem
from policies.core.session_prefs import kept_problems, stack_log_group
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

INSTANCE = "aws:verifiedaccess/instance:Instance"
PROVIDER = "aws:verifiedaccess/trustProvider:TrustProvider"
ATTACHMENT = "aws:verifiedaccess/instanceTrustProviderAttachment:InstanceTrustProviderAttachment"
GROUP = "aws:verifiedaccess/group:Group"
ENDPOINT = "aws:verifiedaccess/endpoint:Endpoint"
LOGGING = "aws:verifiedaccess/instanceLoggingConfiguration:InstanceLoggingConfiguration"
CONTROLS = (INSTANCE, PROVIDER, ATTACHMENT, GROUP, ENDPOINT, LOGGING)
_OPEN, _CLOSE = "([{", ")]}"
INSTANCE_ID, GROUP_ID = "verifiedaccessInstanceId", "verifiedAccessGroupId"


def _top(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside brackets and string literals."""
    parts, depth, start, i, quoted = [], 0, 0, 0, False
    while i < len(text):
        c = text[i]
        if quoted:
            i += 2 if c == "\\" else 1
            quoted = quoted and c != '"'
            continue
        if depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i = i + len(sep)
            continue
        quoted = c == '"'
        depth += (c in _OPEN) - (c in _CLOSE)
        i += 1
    return [*parts, text[start:]]


def _bare(expr: str) -> str:
    expr = expr.strip()
    while expr.startswith("(") and expr.endswith(")") and len(_top(expr[1:-1], ")")) == 1:
        expr = expr[1:-1].strip()
    return expr


def _requires(expr: str, term: re.Pattern[str]) -> bool:
    """Whether the Cedar condition is true only when `term` is (ORs: every branch; ANDs: one part)."""
    expr = _bare(expr)
    if len(ors := _top(expr, "||")) > 1:
        return all(_requires(p, term) for p in ors)
    if len(ands := _top(expr, "&&")) > 1:
        return any(_requires(p, term) for p in ands)
    return bool(term.fullmatch(expr))


_STATEMENT = re.compile(r"^\s*(permit|forbid)\s*\(")
_CLAUSE = re.compile(r"\s*(when|unless)\s*\{")


def _statements(doc: str) -> list[tuple[str, list[tuple[str, str]]]] | None:
    """[(effect, [(when|unless, condition)])] of a Cedar policy; None when it cannot be read."""
    text = re.sub(r"//[^\n]*", "", doc)
    out = []
    for stmt in (s for s in _top(text, ";") if s.strip()):
        m = _STATEMENT.match(stmt)
        if not m or len(head := _top(stmt[m.end() :], ")")) < 2:
            return None
        rest, clauses = ")".join(head[1:]), []
        while rest.strip():
            c = _CLAUSE.match(rest)
            body = _top(rest[c.end() :], "}") if c else []
            if not c or len(body) < 2:
                return None
            clauses.append((c.group(1), body[0]))
            rest = "}".join(body[1:])
        out.append((m.group(1), clauses))
    return out


_ITEM = r'\s*"[^"]*"\s*'


def _mfa_term(ref: str) -> re.Pattern[str]:
    """The Cedar tests that hold only when the token of provider `ref` lists MFA among its methods."""
    amr = rf'context\.{re.escape(ref)}(?:\.amr|\[\s*"amr"\s*\])'
    one = rf'{amr}\.contains\(\s*"mfa"\s*\)'
    every = rf'{amr}\.containsAll\(\s*\[(?:{_ITEM},)*\s*"mfa"\s*(?:,{_ITEM})*\]\s*\)'
    only = rf'{amr}\.containsAny\(\s*\[\s*"mfa"\s*(?:,\s*"mfa"\s*)*\]\s*\)'
    return re.compile(f"{one}|{every}|{only}")


def policy_requires_mfa(doc: str, ref: str) -> bool | None:
    """Whether every permit needs the OIDC provider `ref`'s token to say MFA; None: unreadable."""
    stmts = _statements(doc)
    if stmts is None:
        return None
    term = _mfa_term(ref)
    for effect, clauses in stmts:
        if effect == "forbid" and [k for k, _ in clauses] == ["unless"] and _requires(clauses[0][1], term):
            return True
    permits = [c for e, c in stmts if e == "permit"]
    return all(any(k == "when" and _requires(b, term) for k, b in c) for c in permits)


def _fed(graph: StackGraph, r: ResourceView, fld: str, type_: str) -> ResourceView | None:
    return next((d for d in graph.dependency_of(r, fld) if d.type == type_), None)


def _user_provider(graph: StackGraph, instance: ResourceView) -> ResourceView | None:
    for a in graph.by_type(ATTACHMENT):
        p = _fed(graph, a, "verifiedaccessTrustProviderId", PROVIDER)
        at = _fed(graph, a, "verifiedaccessInstanceId", INSTANCE)
        if at is instance and p is not None and p.input("trustProviderType") != "device":
            return p
    return None


def _policy_gap(doc: Any, provider: ResourceView, ic_gap: str | None) -> str | None:
    """Why the policy lets people in without a second factor shown, or None (`ic_gap`: why the account's
    Identity Center instance is not shown to ask for MFA)."""
    if doc is None or (isinstance(doc, str) and not doc.strip()):
        return None  # no policy: Verified Access lets no one in
    if is_unknown(doc) or not isinstance(doc, str):
        return unknown_message("policyDocument", "whether people need a second factor")
    kind, ref = provider.input("userTrustProviderType"), provider.input("policyReferenceName")
    if kind == "iam-identity-center":
        return ic_gap
    if kind != "oidc" or not isinstance(ref, str) or is_unknown(ref):
        kind_text = f"{provider.name} ({kind!r})"
        return f"its user trust provider {kind_text} cannot be judged: use oidc or IAM Identity Center"
    needed = policy_requires_mfa(doc, ref)
    if needed is None:
        return "its Cedar policy cannot be read (permit/forbid statements with when/unless clauses expected)"
    if not needed:
        return (
            f"its Cedar policy permits people signed in through {ref!r} without requiring MFA on every path: "
            f'require `context.{ref}.amr.contains("mfa")` under && in every permit (under || a password '
            "alone passes), or forbid unless it"
        )
    return None


def sign_in_problems(graph: StackGraph, ic_records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Groups (and their endpoints' own policies) that let people in without a second factor shown."""
    out: list[tuple[str, str]] = []
    ic_gap = account_instance_problem(graph, ic_records) if graph.by_type(GROUP) else None
    for g in graph.by_type(GROUP):
        instance = _fed(graph, g, "verifiedaccessInstanceId", INSTANCE)
        provider = _user_provider(graph, instance) if instance else None
        if provider is None:
            out.append(
                (
                    g.urn,
                    "the Verified Access group's instance is not one of the stack with a user trust provider "
                    "attached: who signs in, and with which factors, cannot be judged",
                )
            )
            continue
        gap = _policy_gap(g.input("policyDocument"), provider, ic_gap)
        endpoints = [e for e in graph.by_type(ENDPOINT) if _fed(graph, e, GROUP_ID, GROUP) is g]
        if (
            gap
            and endpoints
            and all(
                e.input("policyDocument") and not _policy_gap(e.input("policyDocument"), provider, ic_gap)
                for e in endpoints
            )
        ):
            gap = None  # every endpoint's own policy (evaluated with the group's) requires it
        if gap:
            out.append((g.urn, f"the Verified Access group lets people in without a second factor: {gap}"))
    out.extend(
        (e.urn, "the Verified Access endpoint's group is not the stack's: who reaches it cannot be judged")
        for e in graph.by_type(ENDPOINT)
        if _fed(graph, e, GROUP_ID, GROUP) is None
    )
    return out


def access_log_problems(graph: StackGraph, minimum: int) -> list[tuple[str, str]]:
    """Every instance logs access to a log group of the stack kept at least `minimum` days."""
    out: list[tuple[str, str]] = []
    for i in graph.by_type(INSTANCE):
        configs = [c for c in graph.by_type(LOGGING) if _fed(graph, c, INSTANCE_ID, INSTANCE) is i]
        logs = (configs[0].input("accessLogs") or {}) if configs else {}
        cw = logs.get("cloudwatchLogs") if isinstance(logs, dict) else None
        name = cw.get("logGroup") if isinstance(cw, dict) and cw.get("enabled") is True else None
        g = stack_log_group(configs[0], graph, name, "accessLogs") if name else None
        if g is None:
            out.append(
                (
                    i.urn,
                    "the Verified Access instance does not send its access logs to a log group of the stack "
                    "(instanceLoggingConfiguration accessLogs.cloudwatchLogs): who reached which application "
                    "is not kept where it is judged; log to a log group the stack declares",
                )
            )
            continue
        out.extend(kept_problems(g, minimum, "Verified Access requests (who reached which application)"))
    return out
