"""What the drop mutants of the compliant PIA cases found (session 18): a security setting left out, whose
service default is an AWS-owned/managed key or no encryption at all, passed where naming the weak value
blocked. One test per new message, on the compliant case the mutant came from (`evil/d01`-`d09`)."""

import copy

from policy_testlib import UNKNOWN
from ruletest import case, patch, run
from ruletest import messages_of as _of

CMK = "require-customer-managed-keys"
PROVIDER_KEY = "`{}` is not set: the data would be encrypted with a provider-managed key"
HOST = (
    "`{}` is not true: the temp disk, the disk caches and an ephemeral OS disk are not encrypted (they are "
    "on the host, outside the disk encryption set)"
)


def _unknown(path: str, what: str) -> str:
    return (
        f"`{path}` is unknown during preview, so {what} cannot be judged; the resource is treated as "
        "non-compliant (fail closed)"
    )


def test_every_trail_schedule_and_dms_endpoint_needs_its_key():
    for stem, name, fld in (
        ("trail-with-data-events", "trail", "kmsKeyId"),  # beside the base's encrypted organisation trail
        ("r24p-58", "schedule", "kmsKeyArn"),
        ("r7-dms-cmk", "dms-src", "kmsKeyArn"),
    ):
        resources = case(stem)
        assert _of(run(CMK, resources), name) == []
        assert _of(run(CMK, patch(resources, name, **{fld: None})), name) == [PROVIDER_KEY.format(fld)]


def test_verified_access_keeps_policies_and_settings_under_the_key():
    va = case("r26p-54")
    assert _of(run(CMK, va), "va-admins") == _of(run(CMK, va), "va-idc") == []
    off = {"customerManagedKeyEnabled": False}
    assert _of(run(CMK, patch(va, "va-admins", sseConfiguration=off)), "va-admins") == [
        "`sseConfiguration.customerManagedKeyEnabled` is False; encryption with a customer-managed key "
        "requires True",
        PROVIDER_KEY.format("sseConfiguration.kmsKeyArn"),
    ]
    assert _of(run(CMK, patch(va, "va-idc", sseSpecification=None)), "va-idc") == [
        "`sseSpecification.customerManagedKeyEnabled` is None; encryption with a customer-managed key "
        "requires True",
        PROVIDER_KEY.format("sseSpecification.kmsKeyArn"),
    ]


def test_a_data_explorer_cluster_encrypts_its_disks():
    adx = case("r7-kusto-cmk")
    assert _of(run(CMK, adx), "adx") == []
    assert _of(run(CMK, patch(adx, "adx", enableDiskEncryption=None)), "adx") == [
        "`enableDiskEncryption` is not true: the hot cache on the nodes' disks is not encrypted"
    ]
    assert _of(run(CMK, patch(adx, "adx", enableDiskEncryption=UNKNOWN)), "adx") == [
        _unknown("enableDiskEncryption", "whether the cluster's disks are encrypted")
    ]


def test_aks_node_hosts_encrypt_their_disks():
    aks = case("r14p-46")
    pools = next(r for r in aks if r["name"] == "aks")["inputs"]["agentPoolProfiles"]
    assert _of(run(CMK, aks), "aks") == []
    plain = [{k: v for k, v in p.items() if k != "enableEncryptionAtHost"} for p in pools]
    assert _of(run(CMK, patch(aks, "aks", agentPoolProfiles=plain)), "aks") == [
        HOST.format("agentPoolProfiles.0.enableEncryptionAtHost")
    ]
    assert _of(run(CMK, patch(aks, "aks", agentPoolProfiles=UNKNOWN)), "aks") == [
        _unknown("agentPoolProfiles", "whether the nodes' hosts encrypt their disks")
    ]
    web = case("r9-az-ok-web-front")
    assert _of(run(CMK, web), "aks-pool") == []
    found = _of(run(CMK, patch(web, "aks-pool", enableEncryptionAtHost=False)), "aks-pool")
    assert found == [HOST.format("enableEncryptionAtHost")]


def _scale_set(vm: list[dict], security: dict | None) -> list[dict]:
    """The compliant VM case with a scale set of the same disks."""
    inputs = next(r for r in vm if r["name"] == "vm")["inputs"]
    profile = {"storageProfile": inputs["storageProfile"]}
    if security is not None:
        profile["securityProfile"] = security
    scale_set = {"resourceGroupName": "rg-corpus", "vmScaleSetName": "vmss", "tags": inputs["tags"]}
    vmss = {"name": "vmss", "type": "azure-native:compute:VirtualMachineScaleSet"}
    return [*vm, {**vmss, "inputs": {**scale_set, "virtualMachineProfile": profile}}]


def test_a_vm_and_a_scale_set_encrypt_at_host():
    vm = case("azure-vm-compliant")
    assert _of(run(CMK, vm), "vm") == []
    assert _of(run(CMK, patch(vm, "vm", securityProfile={"encryptionAtHost": False})), "vm") == [
        HOST.format("securityProfile.encryptionAtHost")
    ]
    assert _of(run(CMK, patch(vm, "vm", securityProfile=UNKNOWN)), "vm") == [
        _unknown("securityProfile", "whether the host encrypts the temp disk")
    ]
    assert _of(run(CMK, _scale_set(vm, {"encryptionAtHost": True})), "vmss") == []
    assert _of(run(CMK, _scale_set(vm, None)), "vmss") == [
        HOST.format("virtualMachineProfile.securityProfile.encryptionAtHost")
    ]


