"""Red-team round 51 of the residency pack: Firehose streams named by name, AppStream storage connectors and
DataZone environment profiles (corpus cases: tests/corpus/residency/{evil,good}/r51-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, res

FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
STREAM = res(FIREHOSE, "fh", {"name": "chat-archive", "destination": "extended_s3"})


def _blocking(*views):
    """(resource, message) of both rules that judge a destination: per resource, and over the stack."""
    per_view = [(v.name, m) for v in views for m in messages(REPLICATION, v, ALLOWED)]
    return per_view + messages(RESOLVED, graph(*views), ALLOWED)


def _chat_log(stream: str):
    return res("aws:ivschat/loggingConfiguration:LoggingConfiguration", "log",
               {"name": "chat", "destinationConfiguration": {"firehose": {"deliveryStreamName": stream}}})


def _msk(stream: str):
    logs = {"brokerLogs": {"firehose": {"enabled": True, "deliveryStream": stream}}}
    return res("aws:msk/cluster:Cluster", "kafka", {"clusterName": "k", "loggingInfo": logs})


def test_a_firehose_stream_named_by_name_must_be_the_stack_s():
    for view in (_chat_log("partner-stream"), _msk("partner-stream")):
        found = _blocking(STREAM, view)
        assert found and all(FIREHOSE + "|partner-stream" in m for _, m in found)
    assert _blocking(STREAM, _chat_log("chat-archive")) == []
    assert _blocking(STREAM, _msk("chat-archive")) == []


def test_a_stream_name_outside_a_firehose_block_is_not_a_firehose_stream():
    rule = res("aws:iot/topicRule:TopicRule", "tr", {
        "name": "t", "enabled": True, "sql": "SELECT 1", "sqlVersion": "2016-03-23",
        "kinesis": {"streamName": "telemetry", "roleArn": "arn:aws:iam::123456789012:role/iot"}})
    assert not any(FIREHOSE in m for _, m in _blocking(rule))


def _appstream(*kinds: str):
    connectors = [{"connectorType": k, "domains": ["vlaanderen.be"]} for k in kinds]
    return res("aws:appstream/stack:Stack", "desk", {"name": "desk", "storageConnectors": connectors})


def test_an_appstream_drive_connector_is_judged_as_the_drive_service():
    google = messages(REPLICATION, _appstream("HOMEFOLDERS", "GOOGLE_DRIVE"), ALLOWED)
    assert len(google) == 1 and "drive.google.com" in google[0]
    assert any("my.sharepoint.com" in m for m in messages(REPLICATION, _appstream("ONE_DRIVE"), ALLOWED))
    assert any("BOX" in m for m in messages(REPLICATION, _appstream("BOX"), ALLOWED))
    assert messages(REPLICATION, _appstream("HOMEFOLDERS"), ALLOWED) == []


def test_a_datazone_environment_s_profile_must_be_the_stack_s():
    profile = res("aws:datazone/environmentProfile:EnvironmentProfile", "prof", {
        "id": "prof1", "name": "lake", "awsAccountRegion": "eu-west-1"})

    def env(profile_id: str):
        return res("aws:datazone/environment:Environment", "env", {
            "name": "lake", "domainIdentifier": "dzd_1", "projectIdentifier": "p1",
            "profileIdentifier": profile_id})

    found = _blocking(profile, env("portal-made"))
    assert found and all("EnvironmentProfile|portal-made" in m for _, m in found)
    assert _blocking(profile, env("prof1")) == []


def _jdbc_table(connection: str, location: str = "dossiers.public.cases"):
    return res("aws:glue/catalogTable:CatalogTable", "cases", {
        "databaseName": "dossiers", "name": "cases", "tableType": "EXTERNAL_TABLE",
        "parameters": {"classification": "postgresql", "connectionName": connection},
        "storageDescriptor": {"location": location}})


def test_a_glue_table_over_a_connection_is_judged_by_its_connection_not_its_location():
    connection = res("aws:glue/connection:Connection", "pg", {
        "name": "dossiers-pg", "connectionProperties": {"JDBC_CONNECTION_URL": "jdbc:postgresql://10.0.1.5/d"}})
    assert _blocking(connection, _jdbc_table("dossiers-pg")) == []
    found = _blocking(connection, _jdbc_table("partner-pg"))
    assert found and all("Connection|partner-pg" in m for _, m in found)
    found = _blocking(connection, _jdbc_table("dossiers-pg", "s3://partner-bucket/cases/"))
    assert any("partner-bucket" in m for _, m in found)
