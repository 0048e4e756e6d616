"""Every input the three stacks record is one their SDK type declares, and every enum value is one the API
takes: what the mock monitor accepts but `pulumi up` would drop or the cloud would reject (sdk_schema.py)."""

from __future__ import annotations

import copy
import functools
import sys
from pathlib import Path

import pytest
from gate.recording import Graph, record_program

sys.path.insert(0, str(Path(__file__).parent))
from sdk_schema import Walk

PROJECT = Path(__file__).parents[2]
STACKS = ("dosis-prod", "portal-prod", "interconnect-prod")

# Open-enum values the SDK does not list, each with where the service documents it.
KNOWN_OPEN = {
    # learn.microsoft.com/azure/templates/microsoft.aadiam/2017-04-01/diagnosticsettings (its example's
    # `logs[].category`); the SDK's Category lists AuditLogs and SignInLogs only.
    "Category": frozenset({"NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs"}),
}


@functools.cache
def _recorded(stack: str) -> Graph:
    return record_program(PROJECT, stack)


@pytest.fixture(params=STACKS)
def graph(request: pytest.FixtureRequest) -> Graph:
    return _recorded(request.param)


def _walk(resources) -> Walk:
    walk = Walk(KNOWN_OPEN)
    for r in resources:
        if r.custom and not r.type.startswith("pulumi:"):
            walk.resource(r.type, r.name, r.inputs)
    return walk


def test_every_recorded_input_is_declared_and_every_enum_value_taken(graph: Graph) -> None:
    walk = _walk(graph.resources)
    assert walk.findings == []
    assert walk.read > 200   # the walk read the stack's values, not nothing


def _first(graph: Graph, token: str):
    return copy.deepcopy(next(r for r in graph.resources if r.type == token))


def test_a_nested_key_the_type_does_not_declare_is_found() -> None:
    graph = _recorded("dosis-prod")
    account = _first(graph, "azure-native:storage:StorageAccount")
    account.inputs["encryption"]["keySource "] = "Microsoft.Keyvault"  # trailing space: the provider drops it
    findings = _walk([account]).findings
    assert any("encryption.keySource " in f and "declares no such input" in f for f in findings), findings


def test_a_value_outside_a_closed_or_open_enum_is_found() -> None:
    graph = _recorded("dosis-prod")
    account = _first(graph, "azure-native:storage:StorageAccount")
    account.inputs["minimumTlsVersion"] = "TLS1.2"          # the API's value is TLS1_2 (MinimumTlsVersion)
    setting = _first(graph, "azure-native:aadiam:DiagnosticSetting")
    setting.inputs["logs"][0]["category"] = "SignInLog"     # a typo of an open enum's value
    findings = _walk([account, setting]).findings
    assert any(".minimumTlsVersion: 'TLS1.2'" in f for f in findings), findings
    assert any(".category: 'SignInLog'" in f and "open enum" in f for f in findings), findings


def test_an_unknown_value_and_a_secret_are_not_judged() -> None:
    walk = Walk()
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "StorageV2"}
    walk.resource("azure-native:storage:StorageAccount", "a", {
        "minimumTlsVersion": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "kind": secret})
    assert walk.findings == [] and walk.read == 1
