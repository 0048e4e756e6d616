"""require-resolved-references: what only the stack can place (Azure ids, bucket names/ARNs, service hosts,
unknown values) resolves to a resource of the stack in an allowed region, matched by recorded id, never by
logical name; geo-redundant copies of resources that inherit their location are judged here."""

from __future__ import annotations

from policy_testlib import ALLOWED, EXT, OWN, UNKNOWN, azure_rg, azure_store, graph, messages, res

RULE = "require-resolved-references"
WORKSPACE = "azure-native:operationalinsights:Workspace"


def test_bucket_resolved_by_recorded_name_never_by_logical_name():
    local = res("aws:s3/bucket:Bucket", "logs", {"bucket": "logs-1a2b"})
    trail = res("aws:cloudtrail/trail:Trail", "t", {"s3BucketName": "logs"})
    assert messages("disallow-non-eea-replication", trail, ALLOWED) == []  # deferred to the graph
    found = messages(RULE, graph(local, trail), ALLOWED)
    assert len(found) == 1 and "`s3BucketName` refers to 'logs', which is neither a resource" in found[0][1]
    ok = res("aws:cloudtrail/trail:Trail", "t", {"s3BucketName": "logs-1a2b"})
    assert messages(RULE, graph(local, ok), ALLOWED) == []


def test_azure_id_resolved_by_recorded_id():
    law_id = f"{OWN}/Microsoft.OperationalInsights/workspaces/law"
    ws = res(WORKSPACE, "law", {"location": "northeurope", "id": law_id})
    diag = res(
        "azure-native:monitor:DiagnosticSetting",
        "d",
        {"workspaceId": f"{OWN}/Microsoft.OperationalInsights/workspaces/law"},
    )
    assert messages(RULE, graph(ws, diag), ALLOWED) == []
    ext = res(
        "azure-native:monitor:DiagnosticSetting",
        "d",
        {"workspaceId": f"{EXT}/Microsoft.OperationalInsights/workspaces/law"},
    )
    assert "neither a resource of this stack" in messages(RULE, graph(ws, ext))[0][1]


def test_resolved_resource_outside_or_unplaceable():
    law_id = f"{OWN}/Microsoft.OperationalInsights/workspaces/law"
    diag = res("azure-native:monitor:DiagnosticSetting", "d", {"workspaceId": law_id})
    us = res(WORKSPACE, "law", {"location": "eastus", "id": law_id})
    # (the fixture's recorded `id` is an input, so the workspace names itself too: only `d` is asserted)
    found = dict(messages(RULE, graph(us, diag), ALLOWED))
    assert found["d"] == "`workspaceId` (law: data is sent there) is in 'eastus', which is outside the EEA"
    unknown = res(WORKSPACE, "law", {"location": UNKNOWN, "id": law_id})
    found = dict(messages(RULE, graph(unknown, diag), ALLOWED))
    assert found["d"].startswith("`workspaceId` refers to law, whose location cannot be judged: `location`")


def test_unknown_destination_resolves_through_property_dependencies():
    key = res("aws:kms/key:Key", "k")
    key.urn = "urn:key"
    alias = res(
        "aws:kms/alias:Alias",
        "a",
        {"targetKeyId": UNKNOWN},
        property_dependencies={"targetKeyId": ("urn:key",)},
    )
    assert messages(RULE, graph(key, alias), ALLOWED) == []
    orphan = res("aws:sns/topicSubscription:TopicSubscription", "s", {"endpoint": UNKNOWN})
    found = messages(RULE, graph(orphan), ALLOWED)
    assert "`endpoint` is unknown during preview and computed from no resource" in found[0][1]


def test_scoped_azure_types_live_where_their_scope_is():
    ext = res(
        "azure-native:eventgrid:EventSubscription",
        "sub",
        {"scope": f"{EXT}/Microsoft.Storage/storageAccounts/us"},
    )
    assert "neither a resource of this stack" in messages(RULE, graph(ext))[0][1]


