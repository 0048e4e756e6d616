"""A resource's stack view resumes the reference scan of its inputs (policies/core/shared_scan.py, round 20):
the same references as a scan of its own, the link taken once, and none where the two differ."""

from __future__ import annotations

from gate.policy_views import views_of
from gate.state_view import EXTENSION as GATE_EXTENSION
from gate.state_view import index_state, inputs_view
from pulumi_policy.policy import ResourceValidationArgs

from policies.core.args_view import view_from_args
from policies.core.proxy_attrs import EXTENSION, SCANNED
from policies.core.references import references

P = "urn:pulumi:test::proj::"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers"
INPUTS = {"location": "westeurope", "resourceGroupName": "rg",
          "properties": {"workspaceId": f"{SUB}/Microsoft.OperationalInsights/workspaces/logs",
                         "endpoint": "https://collector.example.com/ingest"},
          "uri": "https://collector.example.com/again"}


def _resource(outputs: dict) -> tuple:
    type_ = "azure-native:insights:DiagnosticSetting"
    state = {"version": 3, "deployment": {"resources": [{
        "urn": f"{P}{type_}::d", "type": type_, "custom": True, "inputs": INPUTS, "outputs": outputs}]}}
    resources = index_state(state)
    stack_view = views_of(resources, {r.urn: r for r in resources}, True)[2][0]
    return resources[0], stack_view


def _refs(outputs: dict) -> tuple[list, list, object]:
    """The references of the resource policies' view, then of the stack view (scanned after it)."""
    r, stack_view = _resource(outputs)
    inputs = inputs_view(r, stack_view.props)
    args = ResourceValidationArgs(r.type, inputs, r.urn, r.name, stack_view.opts, None, None, {})
    return references(view_from_args(args)), references(view_from_args(stack_view)), stack_view


def _alone(outputs: dict) -> list:
    """The stack view's references scanned on their own (no resource view before it)."""
    return references(view_from_args(_resource(outputs)[1]))


def test_the_gate_and_the_pack_name_the_link_alike():
    assert GATE_EXTENSION == EXTENSION


def test_stack_view_resumes_the_inputs_scan_with_the_same_references():
    outputs = {**INPUTS, "id": f"{SUB}/Microsoft.Insights/diagnosticSettings/d",
               "target": "https://collector.example.com/ingest", "name": "d"}
    resource_refs, stack_refs, stack_view = _refs(outputs)
    assert getattr(stack_view.props, SCANNED, "unset") is None   # the inputs' scan was there and was taken
    assert stack_refs == _alone(outputs)
    assert [r.value for r in resource_refs] == [r.value for r in stack_refs[:len(resource_refs)]]
    assert any(r.path == "id" for r in stack_refs)
    # a reference found in the inputs is not found again after them (the de-duplication resumed too)
    assert [r.value for r in stack_refs].count("https://collector.example.com/ingest") <= 1


def test_an_output_replacing_an_input_leaves_the_views_unlinked():
    outputs = {**INPUTS, "uri": "https://elsewhere.example.org/x", "id": f"{SUB}/Microsoft.Insights/x/d"}
    _, stack_refs, stack_view = _refs(outputs)
    assert getattr(stack_view.props, SCANNED, "unset") == "unset"
    assert stack_refs == _alone(outputs)
    assert any("elsewhere.example.org" in r.value for r in stack_refs)
