"""Code and connections in a script that no reader of the pack understands (round 92), for command_places.

Rounds 88-91 read clients one by one (Python, Node, .NET, PowerShell, Go, Java); a script can send as well
from a language none of them reads or over a connection no HTTP reader sees. This module closes the world:

- **Code in a language the pack does not read**: an interpreter or compiler run by the script (`perl`,
  `ruby`, `php`, `lua`, `tclsh`, `Rscript`, `julia`, `groovy`, `elixir`, `swift`, `rustc`, `cargo run|build`,
  `gcc`/`cc`/`clang`, …) or a file the script writes with such a shebang (`#!/usr/bin/env ruby`) blocks
  (`UNREAD_WHY`): what it sends where cannot be judged. Only a Perl or Ruby one-liner that substitutes text
  and does nothing else passes (`perl -pi -e 's/a/b/g' f`, `ruby -pi -e '$_.gsub!(/a/, "b")' f`): it loads
  no module, opens no socket and runs no command.
- **Raw connections**: bash's `/dev/tcp/HOST/PORT` (and `/dev/udp`), gawk's `/inet/tcp/0/HOST/PORT`, `nc`,
  `ncat`, `netcat`, `telnet`, `socat … TCP:HOST:PORT|OPENSSL:HOST:PORT`, `openssl s_client -connect
  HOST:PORT`: HOST is a destination (a variable is the resource's own setting, else it blocks).
- **Database and sync clients that write**: `psql`, `pg_restore`, `mysql`, `mongorestore`, `mongoimport`,
  `mongosh`, `redis-cli`, `sqlcmd`, `cqlsh` given a connection URL or host (`-h`, `--host`, `-S`, `--uri`)
  held by a variable: a held destination; rclone's `copy|sync|move|… src remote:path` to a remote named in
  its config file (`REMOTE_WHY`: write the backend on the command, `:s3,region=eu-west-1:bucket`).
"""

from __future__ import annotations

import re

from policies.core.code_imports import HINTS as _IMPORTS
from policies.core.code_imports import unread_imports
from policies.core.upload_targets import held_target

START = (r"(?:^|[;&|(`\n]|\$\(|\b(?:then|do|else|exec|sudo|env|time|nohup|xargs|busybox|toybox)\s)\s*"
          r"(?:/(?:usr/)?(?:local/)?s?bin/)?")  # (round 92's probe: `busybox nc`, `/usr/bin/nc`)
_LANGUAGES = (r"perl|ruby|php|php-cgi|lua|luajit|tclsh|wish|Rscript|julia|groovy|kotlin|kotlinc|scala|"
              r"elixir|erl|escript|swift|swiftc|rustc|gcc|g\+\+|cc|clang|clang\+\+|tcc|ghc|runghc|zig|nim|"
              r"crystal|raku|guile|racket|sbcl|ocaml|dart|jrunscript|jshell|osascript|cargo\s+(?:run|build)")
_RUNS = re.compile(rf"{START}({_LANGUAGES})(?=\s|$)[^\n;|&]*", re.M)
# code of such a language held by a resource itself (a Ruby Lambda's `index.rb`, round 92's probe): Ruby's
# `require 'x'`, Perl's, Rust's and PHP's `use X::Y;`/`use X\Y;`, a PHP open tag
_MARKERS = re.compile(r"(?m)^[ \t]*(?:require(?:_relative)?[ \t]+[\"'][^\"'\n]+[\"']|use[ \t]+(?:[A-Za-z_]\w*"
                      r"(?:::|\\)[\w:\\]+|strict|warnings|[A-Z]\w*)\b[^;\n]*;)|<\?php\b")
