"""eu-residency rules: a compliant fixture and one failing mutation per message."""

from __future__ import annotations

import json

from policy_testlib import TAGS, UNKNOWN, aws_provider, azure_provider, graph, messages, res

from policies.core.view import ProviderView, unknown_message

ALLOWED = {"allowedRegions": ["westeurope", "northeurope", "eu-west-1"]}
EXT = "/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/rg-x/providers"
OWN = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-weu/providers"


def azure_rg(location="westeurope"):
    return res(
        "azure-native:resources:ResourceGroup",
        "rg",
        {"resourceGroupName": "rg-weu", "location": location, "id": OWN.rsplit("/", 1)[0]},
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
        "azure-native:storage:StorageAccount", "acct", {k: v for k, v in inputs.items() if v is not None}
    )


# ---------------------------------------------------------------- require-eea-location (resource scope)


def test_location_compliant_sources():
    assert messages("require-eea-location", res("aws:s3/bucket:Bucket", "b"), ALLOWED) == []
    assert messages("require-eea-location", res("aws:s3/bucket:Bucket", "b", {"region": "eu-west-1"})) == []
    assert messages("require-eea-location", azure_store(location="West Europe"), ALLOWED) == []
    assert (
        messages("require-eea-location", res("aws:iam/role:Role", "r", provider=None)) == []
    )  # global class


def test_location_outside_eea_and_not_allowed():
    b = res("aws:s3/bucket:Bucket", "b", provider=aws_provider("us-east-1"))
    assert messages("require-eea-location", b) == [
        "the resource (location from provider default `region`) is in 'us-east-1', which is outside the EEA"
    ]
    own = res("aws:s3/bucket:Bucket", "b", {"region": "us-west-2"})
    assert "outside the EEA" in messages("require-eea-location", own)[0]
    de = azure_store(location="germanywestcentral")
    assert "not an allowed region" in messages("require-eea-location", de, ALLOWED)[0]


def test_location_unknown_and_global_fail_closed():
    assert messages("require-eea-location", azure_store(location=UNKNOWN)) == [
        unknown_message("location", "the resource's location")
    ]
    assert "'global'" in messages("require-eea-location", azure_store(location="global"))[0]
    ag = res("azure-native:monitor:ActionGroup", "ag", {"location": "global", "resourceGroupName": "rg-weu"})
    assert messages("require-eea-location", ag) == []


def test_components_have_no_location():
    comp = res("acme:storage:Archive", "arch", {"location": "eastus"}, custom=False)
    assert messages("require-eea-location", comp) == []


# ---------------------------------------------------------------- require-eea-inherited-location (graph)


def test_inherited_location_is_judged_over_the_graph():
    store = azure_store(location=None, property_dependencies={"resourceGroupName": ("urn:rg",)})
    assert messages("require-eea-location", store) == []  # resource scope cannot tell
    rg = azure_rg("eastus")
    rg.urn = "urn:rg"
    found = messages("require-eea-inherited-location", graph(rg, store), ALLOWED)
    assert found == [
        (
            "acct",
            "the resource (location from resource group rg `location`) is in 'eastus', "
            "which is outside the EEA",
        )
    ]
    ok = azure_rg()
    ok.urn = "urn:rg"
    assert messages("require-eea-inherited-location", graph(ok, store), ALLOWED) == []


# ---------------------------------------------------------------- disallow-non-eea-replication (resource)


def test_references_judged_from_themselves():
    ok = res(
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "f",
        {"destinationArn": "arn:aws:firehose:eu-west-1:1:deliverystream/siem"},
    )
    assert messages("disallow-non-eea-replication", ok, ALLOWED) == []
    us = res(
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "f",
        {"destinationArn": "arn:aws:kinesis:us-east-1:1:stream/siem"},
    )
    assert messages("disallow-non-eea-replication", us, ALLOWED) == [
        "`destinationArn` (data is sent there) is in 'us-east-1', which is outside the EEA"
    ]


