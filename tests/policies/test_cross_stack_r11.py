"""Engine round 11: a value another stack of the run exports (read through a StackReference) is placed
through that stack's recorded graph, which the gate lists in GATE_STACK_GRAPHS; what it cannot trace blocks,
saying how to make it judgeable. Without the gate (no index) the referenced stack's stated region counts."""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, graph, messages, res

from policies.core.stack_graphs import ENV, graph_of_checkpoint, stack_of

RESOLVED = "require-resolved-references"
FN = "aws:lambda/function:Function"
HOST = "dosis-uit-weu.azurewebsites.net"
PROV = "urn:pulumi:a::p::pulumi:providers:azure-native::default_3_29_0"
APP = "urn:pulumi:a::p::azure-native:web:WebApp::uit"
KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/96d3c083-c970-0a35-69c1-b74ccdbd1d54"


def _checkpoint(location: str = "westeurope", outputs: dict | None = None) -> dict:
    out = {"uitHostName": HOST} if outputs is None else outputs
    return {"deployment": {"resources": [
        {"urn": "urn:pulumi:a::p::pulumi:pulumi:Stack::p-a", "type": "pulumi:pulumi:Stack", "custom": False,
         "outputs": out},
        {"urn": PROV, "type": "pulumi:providers:azure-native", "custom": True,
         "inputs": {"location": "westeurope"}},
        {"urn": APP, "type": "azure-native:web:WebApp", "custom": True, "provider": f"{PROV}::id1",
         "inputs": {"name": "dosis-uit-weu", "location": location},
         "outputs": {"name": "dosis-uit-weu", "location": location,
                     "id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Web/sites/dosis-uit-weu"}},
    ]}}


@pytest.fixture
def gate_index(tmp_path, monkeypatch):
    """Write stack a's recorded graph and the gate's index; judge stack b of project p."""
    def write(state: dict | None = None, listed: bool = True) -> None:
        (tmp_path / "a.state.json").write_text(json.dumps(state or _checkpoint()))
        stacks = {"a": {"preview": str(tmp_path / "a.state.json")}} if listed else {}
        (tmp_path / "index.json").write_text(json.dumps({"project": "p", "stacks": stacks}))
        monkeypatch.setenv(ENV, str(tmp_path / "index.json"))
    monkeypatch.setenv("PULUMI_PROJECT", "p")
    monkeypatch.setenv("PULUMI_STACK", "b")
    return write


def _stack_b(host: str = HOST, name: str = "organization/p/a", outputs: dict | None = None):
    ref = res("pulumi:pulumi:StackReference", name, {
        "name": name, "outputs": {"uitHostName": host} if outputs is None else outputs})
    fn = res(FN, "fn", {"handler": "app.handler", "environment": {"variables": {"UIT_URL": f"https://{host}/"}}})
    return graph(ref, fn)


def _fn_messages(g) -> list[str]:
    return [m for n, m in messages(RESOLVED, g, ALLOWED) if n == "fn"]


def test_a_host_of_a_resource_of_the_referenced_stacks_graph_is_placed_there(gate_index):
    gate_index()
    assert messages(RESOLVED, _stack_b(), ALLOWED) == []


def test_the_resource_is_judged_where_it_is_in_the_referenced_graph(gate_index):
    gate_index(_checkpoint(location="eastus"))
    assert _fn_messages(_stack_b()) == [
        "`environment.variables.UIT_URL` (uit: data is sent there, a resource of stack a) is in 'eastus', "
        "which is outside the EEA"]


def test_an_output_no_resource_of_the_referenced_graph_has_blocks(gate_index):
    other = "dosis-uit-weu-dr.westeurope.cloudapp.azure.com"
    gate_index(_checkpoint(outputs={"uitHostName": other}))
    assert _fn_messages(_stack_b(other)) == [
        f"`environment.variables.UIT_URL` refers to '{other}', an output of stack a that no resource of its "
        "recorded graph has as its id, ARN or endpoint (never matched by name), so where it is cannot be "
        "judged; export the resource's own id, ARN or endpoint from a, or declare the destination in "
        "stacks/records/endpoints.yaml"]


