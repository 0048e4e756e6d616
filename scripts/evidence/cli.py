"""`evidence`: auditor evidence bundles (export) and their integrity check (verify).

Exit codes: export 0 written (whatever the verdict: failures are evidence too); verify 0 intact,
1 tampered (every changed/added/removed file listed); 2 bad input (one line on stderr naming the file
and key; nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from gate import asof

from evidence.errors import EvidenceError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise EvidenceError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="evidence", description="Evidence bundles for auditors.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    exp = sub.add_parser("export", help="write an evidence bundle")
    which = exp.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="stack name (stacks/Pulumi.<stack>.yaml)")
    which.add_argument("--all", action="store_true", help="every stack of the project")
    exp.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="judge this exported checkpoint (`pulumi stack export`) instead of a preview",
    )
    exp.add_argument(
        "--policy-pack-config",
        action="append",
        default=[],
        metavar="PACK=FILE",
        help="passed to the gate as --policy-pack-config (repeatable; same JSON as the Pulumi CLI's)",
    )
    exp.add_argument(
        "--gate-dir",
        type=Path,
        metavar="DIR",
        help="reuse the reports and states of an earlier `gate preview --out DIR` (no second gate run)",
    )
    exp.add_argument("--live", action="store_true", help="add evidence read from the deployed clouds")
    exp.add_argument("--program", type=Path, default=PROJECT_ROOT, metavar="DIR", help=argparse.SUPPRESS)
    exp.add_argument("--out", type=Path, required=True, metavar="DIR", help="bundle directory")
    asof.add_argument(exp)
    ver = sub.add_parser("verify", help="check a bundle against its manifest")
    ver.add_argument("dir", type=Path, metavar="DIR")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "verify":
            from evidence.bundle import MANIFEST, sha256, verify

            problems = verify(args.dir)
            for p in problems:
                print(p)
            if problems:
                print(f"evidence: {args.dir}: NOT intact ({len(problems)} problem(s))", file=sys.stderr)
                return 1
            print(f"evidence: {args.dir}: intact (manifest sha256 {sha256(args.dir / MANIFEST)})")
            return 0
        if args.gate_dir is not None and (args.state is not None or args.policy_pack_config):
            raise EvidenceError("evidence export: --gate-dir takes no --state or --policy-pack-config")
        if args.state is not None and args.all:
            raise EvidenceError("evidence export: --state judges one stack; use --stack NAME or omit it")
        try:
            as_of = asof.resolve_as_of(args.as_of)   # the gate run below inherits it
        except ValueError as exc:
            raise EvidenceError(str(exc)) from None
        from evidence.export import export

        manifest = export(
            args.program.resolve(),
            args.out,
            stacks=None if args.all else [args.stack],
            state_file=args.state,
            live=args.live,
            pack_config=args.policy_pack_config,
            gate_dir=args.gate_dir,
            as_of=as_of,
        )
        print(
            f"evidence: wrote {args.out} ({len(manifest['files']) + 1} files, "
            f"{', '.join(manifest['stacks'])}) in {manifest['export_seconds']:.2f}s"
        )
        from evidence.bundle import MANIFEST, sha256

        print(f"evidence: manifest sha256 {sha256(args.out / MANIFEST)} (record it)")
        return 0
    except EvidenceError as exc:
        print(f"evidence: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("evidence: interrupted", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
