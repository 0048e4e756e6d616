"""`gate`'s argument parser: the preview, analyze and merge subcommands and their options (docs/gate.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from gate import asof
from gate.cli_speed import cache_options, merge_parser, shard_options
from gate.deadlines import DEFAULTS, Deadlines
from gate.errors import UsageError

FORMATS = ("text", "json", "sarif", "junit")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message if self.prog == "gate" else f"{self.prog}: {message}")


_DEADLINE = {"program": "program", "pack": "pack_start", "policy": "policy", "checkov": "checkov"}


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def deadlines_of(args: argparse.Namespace) -> Deadlines:
    return Deadlines.from_env(**{field: getattr(args, f"{name}_timeout")
                                 for name, field in _DEADLINE.items()})


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="text", help="output on stdout (default: text)")
    p.add_argument("--out", type=Path, help="directory for <stack>.state.json and <stack>.report.json")
    p.add_argument("--policy-pack", action="append", default=[], type=Path, metavar="DIR",
                   help="policy pack directory (repeatable; default: [tool.gate] packs, else every pack "
                        "under policies/)")
    p.add_argument("--policy-pack-config", action="append", default=[], metavar="PACK=FILE",
                   help="pack config JSON, as `pulumi preview --policy-pack-config` takes it (repeatable; "
                        "replaces that pack's [tool.gate.pack-config] file)")
    p.add_argument("--profile", default="", metavar="NAME",
                   help="apply [tool.gate.profiles.NAME] over [tool.gate] (e.g. generic)")
    p.add_argument("--records", type=Path, metavar="DIR",
                   help="compliance records directory given to the packs (default: [tool.gate] records)")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="text format: only the blocking findings and the verdict block")
    p.add_argument("--policy-mode", choices=("inprocess", "grpc"), default="inprocess",
                   help="evaluate packs in-process (fast) or through the Analyzer gRPC protocol")
    p.add_argument("--no-checkov", action="store_true", help="skip the checkov scan ([tool.gate] checkov)")
    p.add_argument("--recorder", choices=("process", "inprocess"), default=None,
                   help="keep the record in a recorder process the program talks gRPC to, or beside the "
                        "program ([tool.gate] recorder; docs/gate.md)")
    p.add_argument("--timings", action="store_true", help="print the time split on stderr")
    asof.add_argument(p)
    cache_options(p)
    for name, what in (("program", "one stack's program run"), ("pack", "a policy pack to start"),
                       ("policy", "one policy call"), ("checkov", "the checkov scan")):
        p.add_argument(f"--{name}-timeout", type=_seconds, metavar="S",
                       help=f"deadline in seconds for {what} (default {DEFAULTS[_DEADLINE[name]]:g}; "
                            f"env GATE_{_DEADLINE[name].upper()}_TIMEOUT)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gate", description="Offline Pulumi preview + CrossGuard policy gate.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    pre = sub.add_parser("preview", help="record a program's stacks under mocks and judge them")
    pre.add_argument("--program", type=Path, default=None, metavar="DIR",
                     help="Pulumi project directory (default: this project); its pyproject.toml's "
                          "[tool.gate] applies when it has one")
    which = pre.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="stack name (its Pulumi.<stack>.yaml in stackConfigDir)")
    which.add_argument("--all", action="store_true",
                       help="every stack with a config file, ordered by StackReferences")
    pre.add_argument("--invoke-fixtures", type=Path, metavar="FILE",
                     help="answers to the program's invokes (data sources), for every stack; see "
                          "docs/gate-usage.md (default: [tool.gate] invoke-fixtures)")
    pre.add_argument("--jobs", type=_jobs, default=None,
                     help="stacks recorded in parallel (default: [tool.gate] jobs, else 2)")
    shard_options(pre)
    _common(pre)
    ana = sub.add_parser("analyze", help="judge an exported state (`pulumi stack export` or gate's own)")
    ana.add_argument("--state", type=Path, required=True, metavar="FILE")
    ana.add_argument("--stack", help="stack name for the report (default: from the URNs)")
    ana.add_argument("--program", type=Path, metavar="DIR",
                     help="project directory whose Pulumi.<stack>.yaml supplies the stack config")
    _common(ana)
    merge_parser(sub, FORMATS)
    return parser