def test_references_inside_json_strings_and_upper_case():
    td = res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "td",
        {
            "containerDefinitions": json.dumps(
                [{"logConfiguration": {"options": {"awslogs-region": "US-EAST-1"}}}]
            )
        },
    )
    assert messages("disallow-non-eea-replication", td, ALLOWED) == [
        "`containerDefinitions(json).0.logConfiguration.options.awslogs-region` (data is sent there) is in "
        "'us-east-1', which is outside the EEA"
    ]


def test_hosts_must_be_declared():
    fn = res(
        "aws:lambda/function:Function",
        "fn",
        {
            "handler": "index.handler",
            "environment": {
                "variables": {
                    "URL": "https://hooks.example.net/x",
                    "MAIL": "soc@vlaanderen.be",
                    "F": "settings.yaml",
                }
            },
        },
    )
    assert messages("disallow-non-eea-replication", fn, ALLOWED) == [
        "`environment.variables.URL` sends to hooks.example.net, which is neither a resource of this stack "
        "nor a declared external endpoint (stacks/records/endpoints.yaml: add it with its region and why)"
    ]


def test_edge_hosts_partitions_and_global_endpoints():
    r = res(
        "aws:route53/record:Record",
        "r",
        {"records": ["d1.cloudfront.net"], "aliases": [{"name": "x.s3.amazonaws.com.cn"}]},
    )
    found = messages("disallow-non-eea-replication", r, ALLOWED)
    assert any("global edge service" in m for m in found) and any("partition" in m for m in found)
    svc = res(
        "aws:iam/role:Role",
        "r",
        {
            "assumeRolePolicy": json.dumps(
                {
                    "Statement": [
                        {"Principal": {"Service": "lambda.amazonaws.com"}, "Resource": "arn:aws:logs:*:*:*"}
                    ]
                }
            )
        },
    )
    assert messages("disallow-non-eea-replication", svc, ALLOWED) == []


def test_geo_redundant_copy_goes_to_the_pair():
    assert messages("disallow-non-eea-replication", azure_store(sku={"name": "Standard_GRS"}), ALLOWED) == []
    found = messages(
        "disallow-non-eea-replication",
        azure_store(location="germanywestcentral", sku={"name": "Standard_GRS"}),
        ALLOWED,
    )
    assert found == [
        "`sku.name` (geo-redundant copy) is in 'germanynorth', which is not an allowed region "
        "(allowed: northeurope, westeurope)"
    ]


# ---------------------------------------------------------------- require-resolved-references (graph)


def test_bucket_resolved_by_recorded_name_never_by_logical_name():
    local = res("aws:s3/bucket:Bucket", "logs", {"bucket": "logs-1a2b"})
    trail = res("aws:cloudtrail/trail:Trail", "t", {"s3BucketName": "logs"})
    assert messages("disallow-non-eea-replication", trail, ALLOWED) == []  # deferred to the graph
    found = messages("require-resolved-references", graph(local, trail), ALLOWED)
    assert len(found) == 1 and "`s3BucketName` refers to 'logs', which is neither a resource" in found[0][1]
    ok = res("aws:cloudtrail/trail:Trail", "t", {"s3BucketName": "logs-1a2b"})
    assert messages("require-resolved-references", graph(local, ok), ALLOWED) == []


def test_azure_id_resolved_by_recorded_id():
    ws = res(
        "azure-native:operationalinsights:Workspace",
        "law",
        {"location": "northeurope", "id": f"{OWN}/Microsoft.OperationalInsights/workspaces/law"},
    )
    diag = res(
        "azure-native:monitor:DiagnosticSetting",
        "d",
        {"workspaceId": f"{OWN}/Microsoft.OperationalInsights/workspaces/law"},
    )
    assert messages("require-resolved-references", graph(ws, diag), ALLOWED) == []
    ext = res(
        "azure-native:monitor:DiagnosticSetting",
        "d",
        {"workspaceId": f"{EXT}/Microsoft.OperationalInsights/workspaces/law"},
    )
    assert "neither a resource of this stack" in messages("require-resolved-references", graph(ws, ext))[0][1]


