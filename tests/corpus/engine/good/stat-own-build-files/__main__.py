"""Good: each stack writes its own files under build/<stack>/ and asks about them (exists, stat, listing,
glob), and about the files committed with it (settings/): no stat or listing of what another recording of
the run wrote -> passes"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

here = Path(__file__).resolve().parent
mine = here / "build" / pulumi.get_stack()
mine.mkdir(parents=True, exist_ok=True)
(mine / "tags.json").write_text('{"team": "data"}')
assert (mine / "tags.json").exists() and (mine / "tags.json").stat().st_size > 0
assert os.listdir(mine) == ["tags.json"] and list(mine.glob("*.json"))
settings = here / "settings"
region = (settings / "region.txt").read_text().strip() if (settings / "region.txt").is_file() else "us-east-1"
assert sorted(os.listdir(settings)) == ["region.txt"]
aws.s3.Bucket("data", region=region, tags={"team": "data"})
