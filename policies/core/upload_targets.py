"""Where a generic upload command sends, when a variable holds the whole destination (round 87).

`curl -T file "$URL"`, `wget --post-file=f "$URL"`, `Invoke-WebRequest -Method Put -InFile f -Uri
$env:URL`, `aws s3 cp f "$DEST"`, `azcopy copy f "$URL"`, `scp f "$TARGET"`: a literal destination is read
by the scanner as a host, URL or bucket; a variable is the value the resource's own environment gives it
(`code_values.environment_buckets`: a URL's host, an `s3://` bucket, an scp `user@host:` target), and a
variable nothing there sets, or a command substitution, is a destination the pack cannot place: it blocks
with `command_places.HELD_URL_NOTE`.

Only the words that are the destination are read: curl's and wget's URLs (every word that is no option and
no option's value, and `--url`), a web cmdlet's `-Uri` (else its first word), the last word of `aws s3
cp|mv|sync`, `azcopy copy|sync`, `scp` and `rsync` (a source brings data in); and only for a command that
sends something (curl and wget with an upload or data option, a web cmdlet with `-InFile`, `-Body`, `-Form`
or a writing method). The shell's own directories (`$HOME`, `$PWD`, `$TMPDIR`, …) are local paths.
"""

from __future__ import annotations

import re

ARGS = re.compile(r"\"([^\"\n]*)\"|'([^'\n]*)'|(\S+)")  # a command's words, quoted or not
# A destination a variable begins (`"$DEST"`, `"${DEST}?$SAS"`, `"$BASE/in/d.csv"`, Kubernetes' `$(DEST)`,
# PowerShell's `$env:DEST`); a command substitution (`$(cat f)`, backticks) is an expression.
LEADING_VARIABLE = re.compile(r"^\$(?i:env:)?(?:\{([A-Za-z_]\w*)\}|\(([A-Za-z_]\w*)\)|([A-Za-z_]\w*))"
                              r"(?![\w}])")
SUBSTITUTION = re.compile(r"^(?:\$\(|`|\()")  # `$(cat f)`, backticks, PowerShell `(expr)`
# An assignment's value that runs something (`$(…)`, backticks, PowerShell's `(…)` or a cmdlet call) and a
# pipeline that begins by printing (its inputs are the text's own literals and variables)
_READ_START = re.compile(r"\$\(\s*|`\s*|\(\s*(?=[A-Za-z])|(?=[A-Z][a-z]+-[A-Z]\w|\[(?:System\.)?IO\.)")
_PRINTS = re.compile(r"(?:printf|echo|Write-Output)\b")
# ... unless the pipeline also reads: a nested substitution, an input redirection, a file argument (a path not
# after `>`: `2>/dev/null` writes)
_PIPE_READS = re.compile(r"\$\(|`|(?<!<)<(?!<<)|(?<![>\w./-])(?:/|\./|~/)[\w.-]")
SHELL_SET = frozenset({"HOME", "PWD", "OLDPWD", "TMPDIR", "TMP", "TEMP", "USER", "PATH"})
# (round 88: `Start-BitsTransfer`, `sftp`, `lftp`; a quoted word is read whole, `;` and all: `lftp -e 'put f;
# bye' "$URL"`)
_COMMAND = re.compile(r"(?i)(?<![\w-])(curl|wget|Invoke-WebRequest|Invoke-RestMethod|iwr|irm|scp|rsync|"
                      r"sftp|lftp|Start-BitsTransfer|aws\s+s3\s+(?:cp|mv|sync)|azcopy(?:\.exe)?\s+(?:copy|cp|sync))\b"
                      r"(?:\"[^\"\n]*\"|'[^'\n]*'|[^\n;|&])*")
_SENDS = {
    "curl": re.compile(r"\s(?:-T|--upload-file|-d|--data[\w-]*|-F|--form|--json)[\s=]|"  # (options: by case)
                       r"\s(?:-X|--request)[\s=]*[\"']?(?i:post|put|patch)\b"),
    "wget": re.compile(r"--(?:post|body)-(?:file|data)|--method[\s=][\"']?(?i:post|put|patch)\b"),
    "web": re.compile(r"(?i)\s-(?:InFile|Body|Form)\b|\s-Method\s+[\"']?(?:post|put|patch)\b"),
    "start-bitstransfer": re.compile(r"(?i)\s-TransferType\s+[\"']?upload\b"),  # (a download by default)
}
# Options whose next word is their value, per family (PowerShell's lower-cased: its parameters ignore case;
# `--opt=value` carries none).
_VALUE_OPTIONS = {family: frozenset(words.split()) for family, words in {
    "curl": "-d --data --data-binary --data-raw --data-urlencode --json -H --header -F --form -X --request "
            "-u --user -o --output -T --upload-file -A --user-agent -e --referer -b --cookie -c --cookie-jar "
            "-K --config --cacert -E --cert --key -w --write-out -m --max-time --connect-timeout --retry -x "
            "--proxy --resolve -r --range",
    "wget": "-O -o -a -P -U -e -t -T --header --user --password --post-file --post-data --body-file "
            "--body-data --method --output-document --output-file --directory-prefix --user-agent --tries "
            "--timeout",
    "start-bitstransfer": "-source -transfertype -credential -displayname -description -priority "
                          "-proxylist -proxyusage -authentication -retryinterval -retrytimeout",
    "web": "-method -infile -headers -body -contenttype -outfile -credential -form -timeoutsec -useragent "
           "-websession -sessionvariable -maximumredirection",
    "aws": "--region --profile --acl --sse --sse-kms-key-id --storage-class --content-type --exclude "
           "--include --expires --metadata --cache-control --grants --endpoint-url --sse-c --sse-c-key",
    "scp": "-i -P -o -F -l -c -J -S",
    "azcopy": "--from-to --include-pattern --exclude-pattern --include-path --exclude-path --log-level "
              "--block-size-mb --cap-mbps --overwrite --blob-type --metadata --content-type --include-after "
              "--include-before --list-of-files --output-type --trusted-microsoft-suffixes",
    "sftp": "-b -i -P -o -F -l -c -J -S -B -R -D -s",
    "lftp": "-e -u -p -c -f --user --password --env-password",
    "rsync": "-e --rsh --rsync-path --exclude --include --exclude-from --include-from --files-from "
             "--password-file --port --backup-dir --suffix --chmod --chown --log-file",
}.items()}


