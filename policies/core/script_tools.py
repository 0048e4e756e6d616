"""Shell tools that send to a place their own config names (round 93), for command_places.

Round 92 read raw connections, database clients and rclone remotes; a script can as well copy with a tool
whose destination is not on its command line but in a config file, a profile, a bookmark or an alias of the
image (the MinIO client's `mc cp f partner/drop`, `lftp partner`, `aws --profile partner s3 cp …`), or in an
environment variable the tool reads by itself (restic's RESTIC_REPOSITORY, borg's BORG_REPO). Each such tool
is read here; where its destination is not written on the command it blocks (`TOOL_WHY`, which says how to
make it judgeable), and where it is written it is judged as a host (a variable: the resource's own setting):

- `mc cp|mirror|mv|put|pipe|tee|sync`: the destination's first segment is an alias; one the text sets (`mc
  alias set NAME URL`, `mc config host add`) is that URL's host, a local path (`/…`, `./…`, `~/…`) stays
  local, any other alias blocks.
- `s5cmd`, `s3cmd`, `aws`: a named profile or config file (`--profile`, `AWS_PROFILE=`, `-c`/`--config`,
  `--credentials-file`) may set another endpoint: it blocks; `--endpoint-url`/`--host` is the host (s3cmd
  without `--host` takes it from `~/.s3cfg`: it blocks).
- `restic` (`-r|--repo`, else RESTIC_REPOSITORY; `--repository-file` blocks), `borg` (`REPO::ARCHIVE`, else
  BORG_REPO; `user@host:path`), `duplicity`/`duply` (the target URL), `smbclient`/`mount -t cifs`
  (`//HOST/share`), `lftp` (the site, also `open SITE` in `-e`; a bookmark blocks): the place named.
- `curl -K|--config FILE` and `wget -i|--input-file FILE` take their URLs from a file: they block.
- A bare host name (`nc archive 9000`, `//archive/drop`) is resolved by the image's hosts file or DNS search
  domain: it blocks (`localhost` and `127.…` stay local).

Not a closed world yet: a tool none of the readers knows is still not judged (docs/residency.md, round 93).
"""

from __future__ import annotations

import re
import shlex

from policies.core.script_languages import BARE_WHY, START
from policies.core.script_languages import LOCAL_HOST as _LOCAL
from policies.core.upload_targets import held_target

_CMD = r"(?:'[^'\n]*'|\"[^\"\n]*\"|[^\n;|&'\"])*"  # a command up to its end, quotes kept whole
_TOOLS = re.compile(rf"{START}(mc|s5cmd|s3cmd|aws|restic|borg|duplicity|duply|smbclient|lftp|curl|wget|"
                    rf"mount|scp|rsync|sftp|ssh)(?=\s)(?!\s*[=(.:,)\]])({_CMD})", re.M)  # (not `sftp = x`)
TOOL_WHY = ("runs `{}`, which sends to {} the pack does not read: where the data goes cannot be judged; "
            "write the destination on the command (a URL, bucket or host of a resource of this stack, or a "
            "variable the resource's own environment sets) or copy with a command the pack reads (`aws s3 "
            "cp`, azcopy, rclone with `:s3,region=eu-west-1:bucket`)")
_MC_SENDS = frozenset({"cp", "mirror", "mv", "put", "pipe", "tee", "sync", "od"})
_MC_ALIAS = re.compile(r"\bmc\s+(?:alias\s+set|config\s+host\s+add)\s+([\w.-]+)\s+[\"']?(\S+?)[\"']?(?=\s|$)")
_PROFILE = re.compile(r"^--(?:profile|credentials-file|config)(?:=|$)|^-c$")
_AWS_PROFILE = re.compile(r"(?<![\w$])AWS_(?:PROFILE|DEFAULT_PROFILE|CONFIG_FILE|SHARED_CREDENTIALS_FILE)"
                          r"=(?=\S)")
HINTS = ("mc ", "s5cmd", "s3cmd", "--profile", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE",
         "AWS_SHARED_CREDENTIALS_FILE", "scp", "rsync", "sftp", "ssh ", "restic", "borg ", "duplicity",
         "duply",
         "smbclient", "cifs", "lftp", "curl", "wget")


def may_use(s: str) -> bool:
    """Whether the text may run one of the tools read here (cheap substring tests)."""
    return any(h in s for h in HINTS)


def _words(cmd: str) -> list[str]:
    try:
        return shlex.split(cmd)
    except ValueError:
        return cmd.split()


def _positionals(words: list[str], valued: frozenset[str]) -> list[str]:
    out, skip = [], False
    for w in words:
        if skip:
            skip = False
        elif w[:1] == "-":
            skip = w in valued
        else:
            out.append(w)
    return out


def _option(words: list[str], names: tuple[str, ...]) -> str | None:
    for i, w in enumerate(words):
        for n in names:
            if w == n and i + 1 < len(words):
                return words[i + 1]
            if n[:2] == "--" and w.startswith(n + "="):
                return w[len(n) + 1:]
    return None


