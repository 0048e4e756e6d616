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
