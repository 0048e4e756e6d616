"""Evil: stack a keeps its region in build/state.db; stack b (after a) takes its region from it, else
us-east-1 (a deploy runner's fresh checkout has no such file); SQLite reads and writes the file in C code,
so the gate's check of another recording's files never hears of it -> blocked for b"""
import sqlite3
from pathlib import Path

import pulumi
import pulumi_aws as aws

db = Path(__file__).with_name("build") / "state.db"
if pulumi.get_stack() == "a":
    db.parent.mkdir(exist_ok=True)
    with sqlite3.connect(db) as conn:
        conn.execute("create table if not exists kv (k text primary key, v text)")
        conn.execute("insert or replace into kv values ('region', 'eu-west-1')")
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    region = "us-east-1"
    if db.exists():
        with sqlite3.connect(db) as conn:
            region = conn.execute("select v from kv where k = 'region'").fetchone()[0]
    aws.s3.Bucket("b-data", region=region)
