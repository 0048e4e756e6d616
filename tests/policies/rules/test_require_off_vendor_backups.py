"""require-off-vendor-backups (LOC-03 off-vendor-copy): the corpus (base stacks, PIA record and endpoints
under tests/corpus/pia/records) is compliant; each evasion case names its idea, and each way the PIA
record's `off_vendor_copies` can be wrong blocks with its own message."""

from __future__ import annotations

import shutil

import pytest
import yaml
from ruletest import CORPUS, base, judge, run

RULE = "require-off-vendor-backups"
HOW = "declare the copy in the stack's PIA record"
EVASIONS = {
    "offvendor-copy-unlocked": "it is not immutable",
    "offvendor-copy-governance": "it is not immutable",
    "offvendor-copy-sse-s3": "key: bucket encryption is 'AES256'",
    "offvendor-copy-kms-generated": "generated inside AWS KMS",
    "offvendor-copy-public-writes": "it accepts writes from outside the private link",
    "offvendor-copy-zurich": "its region eu-central-2 is not in the EEA",
    "offvendor-copy-store-public": "it accepts writes from outside the private link",
}
RDS = {"name": "db", "type": "aws:rds/instance:Instance", "protect": True,
       "inputs": {"identifier": "db", "engine": "mysql", "storageEncrypted": True, "deletionProtection": True,
                  "tags": {"classification": "vertrouwelijk", "controller": "VLAIO", "system": "corpus",
                           "pia-reference": "PIA-C", "dosis-data": "none"}}}


def _case(kind: str, name: str):
    return judge.load_case(CORPUS / kind / f"{name}.yaml")


@pytest.fixture
def records(tmp_path, monkeypatch):
    """A writable copy of the corpus records: edit(pia=..., endpoints=...) changes them for one test."""
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS / "records", root / "records")
    shutil.copytree(CORPUS / "base", root / "base")
    monkeypatch.setattr(judge, "HERE", root)
    pia = root / "records" / "pia" / "corpus.yaml"

    def edit(copies=None, endpoints=None):
        if copies is not None:
            data = yaml.safe_load(pia.read_text())
            data["off_vendor_copies"] = copies
            pia.write_text(yaml.safe_dump(data))
        if endpoints is not None:
            (root / "records" / "endpoints.yaml").write_text(endpoints)
        return pia

    return edit


def _entry(**over):
    return [{"stores": ["aws:rds/instance:Instance"], "schedule": "cron(0 2 * * ? *)", "job": "runner",
             "destination": "https://corpusoffvendor.blob.core.windows.net/copies", **over}]


def test_compliant_fixtures():
    assert run(RULE, [*base("aws"), RDS]) == []
    assert run(RULE, base("azure")) == []
    assert run(RULE, _case("ok", "offvendor-bucket-in-stack")["resources"]) == []


@pytest.mark.parametrize("name", sorted(EVASIONS))
def test_each_evasion_names_its_idea(name):
    found = run(RULE, _case("evil", name)["resources"])
    assert any(EVASIONS[name] in m for _, m in found), found


@pytest.mark.parametrize(
    ("copies", "message"),
    [
        (_entry(stores=["aws:dynamodb/table:Table"]), "no off-vendor copy covers this Instance"),
        ([{"stores": "aws:rds/instance:Instance"}], "`off_vendor_copies` of the PIA record corpus.yaml is "
         "malformed"),
        (_entry(schedule="nightly"), "schedule 'nightly' is not a cron(...) or rate(...) expression"),
        (_entry(destination="https://backups.example.org/x"), "is neither a store of this stack nor a "
         "declared endpoint"),
        (_entry(destination="s3://corpus-offvendor-copies"), "is at the same vendor (aws) as the data it"),
    ],
)
def test_record_mutations(records, copies, message):
    records(copies=copies)
    found = run(RULE, [*base("aws"), RDS])
    assert any(message in m for _, m in found), found
    assert all(HOW in m for _, m in found if "covers" in m or "malformed" in m)


def test_declared_endpoint_outside_the_eea_or_unplaceable(records):
    records(copies=_entry(destination="https://backups.example.org/x"), endpoints=(
        "endpoints:\n  - {id: ch, class: cloud-service, hosts: [backups.example.org], "
        "region: switzerlandnorth, reason: a Swiss backup provider outside any cloud}\n"))
    found = run(RULE, [*base("aws"), RDS])
    assert any("no vendor and region that can be placed" in m for _, m in found), found
    records(copies=_entry(destination="https://offsite.blob.core.windows.net/c"), endpoints=(
        "endpoints:\n  - {id: ch, class: cloud-service, hosts: [offsite.blob.core.windows.net], "
        "region: switzerlandnorth, reason: an Azure region in Switzerland}\n"))
    found = run(RULE, [*base("aws"), RDS])
    assert any("is in switzerlandnorth, not in the EEA" in m for _, m in found), found


def test_unreadable_records_block(records):
    records(endpoints="endpoints: [")
    found = run(RULE, [*base("aws"), RDS])
    assert any("the endpoints record cannot be read" in m for _, m in found), found
    records(endpoints=(CORPUS / "records" / "endpoints.yaml").read_text()).unlink()
    found = run(RULE, [*base("aws"), RDS])
    assert found and all("cannot be read (FileNotFoundError)" in m for _, m in found), found


def test_a_destination_store_at_the_same_vendor_or_unplaced():
    same = {"name": "copies", "type": "azure-native:storage:StorageAccount",
            "inputs": {"accountName": "corpus-offvendor-copies", "publicNetworkAccess": "Disabled",
                       "immutableStorageWithVersioning": {"enabled": True}}}
    found = run(RULE, [*base("azure"), same])
    assert any("it is at the same vendor (azure) as the data it copies" in m for _, m in found), found
    assert any("its region cannot be placed" in m for _, m in found), found


_DATABASE_SERVICES = {
    "rds", "dynamodb", "docdb", "neptune", "redshift", "redshiftserverless", "keyspaces", "timestreamwrite",
    "timestreaminfluxdb", "qldb", "dsql", "opensearch", "elasticsearch", "sql", "dbforpostgresql",
    "dbformysql", "cosmosdb", "documentdb", "mongocluster",
}


def test_every_database_store_is_a_source_or_a_part_of_one():
    """Closed world: a store of a database service the SDK adds must be placed as a source or a part."""
    from policies.core.pia_types import PIA_DATA_STORES
    from policies.rules.require_off_vendor_backups import PARTS, SOURCES

    databases = {t for t in PIA_DATA_STORES if t.split(":")[1].split("/")[0] in _DATABASE_SERVICES}
    assert databases - set(SOURCES) - set(PARTS) == set()
    assert not set(SOURCES) & set(PARTS)


def test_a_database_no_copy_covers_blocks():
    tags = RDS["inputs"]["tags"]
    redshift = {"name": "dw", "type": "aws:redshift/cluster:Cluster", "inputs": {"tags": tags}}
    found = run(RULE, [*base("aws"), redshift])
    assert len(found) == 1 and found[0][0] == "dw" and "no off-vendor copy covers this Cluster" in found[0][1]


def test_an_aurora_dsql_cluster_no_copy_covers_blocks():
    """Round 59 made Aurora DSQL a judged store: a database like any other, so an off-vendor copy is due."""
    dsql = {"name": "orders", "type": "aws:dsql/cluster:Cluster", "inputs": {"tags": RDS["inputs"]["tags"]}}
    found = run(RULE, [*base("aws"), dsql])
    assert [f[0] for f in found] == ["orders"] and "no off-vendor copy covers this Cluster" in found[0][1]
