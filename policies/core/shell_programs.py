"""Every program a shell script runs, judged (round 94), for command_places: the shell as a closed world.

Round 93 read the tools that send to a place their own config names; a program none of the readers knows
(`croc send`, magic-wormhole, a binary of the image such as `/opt/tools/push`) was not judged at all. A
script held by a resource — a CodeBuild buildspec's `commands`, a text starting with a shell's `#!` (user
data), the script of an exec-form `["sh", "-c", SCRIPT]` — is now split into simple commands
(`shell_words.split`: pipelines, `&&`, `;`, subshells, `$(…)`, here-documents) and each command's program
is judged:

- a program a reader of the pack reads (`local_programs.READ`: `aws`, `az`, `curl`, `rclone`, …) is judged
  there, as before;
- a program known to stay on the machine (`local_programs.LOCAL`, a reason per entry) passes;
- prefixes run the program after them (`sudo`, `env`, `timeout`, `nohup`, `nice`, `xargs`, `exec`, `time`,
  `command`, `busybox`): that program is judged; `find … -exec PROG … ;` and `su -c`, `bash -c SCRIPT`,
  `eval 'SCRIPT'`, a here-document fed to a shell and `alias x='…'` are scripts of their own;
- shell words (`if`, `then`, `do`, `!`, `{`, a `case` pattern, a `for` list) and functions the script
  defines (`upload() { …; }`: the body is judged where it is) are no programs;
- any other program blocks (`PROGRAM_WHY`: name it on the list with a reason, or copy with a command the
  pack reads), and so does a program named by a variable or an expansion (`$UPLOADER`, `$(… | base64 -d)`,
  `eval "$CMD"`) or a path outside the system's `bin` directories (`/opt/tools/push`, `~/bin/send`);
- a relative path (`./check-size.sh`, `scripts/build`) in a buildspec (`source=True`) is a file of the
  build's own source, reviewed with it as `make` and `npm run` are, unless the script fetches or writes it
  (its name is another word of the script: `aws s3 cp s3://x/tools/push . && ./push`), which blocks; in any
  other script (user data, a container's `sh -c`, a program run in `docker run`) it is the image's or the
  machine's and blocks (round 95; a source-less build's buildspec: image_programs.py).

Round 95: programs run by other programs are judged as the programs they run: `docker|podman run|exec
[OPTIONS] IMAGE COMMAND` (the command inside the container), `python3 -m MODULE` (`local_programs.MODULES`,
or a listed program's module), `npx`/`npm exec`/`yarn|pnpm dlx|exec` (the package, or the script of `-c`),
and the `ExecStart=` of a systemd unit the script writes.

Round 96: an exec form with no shell (a container's command, a Kubernetes manifest's in a here-document:
manifests.py) is judged by `exec_problems`: its first word found on PATH (a bare name, a system `bin` path)
as a script's program, while a file of the image named by its path (`/app/server`, `java -jar
/app/app.jar`, `sh /app/entrypoint.sh`) is the image's own application, judged as the image is, unless it
names a transfer tool (`local_programs.TRANSFER`); after the script leaves the source, a build tool's targets
(`make push`, `npm run push`) are the image's build file's and block; each message says its own fix (a PATH,
a loader variable, a relative, fetched or image-path program is no name `LOCAL` could list).

Round 98: an exec form of options only (`["--port", "8080"]`) is arguments to the image's own entry point,
judged as the image is, but for the script a `-c`/`-e` hands a shell or an interpreter entry point.
"""

from __future__ import annotations

import contextlib
import copy
import re
import shlex

from policies.core.entry_options import RUN_FLAG, option_commands
from policies.core.local_programs import BUILD_TARGETS, LOCAL, PREFIXES, READ, SHELLS, TRANSFER
from policies.core.manifests import manifest_commands
from policies.core.program_runners import (
    ASSIGN,
    LOADER_SET,
    RUNS_ANOTHER,
    after_prefix,
    build_targets,
    code_loader,
    foreign_directory,
    leaves_source,
    module_runner,
    package_runner,
    runs_another,
    scheduled,
)
from policies.core.script_languages import rclone_remotes
from policies.core.shell_words import split


