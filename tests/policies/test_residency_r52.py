"""Red-team round 52 of the residency pack: the data catalogs Athena queries name, and Glue tables whose
connection is unknown at preview (corpus cases: tests/corpus/residency/{evil,good}/r52-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, UNKNOWN, graph, messages, res

CATALOG = "aws:athena/dataCatalog:DataCatalog"
LAKE = res(CATALOG, "lake", {"name": "lake", "type": "GLUE"})  # the account's own Glue catalog


def _blocking(*views):
    """(resource, message) of both rules that judge a destination: per resource, and over the stack."""
    per_view = [(v.name, m) for v in views for m in messages(REPLICATION, v, ALLOWED)]
    return per_view + messages(RESOLVED, graph(*views), ALLOWED)


def _named_query(sql: str):
    return res("aws:athena/namedQuery:NamedQuery", "q", {"name": "q", "database": "dossiers", "query": sql})


def _prepared(sql: str):
    return res("aws:athena/preparedStatement:PreparedStatement", "ps",
               {"name": "ps", "workgroup": "analysts", "queryStatement": sql})


def test_an_athena_query_s_catalog_must_be_the_account_s_own_or_the_stack_s():
    for view in (_named_query('SELECT * FROM "partner_lake"."dossiers"."cases"'),
                 _prepared("SELECT status FROM partner_lake.dossiers.cases WHERE id = ?"),
                 _named_query("INSERT INTO `partner_lake`.shared.cases SELECT * FROM dossiers.events")):
        found = _blocking(LAKE, view)
        assert found and all(f"{CATALOG}|partner_lake" in m for _, m in found)
    own = ('SELECT e.dt FROM "awsdatacatalog"."dossiers"."events" e JOIN lake.dossiers.events f '
           "ON e.dt = f.dt WHERE e.host = 'a.b.c' -- x.y.z\n/* p.q.r */")
    assert _blocking(LAKE, _named_query(own)) == []
    assert _blocking(LAKE, _prepared("SELECT dt FROM dossiers.events WHERE id = ?")) == []
    assert _blocking(LAKE, _named_query("SELECT (e.detail).status FROM events e")) == []  # a struct's field


def _jdbc_table(connection: str, location: str = "dossiers.public.cases"):
    return res("aws:glue/catalogTable:CatalogTable", "cases", {
        "databaseName": "dossiers", "name": "cases", "tableType": "EXTERNAL_TABLE",
        "parameters": {"classification": "postgresql", "connectionName": connection},
        "storageDescriptor": {"location": location}})


def test_a_glue_table_over_an_unknown_connection_is_judged_by_the_connection_not_its_location():
    found = _blocking(_jdbc_table(UNKNOWN))
    assert found and not any("dossiers.public.cases" in m for _, m in found)
    assert all("connectionName" in m for _, m in found)  # unknown, from no resource: judged there
    found = _blocking(_jdbc_table(UNKNOWN, "s3://partner-bucket/cases/"))
    assert any("partner-bucket" in m for _, m in found)


def _workflow_app(settings: dict[str, str], kind: str = "functionapp,workflowapp"):
    listed = [{"name": k, "value": v} for k, v in settings.items()]
    return res("azure-native:web:WebApp", "la", {"name": "dosis-workflows", "location": "westeurope",
                                                 "kind": kind, "siteConfig": {"appSettings": listed}})


SQL = res("azure-native:sql:Server", "sql", {"name": "dosis-sql", "location": "westeurope"})
SPLIT = {"sqlServerName": "partner-sql", "sqlServerSuffix": "database.windows.net"}
APART = {"primaryDb": "partner-sql", "sqlSuffix": "database.windows.net"}  # no name of the suffix's stem


def test_a_workflow_app_s_endpoint_split_across_two_settings_is_judged_whole():
    found = _blocking(SQL, _workflow_app(SPLIT))
    assert found and all("partner-sql.database.windows.net" in m for _, m in found)
    alone = _blocking(SQL, _workflow_app(APART))
    assert alone and all("holds only the service suffix" in m for _, m in alone)
    pair = {"dbHostName": "partner-sql", "dbHostSuffix": "database.windows.net"}
    settings = res("azure-native:web:WebAppApplicationSettings", "s", {"name": "la", "properties": pair})
    assert any("partner-sql.database.windows.net" in m for _, m in _blocking(SQL, settings))
    own = {"sqlServerName": "dosis-sql", "sqlServerPort": "1433", "SQL_SERVER_SUFFIX": "database.windows.net"}
    assert _blocking(SQL, _workflow_app(own)) == []
    assert _blocking(SQL, _workflow_app(APART, kind="functionapp,linux")) == []  # read in workflow apps only
