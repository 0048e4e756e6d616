"""eu-residency rules: a compliant fixture and one failing mutation per message."""

from __future__ import annotations

from policy_testlib import TAGS, UNKNOWN, aws_provider, azure_provider, graph, messages, res

from policies.core.view import unknown_message

ALLOWED = {"allowedRegions": ["westeurope", "northeurope", "eu-west-1"]}


def azure_rg(location="westeurope"):
    return res(
        "azure-native:resources:ResourceGroup", "rg", {"resourceGroupName": "rg-weu", "location": location}
    )


def azure_store(**over):
    inputs = {
        "resourceGroupName": "rg-weu",
        "accountName": "acct",
        "sku": {"name": "Standard_ZRS"},
        "location": "westeurope",
        "tags": TAGS,
    }
    inputs.update(over)
    return res(
        "azure-native:storage:StorageAccount",
        "acct",
        {k: v for k, v in inputs.items() if v is not None},
        provider=None,
    )


# ---------------------------------------------------------------- require-eea-location


def test_location_compliant_sources():
    g = graph(
        azure_rg(),
        azure_store(),
        azure_store(location=None),  # inherits the resource group's location
        res("azure-native:network:Subnet", "sn", {"resourceGroupName": "rg-weu"}, provider=azure_provider()),
        res("aws:s3/bucket:Bucket", "b", {"region": "eu-west-1"}),
        res("aws:rds/instance:Instance", "db", {}),  # the provider's region
        res("aws:iam/role:Role", "r", {}, provider=aws_provider("us-east-1")),  # data-free global
        res("azure-native:network:PrivateZone", "z", {"location": "global"}),
    )
    assert messages("require-eea-location", g, ALLOWED) == []


def test_location_outside_eea():
    g = graph(res("aws:s3/bucket:Bucket", "b", {"region": "eu-west-2"}))
    assert messages("require-eea-location", g, ALLOWED) == [
        ("b", "the resource (location from input `region`) is in 'eu-west-2', which is outside the EEA")
    ]


def test_location_eea_but_not_allowed_by_config():
    g = graph(res("aws:s3/bucket:Bucket", "b", {}, provider=aws_provider("eu-central-1")))
    assert messages("require-eea-location", g, ALLOWED) == [
        (
            "b",
            "the resource (location from provider default `region`) is in 'eu-central-1', which is not an "
            "allowed region (allowed: eu-west-1)",
        )
    ]
    assert messages("require-eea-location", g) == []  # default: every EEA region


def test_location_display_names_and_aliases():
    g = graph(
        azure_store(location="West Europe"), res("aws:s3/bucket:Bucket", "b", {"region": "eusc-de-east-1"})
    )
    assert messages("require-eea-location", g) == []
    g = graph(azure_store(location="Switzerland North"))
    assert messages("require-eea-location", g) == [
        (
            "acct",
            "the resource (location from input `location`) is in 'Switzerland North', which is outside "
            "the EEA",
        )
    ]


def test_location_unknown_fails_closed():
    g = graph(azure_store(location=UNKNOWN))
    assert messages("require-eea-location", g) == [
        ("acct", unknown_message("location", "the resource's location"))
    ]
    g = graph(res("aws:s3/bucket:Bucket", "b", {}, provider=aws_provider(UNKNOWN)))
    assert messages("require-eea-location", g) == [
        ("b", unknown_message("provider.region", "the resource's region"))
    ]


def test_location_rg_location_unknown():
    g = graph(azure_rg(UNKNOWN), azure_store(location=None))
    assert messages("require-eea-location", g)[-1] == (
        "acct",
        unknown_message("location of resource group rg", "the resource's location"),
    )


def test_location_undeterminable():
    g = graph(res("aws:s3/bucket:Bucket", "b", {}, provider=None))
    assert messages("require-eea-location", g) == [
        (
            "b",
            "the region cannot be determined: no `region` input and no provider region (set aws:region in "
            "the "
            "stack config or an explicit provider)",
        )
    ]
    g = graph(azure_store(location=None, resourceGroupName="elsewhere"))
    assert messages("require-eea-location", g) == [
        (
            "acct",
            "the location cannot be determined: no `location` input, no provider location and no "
            "resource "
            "group of this stack to inherit it from",
        )
    ]


def test_location_global_for_data_type():
    g = graph(azure_store(location="global"))
    assert messages("require-eea-location", g) == [
        ("acct", "`location` is 'global': the data of this type is not kept in one EEA region")
    ]


# ---------------------------------------------------------------- disallow-non-eea-replication


def test_replication_compliant():
    g = graph(
        azure_rg(),
        azure_store(sku={"name": "Standard_GRS"}),  # westeurope pairs with northeurope
        res("aws:dynamodb/table:Table", "t", {"replicas": [{"regionName": "eu-west-1"}]}),
        res("aws:s3/bucket:Bucket", "logs", {"bucket": "logs-bucket"}),
        res("aws:s3/bucketLogging:BucketLogging", "bl", {"bucket": "x", "targetBucket": "logs-bucket"}),
        res("aws:cloudwatch/logGroup:LogGroup", "lg", {"kmsKeyId": "arn:aws:kms:eu-west-1:1:key/k"}),
    )
    assert messages("disallow-non-eea-replication", g, ALLOWED) == []


