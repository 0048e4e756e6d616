"""`evidence`: auditor evidence bundles (export) and their integrity check (verify).

Exit codes: export 0 written (whatever the verdict: failures are evidence too); verify 0 intact and
authentic, 1 tampered (every changed/added/removed file, symlink, extra directory, special file and
signature problem listed); 2 bad input or unreadable bundle (one line on stderr naming the file and key;
nothing written); 3 internal error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from gate import asof
from gate.errors import GateError

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
    exp.add_argument("--gate-key", type=Path, metavar="PUB",
                     help="the gate's public key --gate-dir's run.dsse.json must be signed by (default: "
                          "$GATE_VERIFY_KEY, else this machine's gate key <key>.pub)")
    exp.add_argument("--allow-unsigned-gate", action="store_true",
                     help="accept a --gate-dir run without a signature (recorded in the bundle)")
    exp.add_argument("--live", action="store_true", help="add evidence read from the deployed clouds")
    exp.add_argument("--program", type=Path, default=PROJECT_ROOT, metavar="DIR", help=argparse.SUPPRESS)
    exp.add_argument("--out", type=Path, required=True, metavar="DIR",
                     help="bundle directory: new, empty, or a bundle this tool wrote")
    exp.add_argument("--key", type=Path, metavar="PEM",
                     help="Ed25519 private key signing the manifest (default: $EVIDENCE_SIGNING_KEY or "
                          "~/.config/dosis-eloket/evidence-signing-key.pem, generated on first use)")
    asof.add_argument(exp)
    ver = sub.add_parser("verify", help="check a bundle against its signed manifest")
    ver.add_argument("dir", type=Path, metavar="DIR")
    anchor = ver.add_mutually_exclusive_group()
    anchor.add_argument("--key", type=Path, metavar="PUB",
                        help="public key (PEM) the manifest must be signed by")
    anchor.add_argument("--expect-sha256", metavar="HEX", help="the manifest's SHA-256 recorded at export")
    return parser


def _live_summary(path: Path) -> None:
    """One line per live check: how many resources it verified, failed or could not verify."""
    import json

    try:
        checks = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        checks = []
    if not checks:
        print("evidence: live: no live checks ran (no deployed resources or no cloud credentials)")
        return
    counts: dict[str, dict[str, int]] = {}
    for c in checks:
        per = counts.setdefault(f"{c.get('cloud')}/{c.get('check')}", {})
        per[c.get("status", "?")] = per.get(c.get("status", "?"), 0) + 1
    for check, per in sorted(counts.items()):
        print(f"evidence: live: {check}: " + ", ".join(f"{n} {s}" for s, n in sorted(per.items())))


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt     # unwind: temporary directories are removed, the gate child killed


def _print_summary(out: Path) -> None:
    """One line of control status counts from the bundle's summary.json (the README cites these)."""
    import json

    try:
        counts = json.loads((out / "summary.json").read_text(encoding="utf-8"))["controls"]
    except (OSError, ValueError, KeyError):
        return
    print("evidence: controls " + ", ".join(f"{n} {status}" for status, n in counts.items()))


def main(argv: list[str] | None = None) -> int:
    import signal

    try:
        previous = signal.signal(signal.SIGTERM, _terminated)
    except ValueError:          # not the main thread
        previous = None
    from gate.environ import kept
    from gate.inherited import owned

    try:
        # the process state exec handed over made its own, as the gate's (round 24): a bundle written
        # under umask 000 could be rewritten by others, a closed stdout or a blocked SIGTERM is no export's
        with owned(), kept(asof.AS_OF_ENV):   # the export's date is its own, as a gate run's (round 16)
            return _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "verify":
            return _verify(args)
        if args.gate_dir is not None and (args.state is not None or args.policy_pack_config):
            raise EvidenceError("evidence export: --gate-dir takes no --state or --policy-pack-config")
        if args.state is not None and args.all:
            raise EvidenceError("evidence export: --state judges one stack; use --stack NAME or omit it")
        try:
            as_of = asof.resolve_as_of(args.as_of)   # the gate run below inherits it
            from gate.env_check import check

            check()   # round 20: the gate's settings from the environment, before anything runs
        except (ValueError, GateError) as exc:
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
            signing_key=args.key,
            gate_key=args.gate_key,
            allow_unsigned_gate=args.allow_unsigned_gate,
        )
        if args.live:
            _live_summary(args.out / "live.json")
        print(
            f"evidence: wrote {args.out} ({len(manifest['files']) + 1} files, "
            f"{', '.join(manifest['stacks'])}) in {manifest['export_seconds']:.2f}s"
        )
        _print_summary(args.out)
        from evidence.bundle import MANIFEST, sha256

        print(f"evidence: manifest sha256 {sha256(args.out / MANIFEST)} (record it); signed, "
              f"verify with `evidence verify {args.out} --key <key>.pub`")
        return 0
    except EvidenceError as exc:
        print(f"evidence: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:      # e.g. a read-only --out: the environment, one line
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"evidence: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("evidence: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:   # a bug: one line, distinct code
        print(f"evidence: internal error: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 3


def _verify(args: argparse.Namespace) -> int:
    from evidence.bundle import MANIFEST, sha256, unsized, verify
    from evidence.signing import load_public_key

    key = load_public_key(args.key) if args.key is not None else None
    problems = verify(args.dir, public_key=key, expect_sha256=args.expect_sha256)
    for p in problems:
        print(p)
    if problems:
        print(f"evidence: {args.dir}: NOT intact ({len(problems)} problem(s))", file=sys.stderr)
        return 1
    anchored = "signed by the given key" if key is not None else (
        "manifest hash as expected" if args.expect_sha256 else
        "NOT anchored: give --key or --expect-sha256 to check who made it")
    old = ("; its manifest records no sizes (exported before round 33): every file was hashed whole"
           if unsized(args.dir) else "")
    print(f"evidence: {args.dir}: intact (manifest sha256 {sha256(args.dir / MANIFEST)}; {anchored}{old})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
