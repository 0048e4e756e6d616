"""A secret planted through every route never reaches a file or stream of the gate or the evidence export."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

NAME_SECRET = "nameplaintext7788"          # a secret used as a physical name
OUTPUT_SECRET = "outputplaintext5511"      # a secret stack output
CREDENTIAL = "AKIAcredentialplain9922"     # provider credential in clear, in config and in a Provider
PROVIDER_KEY = "providersecretkey3344"
CIPHERTEXT = "AAABAciphertextplain6600=="  # the `secure:` ciphertext
PLANTED = (NAME_SECRET, OUTPUT_SECRET, CREDENTIAL, PROVIDER_KEY, CIPHERTEXT)

PROGRAM = f"""
import pulumi
import pulumi_aws as aws

cfg = pulumi.Config()
name = pulumi.Output.secret("{NAME_SECRET}")
bucket = aws.s3.Bucket("b", bucket=name)
aws.s3.BucketPolicy("p", bucket=bucket.id, policy=bucket.arn.apply(lambda a: '{{"Resource": "' + a + '"}}'))
vault_role = aws.iam.Role("r", name=name, assume_role_policy="{{}}")
prov = aws.Provider("creds", region="eu-west-1", access_key="{CREDENTIAL}", secret_key="{PROVIDER_KEY}")
aws.sns.Topic("t", opts=pulumi.ResourceOptions(provider=prov))
pulumi.export("out", pulumi.Output.secret("{OUTPUT_SECRET}"))
pulumi.export("bucketArn", bucket.arn)
pulumi.export("db", cfg.require_secret("db"))
if cfg.get("fail"):
    name.apply(lambda v: (_ for _ in ()).throw(ValueError("cannot use " + v)))
"""

STACK = f"""config:
  aws:region: eu-west-1
  aws:secretKey: {CREDENTIAL}
  aws:accessKey: {CREDENTIAL}
  aws:token: {CREDENTIAL}
  azure-native:clientSecret: {CREDENTIAL}
  scratch:db:
    secure: {CIPHERTEXT}
"""


def _run(*args, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *map(str, args)], cwd=REPO, capture_output=True, text=True,
                          timeout=600, check=False, env={**os.environ, **(env or {})})


# `evidence export --gate-dir` of a run of another program than this project's is refused, and its reports
# judged again (round 7, tests/evidence/test_evidence_red_team_r7.py); this test is about secrets only.
_EXPORT_ANY_RUN = ("import sys\nfrom evidence import cli, rejudge\nrejudge.check_seal = lambda *a: None\n"
                   "rejudge.check_rejudged = lambda *a: None\nsys.exit(cli.main(sys.argv[1:]))")


def _leaks(text: str) -> list[str]:
    return [p for p in PLANTED if p in text]


def test_no_route_leaks_a_secret(make_program, tmp_path: Path) -> None:
    program = make_program(PROGRAM, stacks={"dev": STACK, "fail": STACK + "  scratch:fail: yes\n"})
    out = tmp_path / "gate"
    streams = []
    proc = _run("gate", "preview", "--program", program, "--stack", "dev", "--out", out, "--no-checkov",
                "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    streams += [proc.stdout, proc.stderr]
    for fmt in ("sarif", "text", "junit"):
        again = _run("gate", "analyze", "--state", out / "dev.state.json", "--no-checkov", "--format", fmt)
        streams += [again.stdout, again.stderr]
    failed = _run("gate", "preview", "--program", program, "--stack", "fail", "--out", tmp_path / "g2",
                  "--no-checkov")
    assert failed.returncode == 2 and "cannot use [secret]" in failed.stderr, failed.stderr   # exception
    streams += [failed.stdout, failed.stderr]
    bundle = tmp_path / "bundle"
    export = subprocess.run(     # the program is not this project's: its seal is not checked (round 7)
        [sys.executable, "-c", _EXPORT_ANY_RUN, "export", "--stack", "dev", "--gate-dir", str(out), "--out",
         str(bundle)], cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "EVIDENCE_SIGNING_KEY": str(tmp_path / "key.pem")})
    assert export.returncode == 0, export.stderr
    streams += [export.stdout, export.stderr]
    files = [p for d in (out, bundle, tmp_path / "g2") if d.exists() for p in d.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert not _leaks(path.read_text(encoding="utf-8", errors="replace")), path
    for text in streams:
        assert not _leaks(text), text
    state = (out / "dev.state.json").read_text()
    assert "secret-" in state      # the bucket's id: a stand-in, not the name