class _Script:
    """What the programs of one script are judged with: the functions it defines, how often each name is
    written in it (a relative program written twice is fetched or written by the script), the depth."""

    def __init__(self, script: str, depth: int, source: bool, application: bool = False) -> None:
        self.application = application  # (round 96: in an exec form a path is the image's own application)
        self.functions = {m.group(1) or m.group(2) for m in _FUNCTION.finditer(script)}
        self.counts: dict[str, int] = {}
        for m in _NAMES.finditer(script):
            self.counts[m.group(0)] = self.counts.get(m.group(0), 0) + 1
        self.depth, self.source = depth, source and not leaves_source(script)  # (round 95: `cd /opt/x`)

    def nested(self, script: str) -> list[str]:
        """Why the programs of a script this one runs block (same source, one level deeper)."""
        return shell_problems(script, self.depth + 1, self.source)

    def program(self, words: list[str], raws: list[str]) -> list[str]:
        """Why a program another program runs blocks (judged as the script's own)."""
        return _program(words, raws, [], self)

    @staticmethod
    def exec_form(argv: list[str]) -> list[str]:
        """Why an exec form a command writes blocks (`kubectl run --overrides`, `kubectl patch`)."""
        return exec_problems(argv)

    @staticmethod
    def blocked(name: str, why: str) -> str:
        return PROGRAM_WHY.format(name) + why

    def elsewhere(self) -> _Script:
        """The context of a program run outside the source (in a container, `env -C /opt/x`): its relative
        programs are the image's."""
        other = copy.copy(self)
        other.source = False
        return other


_UNREAD = ("runs `{}`, a program the pack neither reads nor knows to stay on the machine (a binary of the "
           "image, a transfer tool such as croc or magic-wormhole): what it sends where cannot be judged; "
           "copy with a command the pack reads (`aws s3 cp`, azcopy, rclone with the backend on the command)")
PROGRAM_WHY = _UNREAD + (", or, if the program only works on local files, add it to `LOCAL` in "
                         "policies/core/local_programs.py with the reason (or waive the finding)")
# round 96: a program named by a path, one the script fetches, a relative one, a variable that sets PATH or
# loads code: no name `LOCAL` could list, so each message says its own fix
PATH_PROGRAM_WHY = _UNREAD + (" (a file of the image outside the system's `bin` directories, which no list "
                              "of names can vouch for)")
FETCHED_WHY = _UNREAD + (" (the script fetches or writes the program it runs, whose code the pack does not "
                         "read)")
TRANSFER_WHY = ("runs `{}`, a transfer tool the image holds outside the system's `bin` directories: what "
                "it sends where cannot be judged; run a program the pack reads by its name (`aws s3 cp`, "
                "azcopy, rclone with the backend on the command)")
BUILD_FILE_WHY = ("runs `{}`, the targets of a build file (Makefile, package.json, pom.xml) the pack does "
                  "not read")
PATH_WHY = ("sets `PATH={}`, which {} puts before the system's `bin` directories: a program the pack "
            "knows by name (gzip, tar) may then be a file of the image, whose code the pack does not read; "
            "append the directory after `$PATH`, or run the program by its system path (`/usr/bin/gzip`)")
LOADER_WHY = ("sets `{}`, which makes the shell, the dynamic loader or the runtime run a file of the "
              "image before each program, whose code the pack does not read: unset it, or do that file's "
              "work with a command the pack reads")
NAMED_WHY = ("runs a program named by `{}` (a variable, an expansion or a command evaluated when the script "
             "runs), which the pack cannot know: what it sends where cannot be judged; write the program's "
             "name in the script")
