"""Known programs that run a program of their own (rounds 94-95), for shell_programs.

Each function gets the command's words and the script's context (`shell_programs._Script`: `nested(script)`
judges a script run by the command, `program(words, raws)` a program it runs, `elsewhere()` is the context of
a container or another directory, whose relative programs are the image's, `blocked(name, why)` the message
of a program that cannot be judged), so this module imports nothing of shell_programs:

- GNU sed's `e` flag or command; tar's `--to-command`, `-I`, `--checkpoint-action=exec=` (round 94);
- `docker|podman|nerdctl [container|compose …] run|exec [OPTIONS] IMAGE|SERVICE [COMMAND …]` and
  `kubectl exec|run|debug … -- COMMAND`: the command runs in the container (round 95);
- `python3 -m MODULE` (`-mMODULE` too: `module_runner`), `npx`, `npm exec|x`, `yarn|pnpm dlx|exec`, `uv run`,
  `uv tool run`, `poetry|pipenv|pdm|hatch run`: the package or command they run (round 95);
- the commands of a systemd unit (`ExecStart=`) and of a cron line a script writes (round 95);
- variables that make the shell, the dynamic loader or a runtime load a file first (`BASH_ENV`, `ENV`,
  `LD_PRELOAD`, `LD_AUDIT`; `NODE_OPTIONS=--require`, `JAVA_TOOL_OPTIONS=-javaagent:`, `PERL5OPT=-M`,
  `RUBYOPT=-r`), set by the script or the resource's environment: `code_loader` (round 95);
- the directory a script changes to (`cd /opt/partner`, `env -C /opt/partner`; round 96: `cd ../..` above
  the start, `popd`, CDPATH): relative programs after it are not the source's; a build tool told to work in
  such a directory (`make -C`, `npm --prefix`) runs the image's build file: `foreign_directory`; so does one
  run there by name (`make push`, `npm run push`: `build_targets`, round 96).
"""

from __future__ import annotations

import re
from typing import Protocol

from policies.core.local_programs import (
    BUILD_TARGETS,
    CONTAINER_FLAGS,
    CONTAINER_VALUED,
    LIFECYCLE,
    LOCAL,
    MODULES,
    OWN_COMMANDS,
    PREFIXES,
    READ,
    TRANSFER,
)
from policies.core.manifests import manifest_commands


class _Script(Protocol):
    """What a runner needs of the script's context (shell_programs._Script)."""

    def nested(self, script: str) -> list[str]: ...
    def program(self, words: list[str], raws: list[str]) -> list[str]: ...
    def elsewhere(self) -> _Script: ...
    def blocked(self, name: str, why: str) -> str: ...
    def exec_form(self, argv: list[str]) -> list[str]: ...


RUNS_ANOTHER = frozenset({"sed", "tar", "docker", "podman", "nerdctl", "kubectl", "uv", "poetry", "pipenv",
                          "pdm", "hatch", "npm", "yarn", "pnpm"})
ASSIGN = re.compile(r"^[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=")  # `X=1`, `a[0]=x`, `X+=y`
_TAR_RUNS = frozenset({"--to-command", "-I", "--use-compress-program", "-F", "--info-script",
                       "--new-volume-script"})
# GNU sed: an `s` command with the `e` flag, or the `e` command (alone, or after an address)
_SED_EXEC = re.compile(r"s([^\w\s\\])(?:\\.|(?!\1).)*\1(?:\\.|(?!\1).)*\1[gpIiMm0-9w]*e|(?:^|[;\n{}])\s*"
                       r"(?:\d+|\$|/(?:\\.|[^/])*/)?\s*e(?:\s|;|$)")
# a systemd unit's commands (`ExecStart=-/opt/x …`: the prefixes `-@:+!` change how, not what, it runs), in a
# here-document, an `echo` or a `printf` format (`\n` written as two characters ends a line too)
_UNIT_EXEC = re.compile(r"(?:^|[\s'\"]|\\n)Exec(?:Start|StartPre|StartPost|Stop|StopPost|Reload|Condition)="
                        r"[-@:+!]*((?:(?!\\n)[^\n'\"])+)")
