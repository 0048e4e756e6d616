"""A runbook's PowerShell script and the grants it makes (round 81), for runtime_grants.py.

Round 80 read an SSM `aws:executeScript` in Python with `ast`; one in PowerShell (`Runtime: PowerShell 7.4`)
calls AWS through the AWS.Tools cmdlets (`Write-S3BucketPolicy`, `Add-LMPermission`, `Set-SQSQueueAttribute`,
`Edit-EC2ImageAttribute`), which round 79's name expression (snake or camel case) does not see, so a bucket
policy read from Parameter Store and put by `Write-S3BucketPolicy` passed. The pack parses no PowerShell;
closed world, on the cmdlet's logical line: every argument must be a literal the script writes (a
quoted string without `$`, a here-string `@'…'@`, a number, a bare word, a hashtable of such) or a variable
bound only to one, or a value of the payload (`$env:InputPayload`, as AWS passes it to PowerShell, judged as
the run-time parameter it is). Piped input, a subexpression, a file the AWS CLI reads, any other variable, and
a cmdlet reached by a name the script builds (`& $name`, `Invoke-Expression`) block.
"""

from __future__ import annotations

import functools
import re

from policies.core.script_grants import CODE_GRANT

# AWS.Tools cmdlets (Verb-PrefixNoun) and AWS CLI operations (`put-bucket-policy`) that grant.
GRANT_CMDLET = re.compile(
    r"(?i)(?<![\w$-])(?:write|set|add|grant|update|edit|new|register|put|create|modify|attach|replace|share"
    r"|authorize|associate|approve|enable|publish)-[\w-]*?(?:polic|permission|acl|attribute|grant|share"
    r"|principal)[\w-]*")
# A command reached by a name or code built at run time.
_DYNAMIC = re.compile(r"(?i)invoke-expression|\biex\b|invoke-command|\[scriptblock\]|&\s*[$(]|\.invoke\w*\("
                      r"|get-command|new-variable|set-variable|-outvariable|executioncontext"
                      r"|(?:set|new)-alias|\b[sn]al\b")  # round 81 wave 2: an alias names the cmdlet anew
_HERE = re.compile(r"@(['\"])\r?\n.*?\r?\n\1@", re.S)
_SINGLE = re.compile(r"'(?:[^']|'')*'")
_DOUBLE = re.compile(r'"(?:[^"`$]|`.)*"')  # without `$`: nothing expands
_ASSIGN = re.compile(r"^[ \t]*\$(\w+)[ \t]*=(?!=)[ \t]*")
_OTHER_BINDING = (r"(?i)(?:\$({0})\s*(?:[-+*/%]|\?\?)=|foreach\s*\(\s*\${0}\b|param\s*\([^)]*\${0}\b"
                  r"|\[ref\]\s*\${0}\b)")
_VAR = re.compile(r"\$(?:\{([^}]*)\}|(\w+(?::\w+)?))((?:\.\w+|\[\d+\])*)|@(\w+)")  # `@name`: splatted
_PAYLOAD = re.compile(r"(?i)^\$env:InputPayload\s*\|\s*ConvertFrom-Json\s*$"
                      r"|^ConvertFrom-Json\s+(?:-InputObject\s+)?\$env:InputPayload\s*$")
_FILE = re.compile(r"(?i)fileb?://")
# A bare word where PowerShell reads an expression (an assignment's or a hashtable's value, `@(…)`) runs a
# command (`$d = Get-Content p`); only as a cmdlet's argument is it a string.
_WORD = re.compile(r"[A-Za-z_]")
_COMMAND = re.compile(r"(?:=|@\()\s*[A-Za-z_]")
_LITERAL_REST = re.compile(r"^[\w\s\-@{}=;,.:/*\[\]'\"+]*$")  # what is left once strings and names are cut


def is_powershell(runtime: object) -> bool:
    return isinstance(runtime, str) and runtime.strip().lower().startswith("powershell")


