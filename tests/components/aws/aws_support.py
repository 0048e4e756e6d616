"""Helpers for the e-loket component and stack tests: record under the gate mocks, read policies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
from gate.recording import Graph, record_callable

from components.common.tags import Tags
from policies.core.eea import PORTAL_REGION

ACCOUNT = "111122223333"  # the portal stack's (dosis-eloket:accountId), named by its PIA record (round 63)
KEY = f"arn:aws:kms:{PORTAL_REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
TAGS = Tags(system="e-loket", controller="VLAIO", pia_reference="PIA-TEST").as_dict()


def record(fn: Callable[[], Any]) -> Graph:
    """Run `fn` (creating resources with an explicit eu-west-1 provider pinned to the account, as the portal
    stack's is; a policy condition naming ACCOUNT is the stack's own because the portal's PIA record names
    it in `aws_accounts`, not because of the pin) and return the graph."""

    def program() -> None:
        provider = aws.Provider("test", region=PORTAL_REGION, allowed_account_ids=[ACCOUNT])
        fn(pulumi.ResourceOptions(provider=provider))

    return record_callable(program, config={"aws:region": "us-east-1"})


def one(graph: Graph, typ: str) -> dict[str, Any]:
    """Inputs of the single resource of `typ`."""
    found = graph.by_type(typ)
    assert len(found) == 1, f"expected one {typ}, got {len(found)}"
    return found[0].inputs


def doc(value: Any) -> dict[str, Any]:
    """A policy document input as a dict."""
    return json.loads(value) if isinstance(value, str) else value


def custom(graph: Graph) -> list:
    """The cloud resources of a graph (no components, providers or stack)."""
    return [r for r in graph.resources if r.custom and not r.type.startswith("pulumi:")]


def assert_all_in_portal_region(graph: Graph) -> None:
    wrong = {r.name: graph.region(r) for r in custom(graph) if graph.region(r) != PORTAL_REGION}
    assert not wrong, f"resources outside {PORTAL_REGION}: {wrong}"


def assert_tagged(graph: Graph) -> None:
    untagged = [
        r.name
        for r in custom(graph)
        if "tags" in _taggable(r.type) and not set(TAGS) <= set(r.inputs.get("tags") or {})
    ]
    assert not untagged, f"missing mandatory tags: {untagged}"


def _taggable(typ: str) -> set[str]:
    """Whether the pulumi-aws class of `typ` accepts `tags` (read from the SDK)."""
    import importlib
    import inspect
    import keyword

    _, mod, cls = typ.split(":")
    package = mod.split("/")[0]
    # a module named after a Python keyword is the SDK's with an underscore (`lambda` -> `pulumi_aws.lambda_`)
    module = importlib.import_module(f"pulumi_aws.{package}{'_' if keyword.iskeyword(package) else ''}")
    klass = getattr(module, cls)
    return {"tags"} if "tags" in inspect.signature(klass._internal_init).parameters else set()