# a cron line: five schedule fields (one a `*`) or an `@` schedule, then (in /etc/cron.d) a user, the command
_CRON = re.compile(r"(?:^|['\"]|\\n)[ \t]*(@(?:reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)|"
                   r"(?:[\d*/,-]+[ \t]+){4}[\d*/,A-Za-z-]+)[ \t]+((?:(?!\\n)[^\n'\"])+)", re.M)
# variables whose value makes a shell, the loader or a runtime run a file before the program: any value, or
# the options that load code (the rest, `--max-old-space-size=2048`, `-Xmx1g`, pass)
_LOADERS = {"BASH_ENV": "", "ENV": "", "LD_PRELOAD": "", "LD_AUDIT": "",
            "NODE_OPTIONS": r"(?:^|\s)(?:-r|--require|--import|--loader|--experimental-loader)\b",
            "JAVA_TOOL_OPTIONS": "-javaagent|-agentpath|-agentlib", "_JAVA_OPTIONS": "-javaagent|-agentpath",
            "JDK_JAVA_OPTIONS": "-javaagent|-agentpath", "PERL5OPT": "-[mM]", "RUBYOPT": "-r"}
LOADER_SET = re.compile(r"(?:^|[\s;&|(])(?:export[ \t]+)?(" + "|".join(_LOADERS)
                        + r")=(\"[^\"]*\"|'[^']*'|[^\s;&|)]*)")
# `cd DIR`/`pushd DIR`: a directory outside the build's source (absolute, the home, a variable other than
# CODEBUILD_SRC_DIR*); a relative one (`cd web`, `cd ..`) stays in it
# a `cd` where a command starts: after a separator, a keyword or a prefix that runs it, assignments, quoted or
# escaped (round 97: `"cd" /opt`, `eval "cd /opt"`; `echo cd /` changes nothing)
_CD = re.compile(r"(?:^|[;&|({`\n])[ \t]*(?:(?:then|do|else|elif|if|while|until|!|builtin|command|eval|exec)"
                 r"[ \t]+|[A-Za-z_]\w*=\S*[ \t]+)*[\\\"']?(cd|pushd|popd)[\"']?(?:[ \t]+([^\s;&|)]+))?"
                 r"(?=[\s;&|)\"']|$)")
# the options that make a build tool (or `env`) work in another directory, or read another build file
_NO_SCRIPTS = {"--ignore-scripts", "-g", "--global", "--location=global"}  # no package.json of the directory
_DIR_OPTIONS = {"make": {"-C", "--directory", "-f", "--file", "--makefile"}, "npm": {"--prefix", "-C"},
                "yarn": {"--cwd"}, "pnpm": {"-C", "--dir"}, "mvn": {"-f", "--file"},
                "gradle": {"-p", "--project-dir", "-b", "--build-file"}, "env": {"-C", "--chdir"}}
_USER = re.compile(r"^[a-z_][a-z0-9_-]*$")
_RUN_VALUED = frozenset({"--with", "--from", "--python", "-p", "--project", "--directory", "--env-file",
                         "--group", "--extra", "--package", "--index", "--with-requirements", "-e", "--env"})
_COMPOSE_VALUED = frozenset({"-f", "--file", "-p", "--project-name", "--profile", "--env-file",
                             "--project-directory", "--ansi", "--progress", "--parallel"})


