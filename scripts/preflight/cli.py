"""`python -m preflight --stack <stack>`: check the prerequisites of a stack with the caller's credentials.

Exit 0: every check ran and nothing is missing. 1: something is missing, could not be checked, or there
are no credentials (the checklist is printed instead: nothing was verified). 2: bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from preflight.checks import CHECKLIST, MANUAL, OK, Result

CLOUDS = {"dosis-prod": "azure", "portal-prod": "aws", "interconnect-prod": "both"}
ROOT = Path(__file__).resolve().parents[2]


def _config(stack: str) -> dict[str, Any]:
    path = ROOT / "stacks" / f"Pulumi.{stack}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("config") or {}


def checklist(cloud: str) -> list[str]:
    return [f"[ ] {i.id:24} {i.need} - {i.why}" for i in CHECKLIST if cloud in (i.cloud, "both")]


def _aws(cfg: dict[str, Any], session: Any = None) -> list[Result] | None:
    import boto3

    from preflight import aws

    session = session or boto3.session.Session()
    if session.get_credentials() is None:
        return None
    return aws.check(
        session,
        str(cfg["dosis-eloket:accountId"]),
        cfg.get("dosis-eloket:deployerRoleName", "eloket-deployer"),
        cfg.get("dosis-eloket:certificateArn"),
        cfg.get("dosis-eloket:domainName", "www.vlaanderenonderneemt.be"),
    )


def _azure(credential: Any = None, transport: Any = None) -> list[Result] | None:
    from preflight import azure

    subscription = os.environ.get("AZURE_SUBSCRIPTION_ID")
    if credential is None:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    try:
        oid = azure.caller_object_id(credential)
    except Exception:
        return None  # no usable login: nothing can be verified
    if not subscription:
        raise ValueError("AZURE_SUBSCRIPTION_ID: the DOSIS subscription to check is not set")
    return azure.check(azure.Api(credential, transport), subscription, oid)


def run(
    stack: str, *, session: Any = None, credential: Any = None, transport: Any = None, out=sys.stdout
) -> int:
    """Check `stack`; print one line per item and a verdict; return the exit code."""
    cloud = CLOUDS[stack]
    cfg = _config(stack if stack != "interconnect-prod" else "portal-prod")
    results: list[Result] = []
    unverified: list[str] = []
    if cloud in ("aws", "both"):
        aws_results = _aws(cfg, session)
        (results.extend(aws_results) if aws_results is not None else unverified.append("aws"))
    if cloud in ("azure", "both"):
        azure_results = _azure(credential, transport)
        (results.extend(azure_results) if azure_results is not None else unverified.append("azure"))
    for r in results:
        print(r.line(), file=out)
    for c in unverified:
        print(f"NOT VERIFIED: no {c} credentials. Checklist:", file=out)
        for line in checklist(c):
            print(f"  {line}", file=out)
    bad = [r for r in results if r.status not in (OK, MANUAL)]
    manual = [r for r in results if r.status == MANUAL]
    ok = not bad and not unverified
    verdict = "ready" if ok else "NOT ready"
    print(
        f"preflight {stack}: {verdict} ({len(bad)} missing or unchecked, {len(manual)} to confirm by hand"
        f"{', not verified: ' + ', '.join(unverified) if unverified else ''})",
        file=out,
    )
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="preflight", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True, choices=sorted(CLOUDS))
    parser.add_argument("--checklist", action="store_true", help="print the checklist only, check nothing")
    args = parser.parse_args(argv)
    if args.checklist:
        for line in checklist(CLOUDS[args.stack]):
            print(line)
        return 0
    try:
        return run(args.stack)
    except (ValueError, KeyError, OSError) as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return 2