def _place(word: str, s: str, cmd: str, what: str) -> list[tuple[str, str, bool]]:
    """A destination word judged: a variable (the resource's own setting), a host or URL, or a block."""
    if word[:1] in "$(`":
        found = held_target(word, s)
        return [found] if found else []
    if word.startswith("file://"):
        return []  # a local path
    host = re.sub(r"^[a-z0-9+]+://|^[^@/]*@", "", word).split("/")[0].split(":")[0]
    if _LOCAL.match(host):
        return []
    if "." in host:
        return [("host", host.lower(), False)]
    return [("site", TOOL_WHY.format(cmd, what) if not host else BARE_WHY.format(host, f"`{cmd}`"), False)]


def tool_runs(s: str) -> list[tuple[str, str, bool]]:
    """(kind, value, False) of each tool's destination: a `site` that blocks with its reason, or a `host`."""
    out: list[tuple[str, str, bool]] = []
    if _AWS_PROFILE.search(s) and "aws " in s:
        out.append(("site", TOOL_WHY.format(_AWS_PROFILE.search(s).group(0) + "…", "a profile or config "
                                            "file of the image's AWS CLI (its endpoint_url, role, region), "
                                            "which"), False))
    aliases = {m.group(1): m.group(2) for m in _MC_ALIAS.finditer(s)} if "mc " in s else {}
    for m in _TOOLS.finditer(s):
        tool, words = m.group(1), _words(m.group(2))
        cmd = f"{tool}{m.group(2)}".strip()
        cmd = cmd if len(cmd) < 120 else cmd[:117] + "…"
        out += _READERS[tool](words, s, cmd, aliases)
    return list(dict.fromkeys(out))


def _mc(words: list[str], s: str, cmd: str, aliases: dict[str, str]) -> list[tuple[str, str, bool]]:
    pos = _positionals(words, frozenset({"--config-dir", "-C", "--attr", "--tags", "--storage-class"}))
    if len(pos) < 2 or pos[0] not in _MC_SENDS:
        return []
    dest = pos[-1]
    alias = dest.split("/")[0]
    if dest[:1] in "/.~" or not alias:
        return []
    if alias in aliases:
        return _place(aliases[alias], s, cmd, "")
    return [("site", TOOL_WHY.format(cmd, f"the alias `{alias}` of the MinIO client's config, which"), False)]


def _s3_tools(words: list[str], s: str, cmd: str, _: dict[str, str]) -> list[tuple[str, str, bool]]:
    if any(_PROFILE.match(w) for w in words):
        return [("site", TOOL_WHY.format(cmd, "a named profile or config file (its endpoint, role and "
                                         "region), which"), False)]
    host = _option(words, ("--endpoint-url", "--host"))
    if host is not None:
        return _place(host, s, cmd, "an endpoint, which")
    if cmd.startswith("s3cmd") and _positionals(words, frozenset())[:1] not in ([], ["--help"]):
        return [("site", TOOL_WHY.format(cmd, "the host of its `~/.s3cfg`, which"), False)]
    return []


def _restic(words: list[str], s: str, cmd: str, _: dict[str, str]) -> list[tuple[str, str, bool]]:
    if any(w.startswith("--repository-file") for w in words):
        return [("site", TOOL_WHY.format(cmd, "a repository named in a file, which"), False)]
    repo = _option(words, ("-r", "--repo"))
    if repo is None:
        return _place("$RESTIC_REPOSITORY", s, cmd, "")
    return _place(re.sub(r"^(?:s3|sftp|rest|swift|b2|azure|gs|rclone):", "", repo), s, cmd,
                  f"the repository `{repo}`, which")


def _borg(words: list[str], s: str, cmd: str, _: dict[str, str]) -> list[tuple[str, str, bool]]:
    pos = _positionals(words, frozenset({"--remote-path", "--rsh", "-e", "--encryption", "--compression",
                                         "-C", "--comment", "--exclude", "--exclude-from", "--pattern"}))
    if not pos or pos[0] in ("--version", "help"):
        return []
    repo = next((p.split("::")[0] for p in pos[1:] if "::" in p), None)
    if not repo:
        return _place("$BORG_REPO", s, cmd, "")
    return [] if repo[:1] in "/.~" else _place(repo, s, cmd, "the repository, which")


def _duplicity(words: list[str], s: str, cmd: str, _: dict[str, str]) -> list[tuple[str, str, bool]]:
    pos = _positionals(words, frozenset({"--name", "--archive-dir", "--encrypt-key", "--sign-key",
                                         "--exclude", "--include", "--volsize", "--s3-endpoint-url"}))
    url = next((p for p in reversed(pos) if "://" in p or p[:1] == "$"), None)
    if url is None:
        return [("site", TOOL_WHY.format(cmd, "a target (a profile or a URL not on the command), which"),
                 False)] if len(pos) > 1 else []
    return _place(url, s, cmd, "a target, which")