def runs_another(name: str, words: list[str], raws: list[str], ctx: _Script) -> list[str]:
    """Why the program a known program runs blocks ([] when it runs none, or one that passes)."""
    if name == "sed":
        scripts = [w for i, w in enumerate(words[1:], 1) if words[i - 1] in ("-e", "--expression")
                   or w.startswith("--expression=")] or [next((w for w in words[1:] if w[:1] != "-"), "")]
        return [ctx.blocked("sed … e", " (GNU sed's `e` runs the pattern space as a command)")
                for w in scripts if _SED_EXEC.search(w)][:1]
    if name == "tar":
        out = []
        for i, w in enumerate(words[1:], 1):
            opt, _, value = w.partition("=")
            if opt in _TAR_RUNS and not value and i + 1 < len(words):
                value = words[i + 1]
            if opt in _TAR_RUNS or (opt == "--checkpoint-action" and value.startswith("exec=")):
                out += ctx.nested(value.removeprefix("exec="))
        return out
    if name == "kubectl":
        return _kubectl(words, raws, ctx)
    if name in ("npm", "yarn", "pnpm"):
        if words[1:2] == ["explore"] and "--" in words:  # round 97: a shell command in a package's directory
            return ctx.elsewhere().nested(" ".join(words[words.index("--") + 1:]))
        if name == "yarn" and words[1:2] == ["node"]:  # `yarn node FILE`: node, in the project
            return ctx.program(words[1:], raws[1:])
        if name != "npm" and words[1:2] and words[1] in TRANSFER:  # round 98: `pnpm croc send …` runs croc
            return ctx.program(words[1:], raws[1:])  # (or a script named after it, judged as the tool)
        return package_runner(words[1:], raws[1:], ctx) if words[1:2] in (["exec"], ["x"], ["dlx"]) else []
    if name in ("uv", "poetry", "pipenv", "pdm", "hatch"):
        at = 3 if words[1:3] == ["tool", "run"] else 2 if words[1:2] == ["run"] else 0
        return _after_options(words, raws, at, _RUN_VALUED, ctx) if at else []
    at = 1 + (words[1:2] == ["container"])
    if words[1:2] == ["compose"]:
        at = _options_end(words, 2, _COMPOSE_VALUED)
    return _container_run(words, raws, at + 1, ctx) if words[at:at + 1] in (["run"], ["exec"]) else []


def _options_end(words: list[str], i: int, valued: frozenset[str]) -> int:
    while i < len(words) and words[i][:1] == "-" and words[i] != "-":
        i += 2 if words[i] in valued else 1
    return i


def _after_options(words: list[str], raws: list[str], i: int, valued: frozenset[str],
                   ctx: _Script) -> list[str]:
    """The command after a runner's options (`uv run --with x CMD`, `uv tool run --from p CMD`)."""
    i = _options_end(words, i, valued)
    i += words[i:i + 1] == ["--"]
    return ctx.program(words[i:], raws[i:]) if i < len(words) else []


def _container_run(words: list[str], raws: list[str], i: int, ctx: _Script) -> list[str]:
    """`… run|exec [OPTIONS] IMAGE|CONTAINER|SERVICE [COMMAND …]`: the command (or the `--entrypoint` with it)
    is judged as a program run in the container, whose relative programs are the image's; no command runs
    the image's own (judged as the image is); an option the pack does not know blocks, as the image and its
    command cannot be told apart."""
    entry: list[str] = []
    while i < len(words) and words[i][:1] == "-" and words[i] != "-":
        opt, eq, value = words[i].partition("=")
        if opt == "--entrypoint":
            entry = [value] if eq else words[i + 1:i + 2]
        if eq or opt in CONTAINER_FLAGS or (opt[1:2] != "-" and set(opt[1:]) <= CONTAINER_FLAGS):
            i += 1
        elif opt in CONTAINER_VALUED:
            i += 2
        else:
            why = (" (an option the pack does not know: the image and its command cannot be told apart; "
                   f"write `{opt}=…`)")
            return [ctx.blocked(f"{' '.join(words[:2])} … {opt}", why)]
    command = entry + words[i + 1:]
    return ctx.elsewhere().program(command, entry + raws[i + 1:]) if command else []


def _kubectl(words: list[str], raws: list[str], ctx: _Script) -> list[str]:
    """`kubectl exec|run|debug|create … -- COMMAND`: the command runs in a pod's container (its image's
    programs; round 96: `kubectl create job|cronjob|deployment NAME --image=X -- COMMAND` too)."""
    if words[1:2] in (["run"], ["patch"]) and (objects := _kubectl_objects(words, ctx)):
        return objects
    if words[1:2] not in (["exec"], ["run"], ["debug"], ["create"]):
        return []
    if "--" in words:
        i = words.index("--") + 1
        return ctx.elsewhere().program(words[i:], raws[i:]) if i < len(words) else []
    return [ctx.blocked("kubectl exec", " (write the command after `--`)")] if words[1] == "exec" else []