NO_SOURCE_NOTE = (" (no source of the project holds it: here it is a file of the image, of the machine or of "
                  "what the script fetched; give the build a source that holds it, or run a program the pack "
                  "reads)")
RELATIVE_WHY = ("runs `{}`, a relative program whose code the pack does not read: what it sends where cannot "
                "be judged")
OPTION_NOTE = (" (the value of the option `{}`, which the program may run as a command: the pack cannot tell "
               "it from data, so it is judged as one)")
DASHDASH_NOTE = (" (after `--`, where a runner entry point such as tini runs it as a program; if it is the "
                 "argument of the image's own application, name that application by its path: ECS and Batch "
                 "`entryPoint`, a Pod's `command`)")
_SYSTEM_BIN = re.compile(r"^/(?:usr/)?(?:local/)?s?bin/([\w.+-]+)$")
_FUNCTION = re.compile(r"(?m)(?:^|[;&|{(]|\bfunction)[ \t]*([A-Za-z_][\w.:-]*)[ \t]*\(\s*\)|\bfunction[ \t]+"
                       r"([A-Za-z_][\w.:-]*)")
_ALIAS = re.compile(r"^([\w.-]+)=(.*)$", re.S)
_KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}",
                       "time", "esac", "coproc"})
_MAX_DEPTH = 8
# a PATH the script sets (round 94's probe: `export PATH=/opt/partner/bin:$PATH` makes `gzip` the image's)
_PATH_SET = re.compile(r"(?:^|[\s;&|(])PATH=([^\s;&|)]*)")  # (`export PATH=…`, `PATH=… cmd`)
_SYSTEM_DIR = re.compile(r"^/(?:usr/)?(?:local/)?s?bin/?$")
_INTERPRETERS = frozenset({"python", "python3", "node", "pwsh", "powershell", "java", "perl", "ruby", "php"})
_NAMES = re.compile(r"[\w.+-]+")
_SHEBANG = re.compile(r"#![ \t]*/\S*?(?:env[ \t]+(?:-\S+[ \t]+)*)?\b(?:ba|da|a|z|k)?sh\b")
_AWK_RUNS = re.compile(r"\bsystem\s*\(|\|\s*&?\s*(?:getline\b|\"|[A-Za-z_]\w*\s*(?:;|\}|$))")


def may_hold(s: str) -> bool:
    """Whether the text may be a shell script of its own (a `#!` line first: user data, a script file)."""
    return s[:2] == "#!"


def held_scripts(s: str) -> list[str]:
    """The text itself when it starts with a shell's `#!` (`#!/bin/bash`, `#!/usr/bin/env sh`)."""
    return [s] if _SHEBANG.match(s) else []


def script_lines(value: list, path: str) -> list[str]:
    """Why the programs of a list of shell lines block: a buildspec's `phases.*.commands|finally` (run in one
    shell, so the lines are one script) and cloud-init's `runcmd`/`bootcmd` (a list item is an exec form)."""
    last = path.rsplit(".", 1)[-1]
    buildspec = last in ("commands", "finally") and ".phases." in path
    if buildspec or last in ("runcmd", "bootcmd"):
        out = [p for v in value if type(v) is list for p in exec_script(["sh", "-c", " ".join(map(str, v))])]
        return out + shell_problems(lines_script(value), source=buildspec)  # (a source-less build: round 95's
    return []  # image_programs judges its relative programs with the resource's source type in view)


def lines_script(value: list) -> str:
    """The one script a list of shell lines is (its strings; an exec form in it is judged as one)."""
    return "\n".join(v for v in value if type(v) is str)


def buildspec_script(doc: object) -> str:
    """The script of a parsed buildspec: the lines of every phase's `commands` and `finally`, in order."""
    phases = doc.get("phases") if isinstance(doc, dict) else None
    return "\n".join(lines_script(p[k]) for p in (phases.values() if isinstance(phases, dict) else ())
                     if isinstance(p, dict) for k in ("commands", "finally") if isinstance(p.get(k), list))