def upload_targets(s: str) -> list[tuple[str, str, bool]]:
    """(`host`, `$NAME` or `{expression}`, False) of each destination an upload command takes whole from a
    variable or a command substitution."""
    out: list[tuple[str, str, bool]] = []
    for m in _COMMAND.finditer(s):
        tool = m.group(1).lower()
        family = "web" if tool.startswith(("invoke", "iw", "ir")) else tool.split()[0].removesuffix(".exe")
        if family in _SENDS and not _SENDS[family].search(m.group(0)):
            continue  # a download or a read: nothing is sent
        words = [a or b or c for a, b, c in ARGS.findall(m.group(0))][len(tool.split()):]
        out += [found for w in _destinations(family, words) if (found := held_target(w, s))]
    return list(dict.fromkeys(out))


def held_target(word: str, s: str) -> tuple[str, str, bool] | None:
    """The reference a destination word holds whole in a variable or substitution (None: a literal, or a
    variable the text itself assigns: what it computes is read where its literals are written, round 83's
    decoded JWT for one)."""
    if SUBSTITUTION.match(word) and not (word[:2] == "$(" and _printed(_enclosed(word[2:]))):
        return ("host", f"{{{word if len(word) < 98 else word[:97] + '…'}}}", False)
    m = LEADING_VARIABLE.match(word)
    name = m and (m.group(1) or m.group(2) or m.group(3))
    if not name or name in SHELL_SET:
        return None
    rhs = [a.group(1) if a.group(1) is not None else a.group(2) for a in re.finditer(
        rf"(?:^|[\s;&(])(?:export\s+|local\s+|readonly\s+)?{name}=(.{{0,300}})|"
        rf"(?i:\${name}\s*=(?!=)\s*(.{{0,300}}))", s)]
    if not rhs:
        return ("host", f"${name}", False)
    read = next((r for v in rhs if (r := run_time_read(v))), None)  # round 88: `DEST=$(cat /mnt/cfg/dest)`
    return ("host", f"{{{read}}}", False) if read else None


def run_time_read(rhs: str) -> str | None:
    """The start of an assignment's value when it is read when the script runs (a command substitution or a
    PowerShell call other than `printf`/`echo` over the text's own literals: `$(cat f)`, `$(aws ssm
    get-parameter …)`, `Get-Content f`), as written; None: a literal, a variable, or a pipeline that starts by
    printing the text's own values (round 83's `$(printf %s "$CFG" | … | base64 -d)`)."""
    v = rhs.strip().lstrip("\"'")
    m = _READ_START.match(v)
    if not m:
        return None
    if _printed(_enclosed(v[m.end():]) if v[:2] == "$(" else v[m.end():]):
        return None
    return re.match(r"[^;&|\n]*?\)|[^;&|\n]*", v).group(0).strip()  # (to its `)` or the statement's end)


def _printed(body: str) -> bool:
    """Whether a substitution prints the text's own values and reads nothing (round 80's `"$(echo $ENDPOINT |
    base64 -d)"` over a literal the script assigns: its literals are read where they are written)."""
    return _PRINTS.match(body.lstrip()) is not None and not _PIPE_READS.search(body)


def _enclosed(text: str) -> str:
    """A command substitution's text, to its closing parenthesis (nested ones counted)."""
    depth = 0
    for i, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth < 0:
            return text[:i]
    return text


def _destinations(family: str, words: list[str]) -> list[str]:
    """The words that are the destination: every URL (curl, wget), `-Uri` or the first word (web cmdlets),
    the last positional word (aws s3, scp, rsync)."""
    positional, uri, skip = [], [], False
    for i, w in enumerate(words):
        if skip:
            skip = False
            continue
        low = w.lower()
        if low in ("--url", "-uri") or (family == "start-bitstransfer" and low == "-destination"):
            uri += words[i + 1:i + 2]
            skip = True
        elif low[:1] == "-" and len(low) > 1:
            # (flags take no next word; PowerShell's parameters ignore case)
            skip = (low if family in ("web", "start-bitstransfer") else w) in _VALUE_OPTIONS[family]
        else:
            positional.append(w)
    if family in ("curl", "wget"):
        return positional + uri
    if family == "web":
        return uri or positional[:1]
    if family == "start-bitstransfer":
        return uri
    return positional[-1:]
