"""require-siem-logging's indexed lookups (round 11 of the speed work) give what the plain loops gave: SQL
auditing policies matched to diagnostic settings through `_AuditSettings` instead of every setting per
policy, on every case of the PIA corpus and on odd `resourceUri`s."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from policies.core import pia_siem
from policies.core.sql_audits import SQL_AUDITING
from policies.core.view import StackGraph

HERE = Path(__file__).resolve().parents[1] / "corpus" / "pia"
_spec = importlib.util.spec_from_file_location("pia_corpus_judge_siem", HERE / "judge.py")
judge = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(judge)


def _both(graph: StackGraph, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list]:
    """(indexed, every setting tested for every policy: the reference loop)."""
    policies = graph.by_type(*SQL_AUDITING)
    fast = pia_siem.sql_audit_unsent(graph, policies)
    with monkeypatch.context() as m:
        m.setattr(pia_siem._AuditSettings, "candidates", lambda self, path, deps: range(self.count))
        reference = pia_siem.sql_audit_unsent(graph, policies)
    return fast, reference


@pytest.fixture(autouse=True)
def _count(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference needs the number of settings the index was built from."""
    init = pia_siem._AuditSettings.__init__

    def counting(self, settings):
        init(self, settings)
        self.count = len(settings)

    monkeypatch.setattr(pia_siem._AuditSettings, "__init__", counting)


def _audited(kind: str) -> list[Path]:
    """The cases with a SQL auditing policy (the others give the function no policy to judge)."""
    return [p for p in judge.cases(kind) if "AuditingPolicy" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("kind", ["evil", "ok"])
def test_corpus_cases_judged_alike(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _audited(kind)
    assert paths
    for path in paths:
        graph = StackGraph(judge.views(judge.load_case(path)["resources"]))
        assert graph.by_type(*SQL_AUDITING), path.stem
        fast, reference = _both(graph, monkeypatch)
        assert fast == reference, path.stem


def _policy(name: str, server: object, db: object = None, **inputs: object) -> dict:
    kind = "DatabaseBlobAuditingPolicy" if db is not None else "ServerBlobAuditingPolicy"
    given = {"state": "Enabled", "isAzureMonitorTargetEnabled": True, "serverName": server, **inputs}
    if db is not None:
        given["databaseName"] = db
    return {"type": f"azure-native:sql:{kind}", "name": name, "inputs": given}


def _setting(name: str, uri: object, refs: dict | None = None, category: str = "SQLSecurityAuditEvents",
             ) -> dict:
    logs = [{"category": category, "enabled": True}]
    inputs = {"logs": logs, "workspaceId": "ws-siem"}
    if uri is not None:
        inputs["resourceUri"] = uri
    return {"type": "azure-native:insights:DiagnosticSetting", "name": name, "inputs": inputs,
            "refs": refs or {}}


ODD = [
    {"type": "azure-native:operationalinsights:Workspace", "name": "ws",
     "inputs": {"workspaceName": "ws-siem"}},
    {"type": "azure-native:sql:Server", "name": "srv", "inputs": {"serverName": "Srv"}},
    {"type": "azure-native:sql:Database", "name": "db", "inputs": {"databaseName": "db1"}},
    _policy("p-master", "srv"),
    _policy("p-db", "srv", "db1"),
    _policy("p-upper", "SRV", "DB1"),
    _policy("p-slash", "a/b", "c/d"),
    _policy("p-empty", "srv", ""),
    _policy("p-none", None, "db1"),
    {**_policy("p-deps", "x", "db1"), "refs": {"serverName": "srv", "databaseName": "db"}},
    _policy("p-unmatched", "other", "nothing"),
    _setting("s-master", "/subscriptions/s/providers/Microsoft.Sql/servers/srv/databases/master/"),
    _setting("s-db-upper", "/x/SERVERS/SRV/DATABASES/DB1//"),
    _setting("s-slash", "/x/servers/a/b/databases/c/d"),
    _setting("s-empty", "/x/servers/srv/databases/"),
    _setting("s-none", "/x/servers/None/databases/db1", category="audit"),
    _setting("s-tail", "/y/databases/db1", refs={"resourceUri": "db"}),
    _setting("s-output", None, refs={"resourceUri": ["srv", "db"]}),
    _setting("s-unknown", "04da6b54-80e4-46f7-96ec-b56ff0331ba9", refs={"resourceUri": "srv"}),
    _setting("s-list", ["not", "a", "string"], refs={"resourceUri": "db"}),
]


def test_odd_uris_judged_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    for drop in [None, *[r["name"] for r in ODD if r["name"].startswith("s-")]]:
        resources = [r for r in ODD if r["name"] != drop]
        with judge._Pinned():
            graph = StackGraph(judge.views(resources))
            fast, reference = _both(graph, monkeypatch)
        assert fast == reference, drop
        assert {u.rsplit("::", 1)[-1] for u, _ in fast} >= {"p-empty", "p-unmatched"}