def exec_script(value: list) -> list[str]:
    """Why the script of an exec-form `["sh", "-c", SCRIPT]` (`bash -lc`, `/bin/sh -ec`) blocks."""
    if len(value) < 3 or not all(type(v) is str for v in value[:3]):
        return []
    name = m.group(1) if (m := _SYSTEM_BIN.match(value[0])) else value[0]
    flag = value[1]
    if name not in SHELLS or flag[:1] != "-" or "c" not in flag or "-" in flag[1:]:
        return []
    return shell_problems(value[2])


def shell_problems(script: str, depth: int = 0, source: bool = False) -> list[str]:
    """Why each program of the script that the pack cannot judge blocks (PROGRAM_WHY, NAMED_WHY); `source`:
    the script is a buildspec's of a project with a source, whose relative programs are its files."""
    if depth > _MAX_DEPTH:
        return [NAMED_WHY.format("a script nested more than eight levels deep")]
    commands, nested = split(script)
    ctx = _Script(script, depth, source)
    out = [PATH_WHY.format(m.group(1), "the script") for m in _PATH_SET.finditer(script)
           if path_first(m.group(1))][:1] if "PATH=" in script else []
    in_case = False
    for n, (words, raws, sep, docs) in enumerate(commands):
        if words[:1] == ["case"]:
            in_case = True
            continue
        if in_case and (sep == ")" or words[:1] == ["esac"]):
            in_case = words[:1] != ["esac"]
            continue
        if sep == "(" and len(words) == 1 and n + 1 < len(commands) and not commands[n + 1][0]:
            continue  # `name()`: a function's name
        out += _command(words, raws, docs, ctx)
        piped = sep == "|" and n + 1 < len(commands) and "kubectl" in commands[n + 1][0]
        out += _manifests(docs, words, piped)  # rounds 96, 97: Kubernetes manifests' containers
    for text in nested:
        out += ctx.nested(text)
    out += [p for command in scheduled(script) for p in ctx.nested(command)]  # round 95: systemd, cron
    out += [LOADER_WHY.format(f"{m.group(1)}={m.group(2)}")
            for m in LOADER_SET.finditer(script) if code_loader(m.group(1), m.group(2))][:1]
    return list(dict.fromkeys(out))


def _manifests(docs: list[str], words: list[str], piped: bool) -> list[str]:
    """Why the Kubernetes manifests of a command's here-documents block: their containers' exec forms, or
    a manifest that cannot be judged (round 97); one a shell runs is a script (`_shell`)."""
    read = piped or "kubectl" in words
    if not docs or (not read and any(w.rsplit("/", 1)[-1] in SHELLS | _INTERPRETERS for w in words[:3])):
        return []  # (`sudo bash <<EOF`, `python3 - <<EOF`: a script, judged as one)
    out: list[str] = []
    for doc in docs:
        argvs, why = manifest_commands(doc, read)
        out += why + [p for argv in argvs for p in exec_problems(argv)]
    return out


def path_first(value: str) -> bool:
    """Whether a PATH value puts a directory outside the system's `bin` ones before the inherited `$PATH`."""
    for entry in value.strip("\"'").split(":"):
        if entry in ("$PATH", "${PATH}"):
            return False
        if entry and not _SYSTEM_DIR.match(entry):
            return True
    return False


def _command(words: list[str], raws: list[str], docs: list[str], ctx: _Script) -> list[str]:
    i = 0
    while i < len(words) and (ASSIGN.match(raws[i]) or words[i] in _KEYWORDS or words[i] == "function"):
        if words[i] == "function":
            return []
        i += 1
    if i >= len(words) or words[i] in ("for", "select", "case", "in", "[[", "]]"):
        return []
    return _program(words[i:], raws[i:], docs, ctx)