def test_replication_region_target():
    g = graph(res("aws:dynamodb/table:Table", "t", {"replicas": [{"regionName": "us-east-1"}]}))
    assert messages("disallow-non-eea-replication", g, ALLOWED) == [
        (
            "t",
            "`replicas.0.regionName` (data copied or sent there) is in 'us-east-1', which is outside the EEA",
        )
    ]


def test_replication_arn_anywhere_in_inputs():
    g = graph(res("aws:cloudwatch/logGroup:LogGroup", "lg", {"kmsKeyId": "arn:aws:kms:eu-central-1:1:key/k"}))
    assert messages("disallow-non-eea-replication", g, ALLOWED) == [
        (
            "lg",
            "`kmsKeyId` (data copied or sent there) is in 'eu-central-1', which is not an allowed region "
            "(allowed: eu-west-1)",
        )
    ]


def test_replication_geo_sku_pair_outside_allowed():
    g = graph(azure_store(location="francecentral", sku={"name": "Standard_RAGRS"}))
    assert messages("disallow-non-eea-replication", g, ALLOWED) == [
        (
            "acct",
            "`sku.name` (data copied or sent there) is in 'francesouth', which is not an allowed region "
            "(allowed: northeurope, westeurope)",
        )
    ]


def test_replication_bucket_not_in_stack():
    g = graph(res("aws:s3/bucketLogging:BucketLogging", "bl", {"bucket": "x", "targetBucket": "far-away"}))
    assert messages("disallow-non-eea-replication", g) == [
        (
            "bl",
            "`targetBucket` names bucket 'far-away', which is not in this stack, so its region cannot be "
            "judged",
        )
    ]


def test_replication_azure_id_unresolvable_and_stack_reference():
    rid = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws"
    diag = res(
        "azure-native:monitor:DiagnosticSetting",
        "d",
        {"resourceUri": "x", "workspaceId": rid},
        provider=azure_provider(),
    )
    assert messages("disallow-non-eea-replication", graph(diag)) == [
        (
            "d",
            f"`workspaceId` refers to {rid!r}, which is neither in this stack nor in a referenced stack "
            f"that "
            "states its location, so where the data goes cannot be judged",
        )
    ]
    ref = res(
        "pulumi:pulumi:StackReference",
        "dosis",
        {"outputs": {"logAnalyticsWorkspaceId": rid, "location": "westeurope"}},
    )
    assert messages("disallow-non-eea-replication", graph(diag, ref)) == []


def test_replication_unknown_target():
    g = graph(res("aws:secretsmanager/secret:Secret", "s", {"replicas": [{"region": UNKNOWN}]}))
    assert messages("disallow-non-eea-replication", g) == [
        ("s", unknown_message("replicas.0.region", "where the data goes"))
    ]


def test_replication_not_an_azure_id():
    diag = res(
        "azure-native:monitor:DiagnosticSetting", "d", {"workspaceId": "ws"}, provider=azure_provider()
    )
    assert messages("disallow-non-eea-replication", graph(diag)) == [
        ("d", "`workspaceId` = 'ws' is not an Azure resource id, so its location cannot be judged")
    ]


# ---------------------------------------------------------------- edge, opaque, unknown types


def test_global_edge_services():
    assert messages("disallow-global-edge-services", res("aws:lb/loadBalancer:LoadBalancer", "lb")) == []
    assert messages(
        "disallow-global-edge-services", res("aws:cloudfront/distribution:Distribution", "cdn")
    ) == [
        "aws:cloudfront/distribution:Distribution is a global or edge service: it serves or replicates data "
        "outside one EEA region; serve it from a regional EEA service instead (residency findings cannot be "
        "waived)"
    ]


def test_opaque_deployers():
    assert messages("disallow-opaque-deployers", res("aws:s3/bucket:Bucket", "b")) == []
    assert messages("disallow-opaque-deployers", res("azure-native:resources:Deployment", "arm")) == [
        "azure-native:resources:Deployment deploys resources that no policy can inspect; declare them as "
        "Pulumi "
        "resources instead (residency findings cannot be waived)"
    ]


def test_known_resource_types():
    for t in (
        "aws:s3/bucket:Bucket",
        "aws:iam/role:Role",
        "dosis-eloket:aws:SecureBucket",
        "pulumi:providers:aws",
        "azure-native:network:Subnet",
        "random:index/randomPassword:RandomPassword",
    ):
        assert messages("require-known-resource-types", graph(res(t, "x"))) == [], t
    assert messages("require-known-resource-types", graph(res("aws:timestream/database:Database", "x"))) == [
        (
            "x",
            "aws:timestream/database:Database is not classified in policies/core/types.py (data store, "
            "key, edge, "
            "deployer or data-free), so whether and where it holds data cannot be judged",
        )
    ]