def test_unknown_destination_resolves_through_property_dependencies():
    key = res("aws:kms/key:Key", "k")
    key.urn = "urn:key"
    alias = res(
        "aws:kms/alias:Alias",
        "a",
        {"targetKeyId": UNKNOWN},
        property_dependencies={"targetKeyId": ("urn:key",)},
    )
    assert messages("require-resolved-references", graph(key, alias), ALLOWED) == []
    orphan = res("aws:sns/topicSubscription:TopicSubscription", "s", {"endpoint": UNKNOWN})
    found = messages("require-resolved-references", graph(orphan), ALLOWED)
    assert "`endpoint` is unknown during preview and computed from no resource" in found[0][1]


# ---------------------------------------------------------------- require-eea-provider-endpoints


def test_provider_settings_are_locations():
    def with_provider(**inputs):
        return res(
            "aws:s3/bucket:Bucket",
            "b",
            provider=ProviderView("pulumi:providers:aws", {"region": "eu-west-1", **inputs}, "urn:p", "p"),
        )

    assert messages("require-eea-provider-endpoints", with_provider(), ALLOWED) == []
    found = messages(
        "require-eea-provider-endpoints",
        with_provider(endpoints=json.dumps([{"s3": "https://s3.us-east-1.amazonaws.com"}])),
        ALLOWED,
    )
    assert found == [
        "`provider.endpoints(json).0.s3` (s3.us-east-1.amazonaws.com) is in 'us-east-1', which is "
        "outside the EEA"
    ]
    cn = with_provider(assumeRole=json.dumps({"roleArn": "arn:aws-cn:iam::1:role/x"}))
    assert "aws-cn partition" in messages("require-eea-provider-endpoints", cn, ALLOWED)[0]
    gov = res(
        "azure-native:resources:ResourceGroup",
        "rg",
        {"location": "westeurope"},
        provider=ProviderView("pulumi:providers:azure-native", {"environment": "usgovernment"}, "u", "p"),
    )
    assert "sovereign" in messages("require-eea-provider-endpoints", gov, ALLOWED)[0]
    assert (
        messages(
            "require-eea-provider-endpoints",
            res("azure-native:resources:ResourceGroup", "rg", {}, provider=azure_provider()),
        )
        == []
    )


# ---------------------------------------------------------------- types: known, edge, deployer


def test_known_resource_types():
    assert messages("require-known-resource-types", res("aws:s3/bucket:Bucket", "b")) == []
    assert messages("require-known-resource-types", res("acme:x:Component", "c", custom=False)) == []
    found = messages("require-known-resource-types", res("aws-native:s3:Bucket", "b"))
    assert found == [
        "aws-native:s3:Bucket belongs to provider package 'aws-native', which is not an installed, "
        "classified provider SDK (policies/data/resource_types.json), so whether and where it keeps "
        "data cannot be judged"
    ]
    stale = messages("require-known-resource-types", res("azure-native:documentdb:DatabaseAccount", "c"))
    assert stale == [
        "azure-native:documentdb:DatabaseAccount: service module 'azure-native:documentdb' has no "
        "class in policies/data/resource_classes.yaml"
    ]
    typo = messages("require-known-resource-types", res("aws:s3/bukket:Bukket", "b"))
    assert "not a resource type of the installed aws SDK" in typo[0]


def test_edge_and_deployer_classes():
    assert messages("disallow-global-edge-services", res("azure-native:frontdoor:FrontDoor", "fd")) != []
    assert messages("disallow-global-edge-services", res("aws:dynamodb/globalTable:GlobalTable", "g")) != []
    assert messages("disallow-global-edge-services", res("aws:dynamodb/table:Table", "t")) == []
    assert messages("disallow-opaque-deployers", res("pulumi-python:dynamic:Resource", "d")) != []
    assert messages("disallow-opaque-deployers", res("azure-native:resources:AzureCliScript", "s")) != []
    assert messages("disallow-opaque-deployers", res("azure-native:resources:ResourceGroup", "rg")) == []