def _program(words: list[str], raws: list[str], docs: list[str], ctx: _Script) -> list[str]:
    raw = raws[0]
    if "$" in raw or "`" in raw or "*" in raw or "?" in raw:
        return [NAMED_WHY.format(raw if len(raw) < 60 else raw[:57] + "…")]
    name = words[0]
    if m := _SYSTEM_BIN.match(name):
        name = m.group(1)
    elif "/" in name:  # (round 99: an option of the image's own application may hand it a command)
        return _path(name, ctx) + (_option_programs(words[1:]) if ctx.application else [])
    if name in ctx.functions or name in LOCAL or name in READ:
        return _inner(name, words, raws, ctx)
    if name in SHELLS:
        return _shell(words, raws, docs, ctx)
    if name == "npx":
        return package_runner(words, raws, ctx)
    if name in PREFIXES:
        rest = after_prefix(name, words)
        if name == "env" and foreign_directory(name, words[:rest]):  # `env -C /opt/partner ./push`
            ctx = ctx.elsewhere()
        return _program(words[rest:], raws[rest:], docs, ctx) if rest < len(words) else []
    return [PROGRAM_WHY.format(name)]


def _path(name: str, ctx: _Script) -> list[str]:
    """A program named by its path (see the module's docstring); in an exec form (`ctx.application`) it is
    the image's own application unless it names a transfer tool."""
    base = name.rstrip("/").rsplit("/", 1)[-1]
    if ctx.application:
        return [TRANSFER_WHY.format(name)] if base in TRANSFER else []
    if name[:1] in "/~":
        return [PATH_PROGRAM_WHY.format(name)]
    if ctx.counts.get(base, 0) > 1:
        return [FETCHED_WHY.format(name)]
    return [] if ctx.source else [RELATIVE_WHY.format(name) + NO_SOURCE_NOTE]


def exec_problems(argv: list[str]) -> list[str]:
    """Why an exec form (a container's command with no shell) blocks (round 96): its first word found on PATH
    is judged as a script's program is (`["croc", "send", …]` blocks, `["gunicorn", …]` passes); a file of
    the image named by its path (`["/app/server"]`, `["java", "-jar", "/app/app.jar"]`, `["tini", "--",
    "./server"]`) is the image's own application, judged as the image is, unless it names a transfer tool."""
    if not argv or not all(type(w) is str for w in argv):
        return []
    if argv[0][:1] == "-":  # round 98: no program is named `-…`: arguments to the image's own entry point
        return _entry_arguments(argv)
    if any(c.isspace() for c in argv[0]):  # `["aws s3 cp a b"]`: a command line in one word, judged as meant
        with contextlib.suppress(ValueError):  # (unbalanced quotes: the word is the name, and blocks)
            argv = shlex.split(argv[0]) + argv[1:]
    line = shlex.join(argv)  # (round 98: a remote of rclone's config is read on the line its words make)
    return _program(argv, argv, [], _Script(line, 0, False, application=True)) + rclone_remotes(line)


def _entry_arguments(argv: list[str]) -> list[str]:
    """An exec form of options only gives them to the image's entry point, judged as the image is (`args:
    ["--port", "8080"]`, an ECS `command` under the image's ENTRYPOINT); a short option holding `c` or `e`
    (`-c`, `-ec`, `-e`) may hand a shell or an interpreter entry point the next word to run (the bash image
    runs `bash -c …`), so that word is judged as a script, and what follows `--` as the program a runner
    entry point (tini, dumb-init) runs."""
    out = _option_programs(argv)  # (round 99: `--exec=croc send d`)
    if "--" in argv:  # (`tini -- croc send …`: what follows the end of options is a runner's program)
        return out + [p + DASHDASH_NOTE for p in exec_problems(argv[argv.index("--") + 1:])]
    return out + [p for i, w in enumerate(argv[:-1]) if RUN_FLAG.match(w)
                  for p in shell_problems(argv[i + 1])]


