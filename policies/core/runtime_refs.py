"""Destinations chosen when a workflow runs, not when it is deployed: what the execution will be given cannot
be judged from the definition, so a destination field holding one blocks (kind `runtime`, judged in
policies/core/destinations.py)."""

from __future__ import annotations

import re

# Workflow-language functions over run-time data (Logic Apps `@{triggerBody()?['url']}`, Data Factory
# `@pipeline().parameters.url`); `@parameters('…')` of a Logic App is a literal of the same resource.
_RUN_DATA = re.compile(
    r"\b(?:triggerbody|triggeroutputs|triggerformdatavalue|triggermultipartbody|body|outputs|variables|items?|"
    r"actions|pipeline|activity|dataset|linkedservice)\s*\(",
    re.I,
)
# An API Management policy that picks the backend or request URL per request (`base-url="@(…)"`, a
# `<set-url>@(…)</set-url>` of send-request).
_POLICY_URL = re.compile(r"(?:base-url\s*=\s*[\"']|<set-url>\s*)@[({]", re.I)


def relative_field(key: str) -> bool:
    """A path under a destination the resource names elsewhere (a Data Factory REST dataset's `relativeUrl`
    is joined to its linked service's fixed base URL): an expression there changes the path, not the place."""
    return key[:8].lower() == "relative"


def runtime_value(value: str, jsonpath_key: bool) -> bool:
    """A value chosen at run time: a JSONPath into an execution's input or context under a `.$` key (Amazon
    States Language `"ApiEndpoint.$": "$.target"`), a JSONata expression (`{% … %}`), a workflow expression
    over run-time data (_RUN_DATA). Under a destination field, where the execution will send the data cannot
    be judged from the definition."""
    v = value.lstrip()
    return (jsonpath_key and v[:1] == "$") or v[:2] == "{%" or (v[:1] == "@" and bool(_RUN_DATA.search(v)))


def policy_runtime(text: str) -> bool:
    """An API Management policy document whose backend or request URL is an expression (_POLICY_URL)."""
    return ("@(" in text or "@{" in text) and bool(_POLICY_URL.search(text))


_FUNCTION = re.compile(r"([A-Za-z_]\w*)\s*\(")
# Functions whose value is the same workflow's: a parameter's literal (scanned there), the workflow's own
# callback URL (`listCallbackUrl()`, which a webhook trigger hands its service to call back: round 39).
_OWN_FUNCTIONS = frozenset({"parameters", "listcallbackurl"})
_FIXED_PLACE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@{}\s]+/", re.I)


def computed_value(value: str) -> bool:
    """A workflow expression (Logic Apps, Data Factory: `@concat(…)`, `…@{replace(…)}`) that computes a
    destination with functions the pack does not evaluate (round 17: `concat('https://', 'ingest', '.',
    …)` assembles a host no fragment spells out). `@parameters('…')` alone is a literal of the same resource
    (scanned there), `@{listCallbackUrl()}` the workflow's own callback URL; after a literal scheme and
    host (`https://own.host/@{…}`) only the path varies."""
    v = value.lstrip()
    at = v.find("@{")
    if v[:1] == "@" and not v.startswith("@Microsoft.") and _FUNCTION.match(v, 1):
        expr = v
    elif at >= 0 and not _FIXED_PLACE.match(v[:at]):
        expr = v[at:]
    else:
        return False
    return any(f.lower() not in _OWN_FUNCTIONS for f in _FUNCTION.findall(expr))


def workflow_problem(kind: str, path: str, value: str) -> str:
    """Why a destination chosen (`runtime`) or computed (`computed`) when the workflow runs blocks."""
    if kind == "runtime":
        return (f"`{path}` = {value!r} takes the destination from the execution's input at run time, so "
                "where the data goes cannot be judged; name the destination literally in the definition")
    return (f"`{path}` = {value!r} computes the destination with workflow functions the pack does not "
            "evaluate, so where the data goes cannot be judged; write the URL (at least its scheme and "
            "host) literally, or as a workflow parameter's value")