def test_geo_copy_of_an_inheriting_resource_goes_to_its_groups_pair():
    store = azure_store(location=None, sku={"name": "Standard_GRS"},
                        property_dependencies={"resourceGroupName": ("urn:rg",)})
    rg = azure_rg("westeurope")
    rg.urn = "urn:rg"
    assert messages(RULE, graph(rg, store), ALLOWED) == []
    assert messages("disallow-non-eea-replication", store, ALLOWED) == []  # resource scope cannot tell
    rg.raw["location"] = "germanywestcentral"
    assert messages(RULE, graph(rg, store), ALLOWED) == [
        ("acct", "`sku.name` (geo-redundant copy) is in 'germanynorth', which is not an allowed region "
                 "(allowed: northeurope, westeurope)")
    ]
    rg.raw["location"] = "brazilsoutheast"
    [(_, message)] = messages(RULE, graph(rg, store), ALLOWED)
    assert "'brazilsoutheast' has no known paired region, so the copy's location cannot be judged" in message


def test_s3_urls_bucket_locations_and_named_profiles_resolve_in_the_stack():
    bucket = res("aws:s3/bucketV2:BucketV2", "b", {"bucket": "own-etl"})
    job = res("aws:glue/job:Job", "j", {"command": {"scriptLocation": "s3://own-etl/job.py"}})
    build = res("aws:codebuild/project:Project", "p", {"artifacts": {"type": "S3", "location": "own-etl"}})
    assert messages(RULE, graph(bucket, job, build), ALLOWED) == []
    artifacts = {"artifacts": {"type": "S3", "location": "us-drop"}}
    outside = res("aws:codebuild/project:Project", "p", artifacts)
    dest = {"destinationFlowConfigLists": [{"connectorProfileName": "crm-x"}]}
    flow = res("aws:appflow/flow:Flow", "f", dest)
    found = messages(RULE, graph(bucket, outside, flow), ALLOWED)
    assert len(found) == 2 and all("neither a resource of this stack" in m for _, m in found)
    prof = res("aws:appflow/connectorProfile:ConnectorProfile", "cp", {"name": "crm-x"})
    assert messages(RULE, graph(bucket, prof, flow), ALLOWED) == []


def test_workspaces_named_by_guid_resolve_to_the_stacks_own():
    guid = "8d1f0c4e-2b7a-4e3d-9c6f-1a2b3c4d5e6f"
    cg = res(
        "azure-native:containerinstance:ContainerGroup",
        "cg",
        {"location": "westeurope", "diagnostics": {"logAnalytics": {"workspaceId": guid}}},
    )
    found = messages(RULE, graph(cg), ALLOWED)
    assert len(found) == 1 and f"refers to '{guid}', which is neither" in found[0][1]
    ws = res(WORKSPACE, "law", {"location": "westeurope", "customerId": guid})
    assert messages(RULE, graph(ws, cg), ALLOWED) == []
    far = res(WORKSPACE, "law", {"location": "eastus", "customerId": guid})
    assert "outside the EEA" in messages(RULE, graph(far, cg), ALLOWED)[0][1]


def test_storage_accounts_named_by_connection_string_or_name():
    st = res("azure-native:storage:StorageAccount", "st", {"location": "westeurope", "name": "dosisfiles"})
    conn = "DefaultEndpointsProtocol=https;AccountName={};AccountKey=bm90"
    for account, found in (("dosisfiles", 0), ("partnerus", 1)):
        app = res(
            "azure-native:web:WebApp",
            "app",
            {
                "location": "westeurope",
                "siteConfig": {
                    "appSettings": [{"name": "AzureWebJobsStorage", "value": conn.format(account)}],
                    "azureStorageAccounts": {"d": {"accountName": account, "shareName": "s"}},
                },
            },
        )
        vol = {"volumes": [{"azureFile": {"storageAccountName": account, "shareName": "s"}}]}
        cg = res("azure-native:containerinstance:ContainerGroup", "cg", {"location": "westeurope", **vol})
        assert len(messages(RULE, graph(st, app), ALLOWED)) == 2 * found
        assert len(messages(RULE, graph(st, cg), ALLOWED)) == found


def test_unknown_value_from_a_stack_reference_fails_closed():
    sref = res("pulumi:pulumi:StackReference", "central", {"name": "partner/siem/prod"})
    fn = res(
        "aws:lambda/function:Function",
        "fn",
        {"environment": {"variables": {"SINK_URL": UNKNOWN}}},
        property_dependencies={"environment": (sref.urn,)},
    )
    found = messages(RULE, graph(sref, fn), ALLOWED)
    assert len(found) == 1 and "computed from stack reference central" in found[0][1]
    recorded = res("pulumi:pulumi:StackReference", "central", {"name": "org/x/prod", "outputs": {"ip": "1"}})
    assert messages(RULE, graph(recorded, fn), ALLOWED) == []