def _option_programs(words: list[str]) -> list[str]:
    """An option's value that may be a command the program runs, judged as an exec form (entry_options)."""
    return [p + OPTION_NOTE.format(opt) for opt, value in option_commands(words)
            for p in exec_problems([value])]


def _inner(name: str, words: list[str], raws: list[str], ctx: _Script) -> list[str]:
    """Programs a known program runs: `find -exec`, `eval`, `alias`, `su -c`, `watch`."""
    if directory := foreign_directory(name, words):  # round 95: `make -C /opt/partner push`
        return [BUILD_FILE_WHY.format(f"{name} … {directory}") + " (the build file of a directory outside "
                "the source is the image's: build in the source)"]
    if name in BUILD_TARGETS and not ctx.source and not ctx.application and build_targets(name, words):
        return [BUILD_FILE_WHY.format(" ".join(words[:3])) + NO_SOURCE_NOTE]
    if name == "find":
        out = []
        for i, w in enumerate(words):
            if w in ("-exec", "-execdir", "-ok", "-okdir") and i + 1 < len(words):
                end = next((j for j in range(i + 1, len(words)) if words[j] in (";", "+")), len(words))
                out += _program(words[i + 1:end], raws[i + 1:end], [], ctx)
        return out
    if name in ("awk", "gawk") and any(_AWK_RUNS.search(w) for w in words[1:]):
        return [PROGRAM_WHY.format(f"{name} … system()") + " (awk runs a command of its own)"]
    if name == "eval":
        if any("$" in r or "`" in r for r in raws[1:]):
            return [NAMED_WHY.format(" ".join(raws)[:60])]
        return ctx.nested(" ".join(words[1:]))
    if name == "alias":
        return [p for w in words[1:] if (m := _ALIAS.match(w))
                for p in ctx.nested(m.group(2))]
    if name in RUNS_ANOTHER:
        return runs_another(name, words, raws, ctx)
    if name == "trap" and len(words) > 2 and words[1][:1] != "-":  # `trap 'CMD' EXIT` runs CMD on exit
        return ctx.nested(words[1]) if "$" not in raws[1][:2] else [
            NAMED_WHY.format(raws[1][:60])]
    if name in ("source", ".") and len(words) > 1:  # its commands run in this shell: a file of the image
        return _path(words[1] if "/" in words[1] else f"./{words[1]}", ctx)  # blocks, the source's passes
    if name in _INTERPRETERS and (first := next((w for w in words[1:] if w[:1] != "-"), "")) and (
            first[:1] in "/~" and "-c" not in words and "-e" not in words):
        return _path(first, ctx)  # `python3 /opt/tools/push.py`: a program of the image
    if name in ("python", "python3"):
        return module_runner(name, words, raws, ctx)
    if name in ("su", "runuser") and "-c" in words[:-1]:
        return ctx.nested(words[words.index("-c") + 1])
    return []


def _shell(words: list[str], raws: list[str], docs: list[str], ctx: _Script) -> list[str]:
    """A shell run by the script: `-c SCRIPT`, a here-document, or a script file it does not hold."""
    for i, w in enumerate(words[1:], 1):
        if w[:1] == "-" and w[1:] and "c" in w[1:] and "-" not in w[1:] and i + 1 < len(words):
            if "$" in raws[i + 1][:2] or "`" in raws[i + 1][:1]:
                return [NAMED_WHY.format(raws[i + 1][:60])]
            return ctx.nested(words[i + 1])
        if w[:1] != "-" and w != "-s":  # (an exec form's `["sh", "/app/entrypoint.sh"]`: the image's own)
            return _path(w if "/" in w else f"./{w}", ctx) if ctx.application else [
                PROGRAM_WHY.format(f"{words[0]} {w}") + " (a script file the resource does not hold)"]
    return [p for d in docs for p in ctx.nested(d)] if docs else [PROGRAM_WHY.format(
        f"{words[0]} reading its script from a pipe or the image")]
