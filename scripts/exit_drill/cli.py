"""`exit-drill [--execute] (--local | --bucket B --region R) --stack S --date D [--out F]`.

Dry run by default: prints what the drill would read, restore and write, and touches nothing.
Exit codes: 0 = passed (or dry run), 1 = the copy did not restore completely, 2 = bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from exit_drill import report
from exit_drill.offvendor import CopyError, export_copy
from exit_drill.restore import restore
from policies.core.eea import AWS_EEA_REGIONS

ROOT = Path(__file__).resolve().parents[2]
_STACK = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="exit-drill", description=__doc__.splitlines()[0])
    p.add_argument("--stack", required=True, help="stack whose copy is restored (dosis-prod, portal-prod)")
    p.add_argument("--date", help="drill date YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--execute", action="store_true", help="really run (default: dry run)")
    p.add_argument("--local", action="store_true", help="moto S3 server + SQLite, no credentials needed")
    p.add_argument("--bucket", help="off-vendor bucket (live)")
    p.add_argument("--region", help="region of the bucket (live; must be an EEA region)")
    p.add_argument("--endpoint-url", help="S3-compatible endpoint of a controller-operated store (live)")
    p.add_argument("--copy-id", help="restore this copy instead of the latest")
    p.add_argument("--signed-off-by", help="person signing off the drill (required live)")
    p.add_argument("--out", type=Path, help="report path (default stacks/records/drills/<stack>-<date>.json)")
    return p


def _bad(message: str) -> int:
    print(f"exit-drill: {message}", file=sys.stderr)
    return 2


def _date(value: str | None) -> str:
    if value is None:
        return dt.datetime.now(dt.UTC).date().isoformat()
    return dt.date.fromisoformat(value).isoformat()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not _STACK.match(args.stack):
        return _bad(f"--stack: {args.stack!r} is not a stack name")
    try:
        date = _date(args.date)
    except ValueError:
        return _bad(f"--date: {args.date!r} is not YYYY-MM-DD")
    if not args.local:
        if not args.bucket or not args.region:
            return _bad("--bucket and --region are required without --local")
        if args.region not in AWS_EEA_REGIONS:  # the project's one list: eu-central-2 (Zurich) is not EEA
            allowed = ", ".join(sorted(AWS_EEA_REGIONS))
            return _bad(f"--region: {args.region!r} is not an EEA region ({allowed})")
        if args.execute and not args.signed_off_by:
            return _bad("--signed-off-by is required for a live drill")
    out = args.out or report.default_path(ROOT, args.stack, date)
    where = "a local moto S3 server" if args.local else f"s3://{args.bucket}/{args.stack}/ ({args.region})"
    if not args.execute:
        print(f"dry run: would restore the latest copy of {args.stack} from {where} into a fresh SQLite "
              f"database, verify object SHA-256, row counts and content checksums, and write {out}")
        return 0
    with tempfile.TemporaryDirectory(prefix="exit-drill-") as work:
        try:
            findings = _run_local(args.stack, date, Path(work)) if args.local else _run_live(args, Path(work))
        except (CopyError, BotoCoreError, ClientError) as err:  # a drill that cannot read the copy fails
            findings = {"ok": False, "problems": [f"{type(err).__name__}: {err}"], "copy": {}, "tables": []}
        target = "sqlite (fresh, isolated temporary database, deleted after the drill)"
        signer = args.signed_off_by or "exit-drill local procedure proof"
        rep = report.build(stack=args.stack, date=date, mode="local" if args.local else "live",
                           signed_off_by=signer, findings=findings, target=target)
    report.write(rep, out)
    for problem in rep["problems"]:
        print(f"  problem: {problem}", file=sys.stderr)
    print(f"exit drill {rep['result']}: {len(rep['tables'])} tables, report {out}")
    return 0 if rep["result"] == "passed" else 1


def _run_local(stack: str, date: str, work: Path) -> dict:
    from exit_drill import local

    with local.moto_s3() as s3:
        bucket = "offvendor-drill"
        local.locked_bucket(s3, bucket)
        source = local.seed(work / "source.sqlite")
        try:
            export_copy(s3, bucket, stack, date.replace("-", "") + "T020000Z", source, "local seed")
        finally:
            source.close()
        return restore(s3, bucket, stack, work / "restored.sqlite")


def _run_live(args: argparse.Namespace, work: Path) -> dict:
    import boto3

    s3 = boto3.client("s3", region_name=args.region, endpoint_url=args.endpoint_url)
    return restore(s3, args.bucket, args.stack, work / "restored.sqlite", args.copy_id)