_SHEBANG = re.compile(rf"#!\s*/\S*?(?:env\s+)?\b({_LANGUAGES.replace('cargo', 'cargo-script')})\b")
# a Perl or Ruby one-liner that only substitutes text: flags, `-e 'CODE'`, then file names
_FILTER = re.compile(r"^(?:perl|ruby)((?:\s+-[pnilaw0-9]+(?:\.\w+)?)*)\s+-[pnilaw]*e\s+'([^']*)'[\w./\s*-]*$")
_PERL_SUB = r"(?:s|tr|y)/(?:[^/\\\n]|\\.)*/(?:[^/\\\n]|\\.)*/[gimsxopdualncr]*(?![a-z])"  # (no `e`: code)
_RUBY_SUB = r"\$_\.(?:g?sub!?|tr!?|chomp!?)\(\s*/(?:[^/\\\n]|\\.)*/[a-z]*\s*,\s*\"[^\"$#`\\]*\"\s*\)"
_ONLY_SUBS = re.compile(rf"^\s*(?:(?:{_PERL_SUB}|{_RUBY_SUB})\s*;?\s*)+$")
UNREAD_WHY = ("runs `{}`, code in a language the pack does not read (Perl, Ruby, PHP, Rust, C, Lua, …): "
              "what it sends where cannot be judged; write it in Python, Node, Go, Java, PowerShell or shell "
              "commands the pack reads (a Perl or Ruby one-liner that only substitutes text, `perl -pi -e "
              "'s/a/b/g' file`, passes), or declare what it writes to as resources of this stack")
REMOTE_WHY = ("runs `{}`, which copies to the rclone remote `{}` defined in a config file the pack does not "
              "read: where the data goes cannot be judged; write the backend on the command (`:s3,provider="
              "AWS,region=eu-west-1:bucket/path`, `:azureblob,account=<account>:container`) with a resource "
              "of this stack")
# raw connections: the host word
_DEV_TCP = re.compile(r"/dev/(?:tcp|udp)/([^/\s\"']+)/|/inet[46]?/(?:tcp|udp)/\d+/([^/\s\"']+)/")
_NC = re.compile(rf"{START}(?:nc|ncat|netcat|telnet)((?:\s+[^\s;|&<>]+)+)", re.M)
LOCAL_HOST = re.compile(r"^(?:localhost|127\.[\d.]+|0\.0\.0\.0|::1|\[::1\])$")
BARE_WHY = ("connects to the bare host name `{}` ({}): it is resolved by the image's hosts file or DNS "
            "search domain, which the pack does not read; write the host's full name or address (a resource "
            "of this stack or a declared endpoint)")
_NC_VALUED = re.compile(r"^-[a-zA-Z]*[wpsiqxXIOeco]$")  # options followed by their value
_SOCAT = re.compile(r"(?i)\b(?:TCP[46]?|UDP[46]?|OPENSSL|SSL):([^:\s,\"']+):")
_S_CLIENT = re.compile(r"\bs_client\b[^\n;|&]*?\s-connect(?:\s+|=)[\"']?([^\s:\"']+)")
_DB = re.compile(rf"{START}(psql|pg_restore|mysql|mongorestore|mongoimport|mongosh|mongo|redis-cli|sqlcmd|"
                 r"cqlsh|clickhouse-client)(?=\s)([^\n;|&]*)", re.M)
_DB_HOST = re.compile(r"^(?:-h|--host|--hostname|-S|--server|--uri|--url|--dbname|-d)(?:=(.+))?$")
_HELD = re.compile(r"^(?:\$\{?[A-Za-z_]\w*\}?|\$\(.*\)|`.*`)$")
_RCLONE = re.compile(rf"{START}rclone\s+(?:[^\n;|&]*?\s)?(?:copy|copyto|sync|move|moveto|rcat|copyurl|"
                     r"bisync)\s[^\n;|&]*", re.M)
_REMOTE = re.compile(r"\s[\"']?([A-Za-z0-9_][\w.-]*):(?!//)(?=[^\s]*(?:\s|$|[\"']))")
HINTS = ("perl", "ruby", "php", "lua", "tclsh", "Rscript", "julia", "groovy", "kotlin", "scala", "elixir",
         "erl ", "escript", "swift", "rustc", "cargo", "gcc", "cc ", "clang", "ghc", "zig", "nim", "crystal",
         "raku", "#!",
         "/dev/tcp", "/dev/udp", "/inet", "nc ", "ncat", "netcat", "telnet", "socat", "s_client", "psql",
         "pg_restore", "mysql", "mongo", "redis-cli", "sqlcmd", "cqlsh", "clickhouse", "rclone", "tcc",
         "dart", "require ", "use ", "<?php",
         "racket", "guile", "sbcl", "ocaml", "wish", "jrunscript", "jshell", "osascript")


