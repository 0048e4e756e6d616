"""Round 12: the update recording gives each output the provider computes a value of its SDK-declared type,
shaped like the real thing (gate.made_up), so what a program registers only once such a value is there is
recorded and judged; no made-up value reaches the record as a fact (it is unknown there, as in the preview).
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws
from gate.made_up import Ledger, made_up
from gate.mocks import stable_hex
from gate.recording import record_callable
from gate.wire import UNKNOWN

EU = {"aws:region": "eu-west-1", "azure-native:location": "westeurope"}
REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus" / "engine"
RDS = "aws:rds/instance:Instance"


def _db() -> aws.rds.Instance:
    return aws.rds.Instance("orders", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                            username="orders", manage_master_user_password=True, skip_final_snapshot=True)


def _dump_when_known() -> None:
    _db().address.apply(lambda host: aws.s3.Bucket("dump", region="us-east-1") if host else None)


def test_a_resource_registered_once_a_computed_output_is_known_is_recorded_in_the_update_only():
    assert record_callable(_dump_when_known, config=EU).by_type("aws:s3/bucket:Bucket") == []
    (bucket,) = record_callable(_dump_when_known, config=EU, dry_run=False).by_type("aws:s3/bucket:Bucket")
    assert bucket.inputs["region"] == "us-east-1"


def test_an_rds_address_is_a_host_of_the_service_in_the_resources_region_and_port_its_engines():
    computed = {"name": "orders-1", "id": "db-1", "arn": "arn:aws:rds:eu-west-1:123456789012:db:orders-1"}
    out = made_up(RDS, {"engine": "postgres"}, computed, "eu-west-1")
    host = f"orders-1.c{stable_hex(RDS, 'orders-1', length=10)}.eu-west-1.rds.amazonaws.com"
    assert out["address"] == host
    assert out["endpoint"] == f"{host}:5432"
    assert out["port"] == 5432
    (listener,) = out["listenerEndpoints"]
    assert (listener["address"], listener["port"]) == (host, 5432)


def test_inputs_a_program_could_give_and_places_are_never_made_up():
    """`engine`, `username` are inputs (the provider echoes them); `availabilityZone` is a place: a fact."""
    out = made_up(RDS, {}, {"name": "x", "id": "db-1", "arn": "a"}, "eu-west-1")
    assert not {"engine", "username", "availabilityZone", "region"} & set(out)
    account = made_up("azure-native:storage:StorageAccount", {}, {"name": "acct", "id": "/s/x"}, "westeurope")
    assert not {"primaryLocation", "secondaryLocation", "location"} & set(account)


def test_arns_lists_and_nested_endpoints_have_the_shape_of_the_real_thing():
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:resize-1"
    fn = made_up("aws:lambda/function:Function", {}, {"name": "resize-1", "id": "resize-1", "arn": arn},
                 "eu-west-1")
    assert fn["qualifiedArn"] == f"{arn}:1"
    assert fn["invokeArn"] == (f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{arn}"
                               "/invocations")
    group = made_up("aws:elasticache/replicationGroup:ReplicationGroup", {"engine": "redis"},
                    {"name": "s", "id": "s", "arn": "a"}, "eu-west-1")
    assert len(group["memberClusters"]) == 1 and group["port"] == 6379
    account = made_up("azure-native:storage:StorageAccount", {}, {"name": "acct", "id": "/s/x"}, "westeurope")
    assert account["primaryEndpoints"]["blob"] == "https://acct.blob.core.windows.net/"
    vpn = made_up("aws:ec2/vpnConnection:VpnConnection", {}, {"name": "v", "id": "vpn-1", "arn": "a"},
                  "eu-west-1")
    assert ipaddress.ip_address(vpn["tunnel1Address"]).is_global   # as a real tunnel's outside address
    assert ipaddress.ip_address(vpn["tunnel1CgwInsideAddress"]).is_link_local


def test_the_id_a_resource_is_known_by_under_its_class_name_is_its_recorded_id():
    guesses: list[str] = []
    key = made_up("aws:kms/key:Key", {}, {"name": "k", "id": "1234abcd-0000", "arn": "a"}, "eu-west-1",
                  guesses)
    assert key["keyId"] == "1234abcd-0000" and "1234abcd-0000" not in guesses


def test_what_the_name_and_service_determine_is_no_guess_the_rest_is():
    guesses: list[str] = []
    app = made_up("azure-native:web:WebApp", {}, {"name": "dosis-uit-weu", "id": "/s/x"}, "westeurope",
                  guesses)
    assert app["defaultHostName"] == "dosis-uit-weu.azurewebsites.net"
    assert "dosis-uit-weu.azurewebsites.net" not in guesses
    db = made_up(RDS, {}, {"name": "x", "id": "db-1", "arn": "a"}, "eu-west-1", guesses)
    assert db["address"] in guesses


def test_the_ledger_records_what_carries_a_made_up_value_as_unknown_and_json_leaves_as_null():
    host = "orders.c0123456789.eu-west-1.rds.amazonaws.com"
    ledger = Ledger()
    assert ledger.scrub({"a": host}, UNKNOWN) == {"a": host}   # nothing made up yet: unchanged
    ledger.remember([host, "203.0.113.7"])
    doc = json.dumps([{"name": "DB_HOST", "value": host}, {"name": "BUCKET", "value": "b"}])
    arn = f"arn:aws:kms:us-east-1:123456789012:key/{host}"   # what the program put around it stays
    assert ledger.scrub({"host": host, "url": f"https://{host}/x", "ip": "203.0.113.7/32", "doc": doc,
                         "arn": arn, "other": "eu-west-1", "n": 5}, UNKNOWN) == {
        "host": UNKNOWN, "url": f"https://{UNKNOWN}/x", "ip": f"{UNKNOWN}/32", "other": "eu-west-1", "n": 5,
        "arn": f"arn:aws:kms:us-east-1:123456789012:key/{UNKNOWN}",
        "doc": json.dumps([{"name": "DB_HOST", "value": None}, {"name": "BUCKET", "value": "b"}])}


def test_a_made_up_value_is_unknown_in_the_record_but_the_program_gets_it():
    seen: list[str] = []

    def program():
        db = _db()
        bucket = aws.s3.Bucket("exports", tags={"db": db.address})
        bucket.tags.apply(lambda tags: seen.append(tags["db"]))
        pulumi.export("dbHost", db.address)
        aws.sqs.Queue("q", name=db.port.apply(lambda p: f"db-{int(p)}"))   # crashed on None before

    graph = record_callable(program, config=EU, dry_run=False)
    (bucket,) = graph.by_type("aws:s3/bucket:Bucket")
    assert bucket.inputs["tags"] == {"db": UNKNOWN} and bucket.outputs["tags"] == {"db": UNKNOWN}
    assert seen and seen[0].endswith(".eu-west-1.rds.amazonaws.com")
    assert graph.outputs["dbHost"] == UNKNOWN
    (queue,) = graph.by_type("aws:sqs/queue:Queue")
    assert queue.inputs["name"] == "db-5432"   # a port is no guess the ledger keeps: a number
    (db,) = graph.by_type(RDS)
    assert "address" not in db.outputs   # made up for the program, never recorded as the resource's


def test_the_blind_apply_on_unknown_output_case_is_blocked_when_deployed(run_gate, tmp_path):
    proc = run_gate("preview", "--program", CORPUS / "evil" / "apply-on-unknown-output", "--stack",
                    "corpus", "--no-checkov", "--no-cache", "--format", "json",
                    "--policy-pack", "policies/eu_residency",
                    "--policy-pack-config", "eu-residency=policies/config/eu-residency.json",
                    "--as-of", "2026-11-30", "--out", tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    (finding,) = [v for v in json.loads(proc.stdout)["violations"] if v["level"] == "mandatory"]
    assert finding["recording"] == "update" and finding["urn"].endswith("::edge-mirror")
    assert finding["message"].split("\n", 1)[1] == (
        "(when deployed, not in preview) the resource (location from input `region`) is in 'us-east-1', "
        "which is outside the EEA")


def test_a_remember_waits_for_a_scrub_in_another_thread():
    """The process recorder registers from several threads; a set grown under a scrub's iteration failed
    the update recording of dosis-prod in CI (29bf1af: "Set changed size during iteration")."""
    ledger, order, inside = Ledger(), [], threading.Event()
    ledger.remember(["dossier-bucket"])
    holds = ledger._holds

    def slow(text: str) -> bool:
        inside.set()
        time.sleep(0.2)      # room for the other thread to run, were it not held
        return holds(text)

    ledger._holds = slow     # type: ignore[method-assign]
    scrubbing = threading.Thread(target=lambda: order.append(ledger.scrub("dossier-bucket-x", UNKNOWN)))
    scrubbing.start()
    inside.wait()
    ledger.remember(["another-made-up-host"])
    order.append("remembered")
    scrubbing.join()
    assert order == [f"{UNKNOWN}-x", "remembered"]