def _kubectl_objects(words: list[str], ctx: _Script) -> list[str]:
    """Round 97: the object `kubectl run --overrides=JSON` or `kubectl patch -p PATCH` writes is a manifest
    (manifests.py): its containers' exec forms are judged, one it cannot judge blocks, and so does a patch
    the script does not hold (`--patch-file`)."""
    options = ("--overrides",) if words[1] == "run" else ("-p", "--patch")
    out: list[str] = []
    for i, w in enumerate(words[2:], 2):
        opt, eq, value = w.partition("=")
        if opt == "--patch-file" and words[1] == "patch":
            return [ctx.blocked("kubectl patch --patch-file", " (a patch the script does not hold: write it "
                                "with `-p`)")]
        if opt in options or (opt[:2] == "-p" and words[1] == "patch" and len(opt) > 2):
            value = value if eq else w[2:] if opt[:2] == "-p" and len(opt) > 2 else (
                words[i + 1] if i + 1 < len(words) else "")
            argvs, why = manifest_commands(value, read=True, patch=True)
            out += why + [p for argv in argvs for p in ctx.exec_form(argv)]
    return out


def module_runner(name: str, words: list[str], raws: list[str], ctx: _Script) -> list[str]:
    """`python3 [-flags] -m MODULE …` (`-mMODULE`, `-Im MODULE`): a module known to stay local, one that is a
    listed program's (`pip`, `pytest`, `twine`), or it blocks (a module of the image, not read)."""
    i = 1
    while i < len(words) and words[i][:1] == "-" and words[i][:2] != "--":
        w = words[i]
        j = next((k for k, ch in enumerate(w) if ch in "cmWX"), 0)  # (a flag cluster: `-Im`, `-uc`)
        if j and w[j] == "c":
            return []  # `-c CODE`: read by the code readers
        if j and w[j] == "m":
            if not w[j + 1:]:
                return _module_program(name, " ".join(words[i + 1:i + 2]), words[i + 2:], raws[i + 2:], ctx)
            return _module_program(name, w[j + 1:], words[i + 1:], raws[i + 1:], ctx)
        i += 2 if j and not w[j + 1:] else 1  # `-W error`, `-X dev`: a value follows
    return []


def _module_program(name: str, module: str, words: list[str], raws: list[str], ctx: _Script) -> list[str]:
    if module in MODULES:
        return []
    top = module.split(".", 1)[0]
    if top in LOCAL or top in READ:
        return ctx.program([top, *words], [top, *raws])
    return [ctx.blocked(f"{name} -m {module}", " (a module of the image, whose code the pack does not read)")]


def package_runner(words: list[str], raws: list[str], ctx: _Script) -> list[str]:
    """`npx`, `npm exec|x`, `yarn|pnpm dlx|exec`: the package run, or the script of `-c`."""
    for i, w in enumerate(words[1:-1], 1):
        if w in ("-c", "--call"):
            return ctx.nested(words[i + 1])
        if w.startswith(("--call=", "-c=")):
            return ctx.nested(w.partition("=")[2])
    rest = after_prefix("npx", words)
    return ctx.program(words[rest:], raws[rest:]) if rest < len(words) else []


def scheduled(script: str) -> list[str]:
    """The commands a script writes for systemd (`ExecStart=`) or cron to run later (the cron line's user
    field, when the first word is a user name followed by more, is skipped: the rest is still judged)."""
    out = [m.group(1) for m in _UNIT_EXEC.finditer(script)] if "Exec" in script else []
    for m in _CRON.finditer(script) if "*" in script or "@" in script else ():
        if "*" in m.group(1) or m.group(1)[:1] == "@":
            first, _, rest = m.group(2).strip().partition(" ")
            out.append(rest if rest and _USER.match(first) and first not in LOCAL and first not in READ
                       else m.group(2))
    return out