SIEM = "require-siem-logging"
GROUP = "enable the categoryGroup 'audit' or 'allLogs'"


def _logs(*categories: str) -> list[dict]:
    return [{"category": c, "enabled": True} for c in categories]


def test_named_categories_must_carry_the_audit_events():
    vault = case("r23p-52")
    assert run(SIEM, vault) == []
    assert _of(
        run(SIEM, patch(vault, "diag-app-vault", logs=_logs("AzurePolicyEvaluationDetails"))),
        "diag-app-vault",
    ) == [
        "the diagnostic setting 'diag-app-vault' sends AzurePolicyEvaluationDetails but not AuditEvent: who "
        f"did what on this microsoft.keyvault/vaults is not recorded; add them or {GROUP}"
    ]
    assert run(SIEM, patch(vault, "diag-app-vault", logs=_logs("auditevent"))) == []  # names are not cased
    blob = case("r29p-54")
    assert run(SIEM, blob) == []  # StorageRead, StorageWrite and StorageDelete named
    found = _of(run(SIEM, patch(blob, "diag-blob", logs=_logs("StorageDelete"))), "diag-blob")
    assert found == [
        "the diagnostic setting 'diag-blob' sends StorageDelete but not StorageRead, StorageWrite: who did "
        f"what on this microsoft.storage/storageaccounts/blobservices is not recorded; add them or {GROUP}"
    ]


def test_an_output_uri_is_placed_by_its_resource_and_an_unlisted_type_needs_a_group():
    vault = case("r23p-52")
    by_output = patch(
        vault, "diag-app-vault", resourceUri=UNKNOWN, logs=_logs("AzurePolicyEvaluationDetails")
    )
    assert "not AuditEvent" in _of(run(SIEM, by_output), "diag-app-vault")[0]
    vault = case("r22p-57")  # a Recovery Services vault: its audit categories are not listed
    found = _of(run(SIEM, patch(vault, "diag-rsv", logs=_logs("CoreAzureBackup"))), "diag-rsv")
    assert found == [
        "the diagnostic setting 'diag-rsv' names only the categories CoreAzureBackup, and which categories "
        "carry the audit events of microsoft.recoveryservices/vaults is not known here: " + GROUP
    ]


def test_every_logging_store_the_pia_judges_needs_a_setting():
    aks = case("r14p-46")
    assert run(SIEM, aks) == []
    assert _of(run(SIEM, [r for r in aks if r["name"] != "diag-aks"]), "aks") == [
        "no diagnostic setting sends this resource's logs to the SIEM workspace"
    ]


def _implicit(who: str, shown: str, how: str) -> str:
    return (
        f"{who} writes to {shown}, which the stack does not declare: the service creates it with no "
        f"customer-managed key and no retention the stack sets; declare it (aws.cloudwatch.LogGroup with "
        f"kmsKeyId){how}"
    )


LAMBDA_HOW = ", or point `loggingConfig.logGroup` at one the stack declares"


def test_a_function_logs_into_a_group_the_stack_declares():
    fn = case("r7-lambda-url-iam")
    assert _of(run(CMK, fn), "fn") == []
    undeclared = [r for r in fn if r["name"] != "declared-logs-0"]
    assert _of(run(CMK, undeclared), "fn") == [
        _implicit("the function", "'/aws/lambda/dossier-export'", LAMBDA_HOW)
    ]
    autonamed = copy.deepcopy(undeclared)
    next(r for r in autonamed if r["name"] == "fn")["inputs"].pop("name")
    assert _of(run(CMK, autonamed), "fn") == [
        _implicit("the function", "a group named from its output", LAMBDA_HOW)
    ]
    named_from_output = [  # LogGroup(name=fn.name.apply(lambda n: f"/aws/lambda/{n}"))
        *autonamed,
        {"name": "fn-logs", "type": "aws:cloudwatch/logGroup:LogGroup", "refs": {"name": "fn"}, "inputs": {}},
    ]
    assert _of(run(CMK, named_from_output), "fn") == []
    assert _of(run(CMK, patch(fn, "fn", loggingConfig=UNKNOWN)), "fn") == [
        _unknown("loggingConfig", "the function's log group")
    ]


def test_database_log_exports_go_into_groups_the_stack_declares():
    db = case("r21p-51")
    assert _of(run(CMK, db), "db") == []
    undeclared = [r for r in db if r["name"] != "declared-logs-1"]
    assert _of(run(CMK, undeclared), "db") == [
        _implicit("the 'error' log export", "'/aws/rds/instance/portal/error'", " before the database")
    ]
    aurora = [r for r in case("r24p-51") if r["name"] != "declared-logs-0"]
    assert _of(run(CMK, aurora), "db") == [
        _implicit(
            "the 'postgresql' log export", "'/aws/rds/cluster/dossiers/postgresql'", " before the database"
        )
    ]
    assert _of(run(CMK, patch(db, "db", enabledCloudwatchLogsExports=UNKNOWN)), "db") == [
        _unknown("enabledCloudwatchLogsExports", "where the database's logs are written")
    ]
