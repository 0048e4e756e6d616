"""Where an API Management policy sends the calls it handles (round 70). A policy's XML decides it as surely
as a backend's `url`: `<set-backend-service base-url="…">` replaces the API's `serviceUrl` for every call that
follows (`<forward-request>` then forwards there), `backend-id` hands the call to a backend entity, and
`<send-request>` / `<send-one-way-request>` call the URL of their `<set-url>`, through the `<proxy url>` they
name, with whatever body the policy copies into them (r70p-14 to -19), and `<include-fragment>` inserts a
policy fragment, which must be one the stack creates: only then are its own targets read (r70p-24). This
module only reads the XML: each target is judged by `origin_hosts`, the one judge of where forwarded
requests go.

Closed world: a policy that cannot be read says nothing of where calls go, so it blocks: one fetched from a
URL at deployment (`xml-link`, `rawxml-link`), XML that does not parse (`rawxml` with unescaped expressions),
a document type declaration (entities could spell a host), and a target the gateway computes per call (a
policy expression `@(…)`, a named value `{{…}}`: the caller or another resource decides).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from policies.core.view import ResourceView, is_unknown, unknown_message

POLICIES = frozenset({
    f"azure-native:apimanagement:{t}" for t in (
        "Policy", "ApiPolicy", "ApiOperationPolicy", "ProductPolicy", "PolicyFragment",
        "GraphQLApiResolverPolicy", "WorkspacePolicy", "WorkspaceApiPolicy", "WorkspaceApiOperationPolicy",
        "WorkspaceProductPolicy",
        "WorkspacePolicyFragment",
    )
})
_SENDS = ("send-request", "send-one-way-request")
HOW = "write the policy inline (`format` xml, expressions escaped) with literal targets"


def _unreadable(why: str) -> tuple[str, str, str]:
    return "value", "problem", (
        f"`value` is a policy {why}: where it sends the calls it handles, request bodies included, is read "
        f"nowhere; {HOW} (a host of the stack or one stacks/records/endpoints.yaml declares)")


def _target(where: str, kind: str, value: str | None) -> tuple[str, str, str]:
    """A literal target, or why it is not one: the gateway computes an expression or named value per call."""
    value = (value or "").strip()
    if not value:
        return where, "problem", f"`{where}` names no target: where the call goes is not said; {HOW}"
    if value.startswith("@") or "{{" in value:
        return where, "problem", (
            f"`{where}` is {value!r}, computed by the gateway for each call (a policy expression or a named "
            f"value): the caller or another resource decides where calls go, and no check reads it; {HOW}")
    return where, kind, value


def _targets_in(root: ET.Element) -> Iterator[tuple[str, str, str]]:
    for el in root.iter():
        if el.tag == "set-backend-service":
            ids = [(a, el.get(a)) for a in ("base-url", "backend-id") if el.get(a) is not None]
            for attr, value in ids or [("base-url", None)]:
                kind = "backend" if attr == "backend-id" else "host"
                yield _target(f"value <set-backend-service {attr}>", kind, value)
        elif el.tag == "include-fragment":
            yield _target("value <include-fragment fragment-id>", "fragment", el.get("fragment-id"))
        elif el.tag == "proxy":
            yield _target("value <proxy url>", "host", el.get("url"))
        elif el.tag in _SENDS:
            url = el.find("set-url")
            if url is not None or el.get("mode", "new") != "copy":  # copy keeps the backend's own URL
                yield _target(f"value <{el.tag}> <set-url>", "host", None if url is None else url.text)


def policy_targets(r: ResourceView) -> Iterator[tuple[str, str, str]]:
    """(where, kind, value): kind `host` (a URL or host to judge), `backend` (a backend entity's id),
    `fragment` (a policy fragment's id) or `problem` (value is why no target can be read)."""
    fmt, value = r.input("format") or "xml", r.input("value")
    if is_unknown(fmt) or is_unknown(value):
        yield "value", "problem", unknown_message("value", "where the policy sends the calls it handles")
        return
    if not isinstance(value, str) or not value.strip():
        return
    if str(fmt).endswith("-link"):
        yield _unreadable(f"fetched from {value!r} when it is deployed (`format` {fmt})")
        return
    if "<!DOCTYPE" in value.upper():
        yield _unreadable("with a document type declaration, whose entities can spell any target")
        return
    try:
        root = ET.fromstring(value)
    except ET.ParseError as e:
        yield _unreadable(f"that does not parse as XML ({e})")
        return
    yield from _targets_in(root)