@functools.lru_cache(maxsize=256)
def pwsh_grants(script: str) -> tuple[str, bool, bool] | None:
    """(the first grant-making name, every such call takes only literals or payload values, one uses the
    payload) of a PowerShell script; None when it makes no grant-making call by any means the pack sees."""
    text = _HERE.sub(lambda m: "'(here)'" if m.group(1) == "'" or "$" not in m.group(0) else "$(here)",
                     script)  # a here-string: literal unless it expands
    text = re.sub(r"`\r?\n", " ", text)  # a backtick ends a line that goes on
    text = re.sub(r"`(?=\w)", "", text)  # a letter escaped reads as itself (Write-S3Bucket`Policy)
    lines = text.splitlines()
    calls = [(m.group(0), i, m.start()) for i, line in enumerate(lines)
             for m in (*GRANT_CMDLET.finditer(line), *CODE_GRANT.finditer(line))]
    dynamic = _DYNAMIC.search(_strings_cut(text)) is not None
    if not calls and not dynamic:
        return None
    if dynamic:
        return (calls[0][0] if calls else "(dynamic)", False, False)
    bound = _bindings(lines, text)
    literal, payload = True, False
    for _, i, start in calls:
        if "|" in _strings_cut(lines[i][:start]):  # piped in: whatever the pipeline yields
            literal = False
            continue
        ok, uses = _literal(_continued(lines, i, start), bound, set())
        literal, payload = literal and ok, payload or uses
    return (calls[0][0], literal, payload)


def _strings_cut(text: str) -> str:
    return _DOUBLE.sub("''", _SINGLE.sub("''", text))


def _continued(lines: list[str], i: int, start: int) -> str:
    """Round 81 wave 2: a statement from `lines[i][start:]` with the lines it runs on to, as PowerShell
    reads it: while a bracket is open (a hashtable over lines), or after an operator, a pipe, a bare `=`."""
    rest = lines[i][start:]
    while i + 1 < len(lines):
        cut = _strings_cut(rest)
        tail = cut.rstrip()
        if sum(map(cut.count, "({[")) <= sum(map(cut.count, ")}]")) and tail and tail[-1] not in "=|+-*/,":
            break
        i += 1
        rest += "\n" + lines[i]
    return rest


def _bindings(lines: list[str], text: str) -> dict[str, list[str]]:
    """Each variable's right-hand sides (`$x = …`); one bound otherwise (`+=`, foreach, param) gets `$(…)`."""
    bound: dict[str, list[str]] = {}
    for i, line in enumerate(lines):
        if (m := _ASSIGN.match(line)) is not None:
            rhs = _continued(lines, i, m.end()).strip()
            command = _WORD.match(rhs) and not _PAYLOAD.match(rhs)
            bound.setdefault(m.group(1).lower(), []).append("$(command)" if command else rhs)
    for name in list(bound):
        if re.search(_OTHER_BINDING.format(re.escape(name)), text):
            bound[name].append("$(unread)")
    return bound


def _literal(rest: str, bound: dict[str, list[str]], seen: set[str]) -> tuple[bool, bool]:
    """(only literals or payload values in `rest`, the payload is used)."""
    cut = re.sub(r"(?m)(?:^|\s)#.*$", "", _strings_cut(rest))  # a comment ends the line
    if "$(" in cut or "(" in cut.replace("@(", "") or _FILE.search(rest) or _COMMAND.search(cut):
        return (False, False)  # a subexpression, a command's output, a file the AWS CLI reads (`file://`)
    payload = False
    for m in _VAR.finditer(cut):
        name = (m.group(1) or m.group(2) or m.group(4)).lower()
        if name in ("true", "false", "null"):
            continue
        if name == "env:inputpayload":
            payload = True
            continue
        values = bound.get(name)
        if not values or name in seen:
            return (False, False)
        if all(_PAYLOAD.match(v) for v in values):
            payload = True
            continue
        for v in values:
            ok, uses = _literal(v, bound, seen | {name})
            if not ok:
                return (False, False)
            payload = payload or uses
    return (_LITERAL_REST.match(_VAR.sub("", cut).replace("@(", "")) is not None, payload)
