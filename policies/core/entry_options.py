"""Options that hand a program a command to run (round 99), for shell_programs' exec forms.

An exec form of options only (`["--port", "8080"]`) gives them to the image's entry point (round 98), and
one naming a file of the image (`["/app/runner", …]`) runs the image's own application: both are judged as
the image is. But an option's value may be a command the program runs (`--exec=croc send d`, `--cmd "croc
send d"`, `--on-start-exec partner-sync`): which options do so is the program's, which the pack does not
read, so a value is judged as a command when either the option is named for running one (`--run`, `…exec`,
`…execute`, `…cmd`, `…command`, `…eval`, `…entrypoint`, `…hook`) or the value names a program that sends (a
transfer tool, a command line whose first word is a program the pack reads, a shell or a runner, or a
lower-case name followed by an option or a path). A value such as `/etc/app.yaml`, `info`, `sync done`,
`Dossier Sync` or `node` (`--user node`) is data, not judged.
"""

from __future__ import annotations

import re

from policies.core.local_programs import PREFIXES, READ, SHELLS, TRANSFER

RUN_FLAG = re.compile(r"^-[A-Za-z]*[ce][A-Za-z]*$")  # (`-c`, `-ec`, `-lc`, `-e`: a script or code follows)
_RUNS = re.compile(r"^--?(?:run|(?:[\w.-]*-)?(?:exec|execute|cmd|command|eval|entrypoint|entry-point|hook))$",
                   re.I)  # (`--dry-run` is no `--run`)
_BARE = re.compile(r"^[a-z][\w.+-]*$")  # (a program's name as PATH finds it, not `Dossier` or `/app/x`)
_SENDERS = frozenset(READ) | SHELLS | frozenset(PREFIXES) | TRANSFER


def option_commands(words: list[str]) -> list[tuple[str, str]]:
    """(option, value) pairs of the words before `--` whose value may be a command the program runs (see the
    module's docstring); `-c`/`-e` are shell_programs' (a script follows them)."""
    out = []
    for i, word in enumerate(words):
        if word == "--":
            break
        if word[:1] != "-" or RUN_FLAG.match(word):
            continue
        name, eq, value = word.partition("=")
        if not eq:
            if i + 1 >= len(words) or words[i + 1][:1] == "-":
                continue
            value = words[i + 1]
        if value.strip() and (_RUNS.match(name) or _names_sender(value)):
            out.append((name, value))
    return out


def _names_sender(value: str) -> bool:
    """Whether a value names a transfer tool, or is a command line: of a program that may send, or of a bare
    name followed by an option or a path (`partner-sync --push /data`, the probe `r99-26`)."""
    first, *rest = value.split()
    base = first.rstrip("/").rsplit("/", 1)[-1]
    return base in TRANSFER or (bool(rest) and (
        base in _SENDERS or (bool(_BARE.match(first)) and any(w[:1] in "-/" for w in rest))))