WHY = "`environment.variables.UIT_URL` refers to '" + HOST + "', an output of stack {}, {}, so where it is " \
      "cannot be judged (fail closed); {}"
HOW = ("record that stack in the same gate run (gate preview --all, or its level first with --shard), or "
       "declare the destination in stacks/records/endpoints.yaml")


def test_a_stack_the_gate_did_not_list_blocks(gate_index):
    gate_index(listed=False)
    assert _fn_messages(_stack_b()) == [
        WHY.format("a", "whose recorded graph this gate run did not record or could not vouch for", HOW)]


def test_outputs_that_are_not_the_recorded_graphs_block(gate_index):
    gate_index()
    assert _fn_messages(_stack_b(outputs={"uitHostName": HOST, "extra": "x"})) == [
        WHY.format("a", "whose recorded graphs do not export the outputs the reference read", HOW)]


def test_a_reference_to_the_stack_itself_blocks(gate_index):
    gate_index()
    assert _fn_messages(_stack_b(name="organization/p/b")) == [WHY.format(
        "b", "the stack itself (its previous deployment's outputs, which no recorded graph places)",
        "use the resource's own output within the stack, or declare the destination in "
        "stacks/records/endpoints.yaml")]


def test_a_stack_of_another_project_is_not_this_projects_stack_of_that_name(gate_index):
    gate_index()
    assert _fn_messages(_stack_b(name="organization/platform/a")) == [WHY.format(
        "organization/platform/a", "a stack of another project, which this run does not record",
        "declare the destination in stacks/records/endpoints.yaml")]
    assert [stack_of(n, "p") for n in ("a", "p/a", "organization/p/a", "acme/p/a", "q/a", "x/y/z/a")] == [
        "a", "a", "a", None, None, None]


def test_a_stated_location_places_nothing_in_a_gate_run_but_counts_without_the_gate(gate_index, monkeypatch):
    claim = {"uitHostName": "dosis-uit-eus.azurewebsites.net", "location": "westeurope"}
    gate_index(_checkpoint(outputs=claim))
    g = _stack_b("dosis-uit-eus.azurewebsites.net", outputs=claim)
    assert "an output of stack a that no resource of its recorded graph has" in _fn_messages(g)[0]
    monkeypatch.delenv(ENV)
    assert messages(RESOLVED, _stack_b("dosis-uit-eus.azurewebsites.net", outputs=claim), ALLOWED) == []


def test_an_arn_of_the_referenced_graph_is_of_the_run_not_a_third_party(gate_index):
    key = {"urn": "urn:pulumi:a::p::aws:kms/key:Key::data", "type": "aws:kms/key:Key", "custom": True,
           "inputs": {}, "outputs": {"arn": KEY_ARN}}
    state = _checkpoint(outputs={"dataKeyArn": KEY_ARN})
    state["deployment"]["resources"].append(key)
    gate_index(state)
    ref = res("pulumi:pulumi:StackReference", "organization/p/a",
              {"name": "organization/p/a", "outputs": {"dataKeyArn": KEY_ARN}})

    def key_findings(arn: str) -> list[str]:
        sse = res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                  "sse", {"rules": [{"applyServerSideEncryptionByDefault": {
                      "sseAlgorithm": "aws:kms", "kmsMasterKeyId": arn}}]})
        return [m for n, m in messages(RESOLVED, graph(ref, sse), ALLOWED) if "kmsMasterKeyId" in m]

    assert key_findings(KEY_ARN) == []
    foreign = KEY_ARN.replace("123456789012", "999999999999")   # exported, but no resource of a's graph
    ref.raw["outputs"]["dataKeyArn"] = foreign
    assert "is a resource of account 999999999999, not the stack's own" in key_findings(foreign)[0]


def test_a_checkpoint_becomes_the_graph_stack_policies_see():
    outputs, g = graph_of_checkpoint(_checkpoint())
    assert outputs == {"uitHostName": HOST}
    app = g.by_urn[APP]
    assert (app.name, app.input("location"), app.provider.inputs) == ("uit", "westeurope",
                                                                      {"location": "westeurope"})