def _share(words: list[str], s: str, cmd: str, _: dict[str, str]) -> list[tuple[str, str, bool]]:
    share = next((w for w in words if w.startswith("//") or w.startswith("\\\\")), None)
    if share is None:
        return []
    return _place(re.split(r"[/\\]", share.lstrip("/\\"))[0], s, cmd, "a share, which")


def _lftp(words: list[str], s: str, cmd: str, _: dict[str, str]) -> list[tuple[str, str, bool]]:
    script = _option(words, ("-e", "-c")) or ""
    opened = re.findall(r"\bopen\s+(?:-\w\s+\S+\s+)*([^\s;]+)", script)
    pos = _positionals(words, frozenset({"-e", "-c", "-u", "-p", "-f", "--user", "--password"}))
    sites = pos[-1:] + opened
    if not sites:
        return []
    return [f for w in sites for f in (_place(w, s, cmd, "the bookmark or site, which")
                                       if ("." in w or w[:1] in "$(`" or "://" in w or _LOCAL.match(w))
                                       else [("site", TOOL_WHY.format(cmd, f"the lftp bookmark `{w}`, which"),
                                              False)])]


def _url_file(words: list[str], s: str, cmd: str, _: dict[str, str]) -> list[tuple[str, str, bool]]:
    if any(w in ("-K", "--config", "-i", "--input-file") or w.startswith(("--config=", "--input-file="))
           for w in words):
        return [("site", TOOL_WHY.format(cmd, "URLs or options in a file, which"), False)]
    if not _positionals(words, _CURL_VALUED) and "--url" not in words and any(
            w in _SENDS or w.startswith(("--data", "--upload-file=", "--post-", "--body-", "--method="))
            for w in words):
        return [("site", TOOL_WHY.format(cmd, "the URL of its default config file (`~/.curlrc`, `.wgetrc`), "
                                         "which"), False)]  # (round 93's probe: no URL on the command)
    return []


def _hosts(words: list[str], s: str, cmd: str, _: dict[str, str]) -> list[tuple[str, str, bool]]:
    """scp, rsync, sftp, ssh: a bare host name of `[user@]host:path`, `host::module` or the ssh target blocks
    (a full name, an address or a variable is read where the text scanner and upload_targets read it)."""
    pos = _positionals(words, _SSH_VALUED)
    remote = [p for p in pos if re.match(r"^[^/.~$`(\s][^/\s]*:(?!//)", p)]
    if cmd.startswith(("ssh", "sftp")) and pos:
        remote.append(pos[0].split(":")[0] + ":")
    out = []
    for r in remote:
        host = r.split(":")[0].split("@")[-1]
        if _NAME.match(host) and not _LOCAL.match(host):
            out.append(("site", BARE_WHY.format(host, f"`{cmd}`"), False))
    return out


def _mount(words: list[str], s: str, cmd: str, aliases: dict[str, str]) -> list[tuple[str, str, bool]]:
    return _share(words, s, cmd, aliases) if "cifs" in words or "smb3" in words else []


_NAME = re.compile(r"^[A-Za-z0-9][\w-]*$")  # a bare host name (no dot, no variable)
_SENDS = frozenset({"-T", "-d", "-F", "--form", "--json", "--post-file", "--body-file", "-X", "--request"})
_CURL_VALUED = frozenset({
    "-T", "--upload-file", "-o", "--output", "-d", "--data", "--data-binary", "--data-raw",
    "--data-urlencode",
    "-F", "--form", "-H", "--header", "-X", "--request", "-u", "--user", "-w", "--write-out", "-A",
    "--user-agent", "-e", "--referer", "-b", "--cookie", "-c", "--cookie-jar", "-m", "--max-time",
    "--connect-timeout", "--retry", "--cacert", "--cert", "--key", "-E", "-r", "--range", "-x", "--proxy",
    "--resolve", "--connect-to", "--json", "-D", "--dump-header", "-O", "--output-document", "--post-file",
    "--body-file", "--method", "-P", "--directory-prefix", "-t", "--tries", "--timeout"})
_SSH_VALUED = frozenset({"-i", "-p", "-P", "-o", "-l", "-F", "-J", "-b", "-c", "-e", "--rsh", "-S", "-D",
                         "-L", "-R", "-W", "--exclude", "--include", "--port", "--password-file", "--chmod"})
_READERS = {"mc": _mc, "s5cmd": _s3_tools, "s3cmd": _s3_tools, "aws": _s3_tools, "restic": _restic,
            "borg": _borg, "duplicity": _duplicity, "duply": _duplicity, "smbclient": _share, "lftp": _lftp,
            "curl": _url_file, "wget": _url_file, "mount": _mount, "scp": _hosts, "rsync": _hosts,
            "sftp": _hosts, "ssh": _hosts}
