"""Red-team round 18 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r18-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, azure_provider, graph, messages, pinned_res, res

RESOLVED = "require-resolved-references"
REPLICATION = "disallow-non-eea-replication"
ROLE = "arn:aws:iam::123456789012:role/r"
UNRESOLVED = (
    ", which is neither a resource of this stack (matched by its recorded id, ARN or endpoint, never by "
    "name) nor a declared external endpoint (stacks/records/endpoints.yaml), so where it is cannot be "
    "judged"
)
NOT_DECLARED = (
    ", which is neither a resource of this stack nor a declared external endpoint "
    "(stacks/records/endpoints.yaml: add it with its region and why)"
)
SITE = ("; the pack cannot place that site in an allowed region, so keep the data in resources of the "
        "stack's own regions")


def _refers(path: str, target: str, value: str) -> str:
    return f"`{path}` refers to '{target}|{value}'" + UNRESOLVED


# ------------------------------------------------------------------ shared resources named by bare id or name


def test_a_resolver_rule_association_must_name_a_rule_of_the_stack():
    rule = "aws:route53/resolverRule:ResolverRule"

    def assoc(rule_id: str) -> object:
        return pinned_res("aws:route53/resolverRuleAssociation:ResolverRuleAssociation", "a",
                          {"resolverRuleId": rule_id, "vpcId": "vpc-1"})

    assert messages(RESOLVED, graph(assoc("rslvr-rr-5f1e2d3c4b5a69788")), ALLOWED) == [
        ("a", _refers("resolverRuleId", rule, "rslvr-rr-5f1e2d3c4b5a69788"))]
    own = pinned_res(rule, "fwd", {"domainName": "corp.vlaanderen.be", "ruleType": "FORWARD",
                                   "id": "rslvr-rr-0123456789abcdef0"})
    assert messages(RESOLVED, graph(own, assoc("rslvr-rr-0123456789abcdef0")), ALLOWED) == []


def test_query_log_configs_and_mirror_targets_by_id_must_be_the_stacks():
    qlog = pinned_res("aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation", "q",
                      {"resolverQueryLogConfigId": "rqlc-0a1b2c3d", "resourceId": "vpc-1"})
    assert messages(RESOLVED, graph(qlog), ALLOWED) == [("q", _refers(
        "resolverQueryLogConfigId", "aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig",
        "rqlc-0a1b2c3d"))]
    target = "aws:ec2/trafficMirrorTarget:TrafficMirrorTarget"
    session = pinned_res("aws:ec2/trafficMirrorSession:TrafficMirrorSession", "s", {
        "networkInterfaceId": "eni-1", "trafficMirrorTargetId": "tmt-0f9e8d7c", "trafficMirrorFilterId": "f",
        "sessionNumber": 1})
    assert messages(RESOLVED, graph(session), ALLOWED) == [
        ("s", _refers("trafficMirrorTargetId", target, "tmt-0f9e8d7c"))]
    own = pinned_res(target, "t", {"networkLoadBalancerArn": "x", "id": "tmt-0f9e8d7c"})
    assert messages(RESOLVED, graph(own, session), ALLOWED) == []


def test_glue_crawlers_and_jobs_read_through_connections_of_the_stack():
    conn = "aws:glue/connection:Connection"
    crawler = pinned_res("aws:glue/crawler:Crawler", "c", {
        "databaseName": "d", "role": ROLE,
        "jdbcTargets": [{"connectionName": "legacy-crm", "path": "CRM/%"}],
        "mongodbTargets": [{"connectionName": "docs", "path": "db/coll"}]})
    assert messages(RESOLVED, graph(crawler), ALLOWED) == [
        ("c", _refers("jdbcTargets.0.connectionName", conn, "legacy-crm")),
        ("c", _refers("mongodbTargets.0.connectionName", conn, "docs"))]
    own = [pinned_res(conn, n, {"name": n, "connectionType": "JDBC", "connectionProperties": {
        "JDBC_CONNECTION_URL": "jdbc:postgresql://crm.c9akciq32abc.eu-west-1.rds.amazonaws.com:5432/crm"}})
        for n in ("legacy-crm", "docs")]
    db = pinned_res("aws:rds/instance:Instance", "db", {  # round 21: its host's database; 25: its address
        "identifier": "crm", "address": "crm.c9akciq32abc.eu-west-1.rds.amazonaws.com"})
    assert messages(RESOLVED, graph(*own, db, crawler), ALLOWED) == []
    job = pinned_res("aws:glue/job:Job", "j", {"roleArn": ROLE, "command": {"scriptLocation": "s3://b/k"},
                                               "connections": ["legacy-crm"]})
    assert ("j", _refers("connections.0", conn, "legacy-crm")) in messages(RESOLVED, graph(job), ALLOWED)


# ------------------------------------------------------------------ places no input names


def test_lake_formation_external_filtering_accounts_are_grantees():
    def lake(**inputs: object) -> object:
        return pinned_res("aws:lakeformation/dataLakeSettings:DataLakeSettings", "l", inputs)

    assert messages(REPLICATION, lake(externalDataFilteringAllowLists=["999988887777"]), ALLOWED) == [
        "`externalDataFilteringAllowLists.0` grants '999988887777' a copy it can take to any region or "
        "read access from any region (a shared snapshot, image or data share is copied or read wherever "
        "the grantee likes, a Lake Formation, RAM or resource-policy grant read from there, telemetry "
        "delivered into its account by an observability link or cross-account flow logs read there); share "
        "only with the stack's own account, which the pack knows only when the resource's provider pins it "
        "(allowedAccountIds: ['<12 digits>']; under a provider that pins none, even the stack's own "
        "account blocks), or declare the account (arns: [arn:aws:iam::<id>:]) with its region or "
        "jurisdiction in "
        "stacks/records/endpoints.yaml"]
    assert messages(REPLICATION, lake(externalDataFilteringAllowLists=["123456789012"],
                                      trustedResourceOwners=["123456789012"]), ALLOWED) == []


def test_an_action_group_itsm_receiver_is_a_site():
    def group(**inputs: object) -> object:
        return res("azure-native:monitor:ActionGroup", "g", {
            "resourceGroupName": "rg-weu", "location": "global", "groupShortName": "g", "enabled": True,
            **inputs}, provider=azure_provider())

    itsm = [{"name": "sn", "workspaceId": "s|w", "connectionId": "c", "ticketConfiguration": "{}",
             "region": "westeurope"}]
    assert messages(REPLICATION, group(itsmReceivers=itsm), ALLOWED) == [
        "`itsmReceivers`: an ITSM receiver sends each alert to the IT service management tool (ServiceNow, "
        "…) behind a connection of a Log Analytics workspace, which no input names; alert through a "
        "webhook or "
        "Logic App to a host of the stack or a declared endpoint instead" + SITE]
    assert messages(REPLICATION, group(emailReceivers=[
        {"name": "ops", "emailAddress": "ops@vlaanderen.be"}]), ALLOWED) == []


def test_a_url_without_a_host_is_a_site_unless_it_stays_on_the_machine():
    def hub(url: str) -> object:
        return res("azure-native:webpubsub:WebPubSubHub", "h", {
            "resourceGroupName": "rg-weu", "resourceName": "w", "hubName": "chat",
            "properties": {"eventHandlers": [{"urlTemplate": url}]}}, provider=azure_provider())

    assert messages(REPLICATION, hub("tunnel:///eventhandler"), ALLOWED) == [
        "`properties.eventHandlers.0.urlTemplate`: tunnel:///… is a URL with no host: it goes to wherever "
        "the client serving that scheme runs (a tunnel on a developer's machine, a local agent); name a "
        "host of "
        "the stack or a declared one" + SITE]
    assert messages(REPLICATION, hub("file:///var/run/handler"), ALLOWED) == []


def test_a_data_prepper_secret_placeholder_reads_a_store_of_the_stack():
    body = ('version: "2"\np:\n  source:\n    http:\n      path: /x\n  sink:\n    - opensearch:\n'
            '        hosts: ["${{aws_secrets:sink-conn:host}}"]\n')
    pipeline = pinned_res("aws:opensearchingest/pipeline:Pipeline", "p", {
        "pipelineName": "p", "minUnits": 1, "maxUnits": 1, "pipelineConfigurationBody": body})
    assert messages(RESOLVED, graph(pipeline), ALLOWED) == [(
        "p", "`pipelineConfigurationBody(yaml).p.sink.0.opensearch.hosts.0` is read at run time from the "
        "parameter or secret (a configuration provider's) 'sink-conn', which is no resource of this stack, "
        "so the destination it may hold is set outside any program and cannot be judged; create it in the "
        "stack "
        "with a plain value (judged there) or write the setting itself")]


def test_an_azure_region_label_places_only_a_microsoft_host():
    def upstream(url: str) -> object:
        return res("azure-native:signalrservice:SignalR", "s", {
            "resourceGroupName": "rg-weu", "location": "westeurope", "sku": {"name": "Standard_S1"},
            "upstream": {"templates": [{"urlTemplate": url}]}}, provider=azure_provider())

    assert messages(REPLICATION, upstream("https://hooks.westeurope.relayhub.io/{hub}"), ALLOWED) == [
        "`upstream.templates.0.urlTemplate` sends to hooks.westeurope.relayhub.io" + NOT_DECLARED]
    assert messages(REPLICATION, upstream("https://prod-12.westeurope.logic.azure.com/wf"), ALLOWED) == []
    assert messages(REPLICATION, upstream("https://prod-12.eastus.logic.azure.com/wf"), ALLOWED) != []


def test_a_vpc_attachment_must_use_a_transit_gateway_of_the_stack():
    tgw = "aws:ec2transitgateway/transitGateway:TransitGateway"
    attach = pinned_res("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "v", {
        "transitGatewayId": "tgw-0f1e2d3c", "vpcId": "vpc-1", "subnetIds": ["subnet-1"]})
    assert messages(RESOLVED, graph(attach), ALLOWED) == [
        ("v", _refers("transitGatewayId", tgw, "tgw-0f1e2d3c"))]
    own = pinned_res(tgw, "t", {"id": "tgw-0f1e2d3c"})
    assert messages(RESOLVED, graph(own, attach), ALLOWED) == []
