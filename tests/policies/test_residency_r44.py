"""Red-team round 44 of the residency pack: the EFS file system a Transfer Family workflow step writes to, and
an Azure Databricks workspace URL (`adb-<id>.<n>.azuredatabricks.net`), which names no region
(corpus cases: tests/corpus/residency/{evil,good}/r44-*.yaml).
"""

from __future__ import annotations

from typing import Any

from policy_testlib import ALLOWED, OWN, REPLICATION, RESOLVED, graph, messages, unresolved
from policy_testlib import pinned_res as res

EFS = "aws:efs/fileSystem:FileSystem"
OWN_FS, OTHER_FS = "fs-0c7d41e9a2b3f5861", "fs-0f1e2d3c4b5a69788"
WORKSPACE_HOST = "adb-4417382903561247.7.azuredatabricks.net"


# ------------------------------------------------------------------ Transfer Family workflow EFS steps

def _workflow(file_system: Any, step: str = "decryptStepDetails", steps: str = "steps") -> Any:
    return res("aws:transfer/workflow:Workflow", "wf", {steps: [{
        "type": "DECRYPT" if step == "decryptStepDetails" else "COPY",
        step: {"name": "s", "destinationFileLocation": {
            "efsFileLocation": {"fileSystemId": file_system, "path": "/in"}}}}]})


def _efs() -> Any:
    return res(EFS, "efs", {"creationToken": "decrypted", "encrypted": True, "id": OWN_FS})


def test_a_workflow_step_s_efs_file_system_must_be_the_stack_s():
    for step, steps in (("decryptStepDetails", "steps"), ("copyStepDetails", "onExceptionSteps")):
        path = f"{steps}.0.{step}.destinationFileLocation.efsFileLocation.fileSystemId"
        assert messages(RESOLVED, graph(_efs(), _workflow(OTHER_FS, step, steps)), ALLOWED) == [
            ("wf", unresolved(path, f"{EFS}|{OTHER_FS}"))], step


def test_a_workflow_step_into_the_stack_s_own_file_system_passes():
    assert messages(RESOLVED, graph(_efs(), _workflow(OWN_FS)), ALLOWED) == []


def test_a_workflow_step_naming_no_file_system_id_blocks():
    found = messages(REPLICATION, _workflow("decrypted-files"), ALLOWED)
    assert len(found) == 1 and "'decrypted-files' is no EFS file system id" in found[0]


# ------------------------------------------------------------------ Azure Databricks workspace URLs

def _linked_service() -> Any:
    return res("azure-native:datafactory:LinkedService", "dbx", {
        "resourceGroupName": "rg-weu", "factoryName": "adf", "linkedServiceName": "dbx",
        "properties": {"type": "AzureDatabricks", "domain": f"https://{WORKSPACE_HOST}",
                       "existingClusterId": "1130-081512-abc123de", "authentication": "MSI"}})


def _workspace() -> Any:
    return res("azure-native:databricks:Workspace", "ws", {
        "resourceGroupName": "rg-weu", "workspaceName": "analytics", "location": "westeurope",
        "workspaceUrl": WORKSPACE_HOST, "id": f"{OWN}/Microsoft.Databricks/workspaces/analytics"})


def test_the_stack_s_own_databricks_workspace_url_passes():
    assert messages(REPLICATION, _linked_service(), ALLOWED) == []  # placed by the stack's graph
    assert messages(RESOLVED, graph(_workspace(), _linked_service()), ALLOWED) == []


def test_a_databricks_workspace_url_not_of_the_stack_blocks_as_unresolved():
    found = messages(RESOLVED, graph(_linked_service()), ALLOWED)
    assert len(found) == 1 and WORKSPACE_HOST in found[0][1] and "its workspace id" in found[0][1]
    assert messages(REPLICATION, _linked_service(), ALLOWED) == []  # said once, by the resolution rule