def after_prefix(name: str, words: list[str]) -> int:
    """The index of the program a prefix command runs (after its options, assignments and operand)."""
    valued, operand, i = PREFIXES[name], name in ("timeout", "chroot", "flock"), 1
    while i < len(words):
        w = words[i]
        if w == "--":
            return i + 1
        if w[:1] == "-" and len(w) > 1:
            i += 2 if w in valued else 1
        elif name == "env" and ASSIGN.match(w):
            i += 1
        elif operand:  # the duration, the directory or the lock file
            operand, i = False, i + 1
        else:
            return i
    return i


def code_loader(name: str, value: str) -> bool:
    """Whether the variable makes a shell, the loader or a runtime run a file of the image first."""
    pattern = _LOADERS.get(name)
    if pattern is None or not value.strip("\"'"):
        return False
    return not pattern or bool(re.search(pattern, value))


def leaves_source(script: str) -> bool:
    """Whether the script changes to a directory outside the build's source (see `_CD`), or climbs above it
    with `..` (round 96: `cd ../..`, `cd web` then `cd ../..`). A `cd` in a subshell or `$(…)` does not
    last, so only a top-level one takes the script deeper; a `..` anywhere counts."""
    if "cd" not in script and "pushd" not in script:
        return False
    if "CDPATH=" in script:
        return True  # a relative `cd partner` may then go to any directory CDPATH names
    depth, pushed = 0, []
    for m in _CD.finditer(script):
        if m.group(1) == "popd":  # back to the directory before the last `pushd` (round 96's probe)
            depth = pushed.pop() if pushed else depth
            continue
        target = (m.group(2) or "~").strip("\"'")
        if _outside(target):
            return True
        top = script.count("(", 0, m.start(1)) <= script.count(")", 0, m.start(1))
        pushed += [depth] if m.group(1) == "pushd" else []
        parts = target.split("/")
        if target[:1] == "$":  # `$CODEBUILD_SRC_DIR…/x`: from the source's root (round 96's probe: `/..`)
            depth, parts = 0, parts[1:]
        for part in parts:
            depth += -1 if part == ".." else int(top and part not in ("", "."))
            if depth < 0:
                return True
    return False


def build_targets(name: str, words: list[str]) -> bool:
    """Whether a build tool's command runs targets of the current directory's build file (`make push`,
    `npm run push`, `mvn deploy`; not `npm ci`, `make --version`)."""
    commands = BUILD_TARGETS[name]
    asks = any(w in ("--version", "-v", "--help", "-h") for w in words[1:])
    if not commands:
        return not asks
    command = next((w for w in words[1:] if w[:1] != "-"), "")
    if command in commands:
        return True
    if command in LIFECYCLE[name]:  # round 97: `npm ci`, `yarn`, `pnpm install` run lifecycle scripts
        return not asks and not _NO_SCRIPTS & set(words[1:])
    return name != "npm" and command not in OWN_COMMANDS[name]  # `yarn push`: a script by its name


def foreign_directory(name: str, words: list[str]) -> str:
    """The directory outside the source a build tool or `env` is told to work in (`make -C /opt/x`, `npm
    --prefix /opt/x`, `env -C /opt/x`): its Makefile, package.json or relative program is the image's."""
    options = _DIR_OPTIONS.get(name, ())
    for i, w in enumerate(words[1:], 1):
        opt, eq, value = w.partition("=")
        value = value if eq else words[i + 1] if i + 1 < len(words) else ""
        if opt in options and _outside(value):
            return value
        if len(opt) > 2 and opt[:2] in options and opt[1] != "-" and _outside(opt[2:]):  # `-C/opt/x`
            return opt[2:]
    return ""


def _outside(target: str) -> bool:
    """Whether a directory is outside the build's source: absolute, the home, a variable other than
    CODEBUILD_SRC_DIR*, or `-` (the previous one)."""
    target = target.strip("\"'")
    variable = target[:1] == "$" and not target.lstrip("${").startswith("CODEBUILD_SRC_DIR")
    return target[:1] in ("/", "~", "-") or variable