def may_run(s: str) -> bool:
    """Whether the text may run code or a connection read here (cheap substring tests)."""
    return any(h in s for h in HINTS) or any(h in s for h in _IMPORTS)


def unread_code(s: str) -> list[str]:
    """Why each run of code in a language no reader knows blocks (a text-substituting one-liner passes)."""
    out = []
    for m in _RUNS.finditer(s):
        if s[s.rfind("\n", 0, m.start()) + 1:m.start() + 1].lstrip()[:2] == "#!":
            continue  # a shebang's interpreter (below)
        cmd = m.group(0).lstrip(";&|(`\n$ \t").strip()
        cmd = re.sub(r"^(?:(?:then|do|else|exec|sudo|env|time|nohup|xargs|busybox|toybox)\s+)?(?:/\S*/)?", "",
                     cmd)
        f = _FILTER.match(cmd)
        if f and _ONLY_SUBS.match(f.group(2)):
            continue
        out.append(UNREAD_WHY.format(cmd if len(cmd) < 120 else cmd[:117] + "…"))
    out += [UNREAD_WHY.format(f"a program written with `{m.group(0)}`") for m in _SHEBANG.finditer(s)]
    out += [UNREAD_WHY.format(f"code with `{m.group(0).strip()}`") for m in _MARKERS.finditer(s)][:1]
    return list(dict.fromkeys(out))


def connection_words(s: str) -> list[str]:
    """The host (or connection URL) word of each raw connection and writing database client of the text."""
    words = [m.group(1) or m.group(2) for m in _DEV_TCP.finditer(s)] if "/dev/" in s or "/inet" in s else []
    for m in _NC.finditer(s):
        args, skip = m.group(1).split(), False
        for a in args:
            if skip or a[:1] == "-":
                skip = not skip and bool(_NC_VALUED.match(a))
                continue
            words.append(a.strip("\"'"))
            break
    words += [m.group(1) for m in _SOCAT.finditer(s)] if "socat" in s else []
    words += [m.group(1) for m in _S_CLIENT.finditer(s)]
    for m in _DB.finditer(s):  # a host option's value, or a variable given as a positional (a URL)
        args = [a.strip("\"'") for a in m.group(2).split()]
        for i, a in enumerate(args):
            opt = _DB_HOST.match(a)
            if opt and (opt.group(1) or i + 1 < len(args)):
                words.append(opt.group(1) or args[i + 1])
            elif _HELD.match(a) and (i == 0 or args[i - 1][:1] != "-"):
                words.append(a)
    return [w.strip("\"'") for w in words if w]


def script_runs(s: str) -> list[tuple[str, str, bool]]:
    """(kind, value, False) of what the text's unread code, raw connections and writing clients do: a
    `site` that blocks with its reason, or the `host` (as written, a variable: `held_target`) they send to."""
    out = [("site", why, False) for why in unread_code(s) + rclone_remotes(s) + unread_imports(s)]
    for w in dict.fromkeys(connection_words(s)):
        if w[:1] in "$(`":
            out += [found] if (found := held_target(w, s)) else []
        elif "." in w or ":" in w:
            out.append(("host", w.lower(), False))
        elif not LOCAL_HOST.match(w):  # round 93: a bare name, resolved by the image's hosts or DNS search
            out.append(("site", BARE_WHY.format(w, "a raw connection or database client"), False))
    return out


def rclone_remotes(s: str) -> list[str]:
    """Why each rclone copy to a remote named in its config blocks (an on-the-fly `:backend,…:` is read)."""
    out = []
    for m in _RCLONE.finditer(s) if "rclone" in s else ():
        cmd = m.group(0).lstrip(";&|(`\n$ \t").strip()
        remotes = [r.group(1) for r in _REMOTE.finditer(" " + cmd.split(None, 2)[-1])]
        out += [REMOTE_WHY.format(cmd if len(cmd) < 120 else cmd[:117] + "…", remotes[-1])] if remotes else []
    return out
