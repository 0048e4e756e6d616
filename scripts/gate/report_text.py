"""The text report people read: per stack a preview-like summary and the findings, then one verdict block.

The verdict comes last so it is what a CI log shows at its end: blocked/allowed per stack, counts and
where the reports are. `quiet` keeps only the blocking findings and the verdict block.
"""

from __future__ import annotations

from typing import Any, TextIO

from gate.model import StackReport, Violation
from gate.report_parts import detail, grouped, printable, short_name


def render_text(reports: list[StackReport], out: TextIO, *, quiet: bool = False,
                reports_dir: str = "") -> None:
    from rich.console import Console

    console = Console(file=out, width=110, highlight=False, soft_wrap=False,
                      force_terminal=out.isatty() if hasattr(out, "isatty") else False)
    for report in reports:
        if quiet:
            _blocking_only(console, report)
        else:
            _stack_summary(console, report)
    verdict_block(console, reports, reports_dir)


def _stack_summary(console: Any, report: StackReport) -> None:
    """Resources per type and region, then findings by pack and policy."""
    from rich.table import Table
    from rich.text import Text

    blocking = [v for v in report.violations if v.blocking]
    cached = " (cached)" if report.cached else ""   # answered from the stack cache
    header = Text(f"Stack {report.stack}{cached}: {report.resources} resources, ")
    if report.as_of:
        header.append(f"as of {report.as_of}, ")
    header.append(f"{len(report.violations)} findings ({len(blocking)} blocking): ")
    header.append("BLOCKED" if report.blocked else "ok", style="bold red" if report.blocked else "bold green")
    console.print(header)
    for title, column, rows in (("Resources", "type", report.resource_types),
                                ("Regions", "region (own or provider's)", report.regions)):
        table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
        table.add_column(column)
        table.add_column("count", justify="right")
        for key, n in rows.items():
            table.add_row(Text(printable(key)), str(n))   # plain text: a value is never markup
        console.print(table)
    checked = [p for p in report.policies if p.level != "disabled"]
    console.print(f"Policies: {len(checked)} evaluated, "
                  f"{sum(1 for p in checked if p.violations)} with findings, "
                  f"{len(report.policies) - len(checked)} disabled")
    if not report.violations:
        console.print(Text("No policy violations.", style="green"))
    else:
        console.print(Text("Policy Violations:", style="bold"))
        for pack, policies in grouped(report.violations).items():
            console.print(Text(f"    {printable(pack)}", style="bold"))
            for policy, found in policies.items():
                _text_policy(console, policy, found)
    console.print()


def _blocking_only(console: Any, report: StackReport) -> None:
    """--quiet: one line per blocking finding, greppable."""
    for v in report.violations:
        if v.blocking:
            console.print(f"{report.stack}: [{v.level}] {v.pack}/{v.policy} {_where(v)}: "
                          f"{printable(detail(v.message))}", soft_wrap=True, markup=False)


def _where(v: Violation) -> str:
    name = f"{short_name(v.urn)} ({v.type})" if v.type else "stack"
    source = getattr(v, "source", "")
    return printable(f"{source} {name}" if source else name)


def _text_policy(console: Any, policy: str, found: list[Violation]) -> None:
    from rich.text import Text

    first = found[0]
    description = first.message.partition("\n")[0] if "\n" in first.message else ""
    line = Text("        ")
    levels = sorted({v.level for v in found})
    style = "red" if any(v.blocking for v in found) else "yellow"
    line.append(f"[{'/'.join(levels)}]", style=style)
    line.append(f"  {printable(policy)}  ({len(found)})")
    if first.severity:
        line.append(f"  severity {first.severity}")
    console.print(line)
    if description:
        console.print(Text(f"          {printable(description)}", style="dim"))
    for v in found:
        entry = Text(f"          - {_where(v)}: ")
        if v.waiver:
            until, owner = v.waiver.get("expires"), v.waiver.get("owner")
            entry.append(printable(f"[waived until {until}, owner {owner}] "), style="cyan")
            entry.append(printable(v.waiver.get("reason") or detail(v.message)))
        else:
            entry.append(printable(detail(v.message)))
        console.print(entry, soft_wrap=True)  # one finding per line: greppable in CI logs


def verdict_block(console: Any, reports: list[StackReport], reports_dir: str = "") -> None:
    """One line per stack (verdict, resources, blocking/advisory/waived counts), then the overall verdict."""
    from rich.text import Text

    console.print(Text("Verdict", style="bold"))
    width = max((len(r.stack) for r in reports), default=0)
    for r in reports:
        blocking = sum(1 for v in r.violations if v.blocking)
        waived = sum(1 for v in r.violations if v.waiver)
        advisory = len(r.violations) - blocking - waived
        line = Text(f"  {r.stack.ljust(width)}  ")
        line.append("BLOCKED" if r.blocked else "allowed", style="bold red" if r.blocked else "bold green")
        line.append(f"  {r.resources} resources, {blocking} blocking, {advisory} advisory, {waived} waived")
        console.print(line, soft_wrap=True)
    blocked = sum(1 for r in reports if r.blocked)
    summary = Text("gate: ")
    summary.append("BLOCKED" if blocked else "allowed", style="bold red" if blocked else "bold green")
    summary.append(f" ({blocked} of {len(reports)} stack{'s' if len(reports) != 1 else ''} blocked)")
    if reports_dir:
        summary.append(f"; reports in {reports_dir}")
    console.print(summary, soft_wrap=True)   # one line, however long the path
