"""A shell script split into simple commands (round 94), for shell_programs.

No shell lexer is installed (`bashlex` is not a dependency) and `shlex` splits words only, so this is a
small lexer of the POSIX/bash grammar the pack needs to name every program a script runs:

- words with `'…'`, `"…"`, `\\` escapes and line continuations; `#` comments;
- the separators `;`, `&`, `&&`, `||`, `|`, `|&`, `;;`, a newline, `(` and `)` (subshells, case patterns);
- redirections (`>`, `>>`, `<`, `2>&1`, `&>`): their target is no argument; a here-string's (`<<< WORD`) is
  data the command reads, kept with it as a here-document's body (round 97);
- here-documents (`<<EOF`, `<<-'EOF'`): the body is data, kept with the command that reads it (a shell fed
  a here-document runs it as a script: shell_programs splits it again);
- command substitutions `$(…)` and `` `…` `` anywhere (also inside double quotes and here-documents whose
  delimiter is unquoted): their text is returned as scripts of their own; arithmetic `$((…))`/`((…))` and
  parameter expansions `${…}` run nothing.

`split` returns (commands, nested scripts): a command is (words, raw words, the separator that ended it,
the here-document bodies it reads); a raw word keeps its quotes and `$`, so a command name that is a
variable or an expansion can be told from a literal one.
"""

from __future__ import annotations

Command = tuple[list[str], list[str], str, list[str]]
_OPS = ("&&", "||", ";;", "|&", ";", "&", "|", "(", ")", "\n")
_ENDS = frozenset(" \t\r\n;&|()<>")


def _closing(s: str, i: int, opening: str, closing: str) -> int:
    """The index just after the `closing` that balances the `opening` before s[i] (quotes skipped)."""
    depth = 1
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "'" and opening == "(":
            end = s.find("'", i + 1)
            i = end + 1 if end >= 0 else len(s)
            continue
        if c == '"' and opening == "(":
            i = _closing(s, i + 1, '"', '"')
            continue
        if c == closing and (closing != '"' or opening == '"'):
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == opening and opening != '"':
            depth += 1
        i += 1
    return len(s)


def _dollar(s: str, i: int, nested: list[str]) -> int:
    """Read the expansion at s[i] == "$"; return the index after it (a substitution's text is kept)."""
    if s.startswith("$((", i):
        return _closing(s, i + 3, "(", ")") + 1  # arithmetic: `))`
    if s.startswith("$(", i):
        end = _closing(s, i + 2, "(", ")")
        nested.append(s[i + 2:end - 1])
        return end
    if s.startswith("${", i):
        end = _closing(s, i + 2, "{", "}")
        body = s[i + 2:end - 1]
        if "$(" in body or "`" in body:  # `${X:-$(cmd)}`
            _scan_substitutions(body, nested)
        return end
    return i + 1


def _backtick(s: str, i: int, nested: list[str]) -> int:
    end = s.find("`", i + 1)
    end = end if end >= 0 else len(s)
    nested.append(s[i + 1:end])
    return end + 1


def _scan_substitutions(s: str, nested: list[str]) -> None:
    """The substitutions of a text with no quoting of its own (a here-document body, `${…}`)."""
    i = 0
    while i < len(s):
        if s[i] == "\\":
            i += 2
        elif s[i] == "$":
            i = _dollar(s, i, nested)
        elif s[i] == "`":
            i = _backtick(s, i, nested)
        else:
            i += 1


def _word(s: str, i: int, nested: list[str]) -> tuple[str, str, int]:
    """(value, raw text, index after) of the word at s[i]."""
    start, out = i, []
    while i < len(s) and s[i] not in _ENDS:
        c = s[i]
        if c == "\\":
            if s[i + 1:i + 2] != "\n":
                out.append(s[i + 1:i + 2])
            i += 2
        elif c == "'":
            end = s.find("'", i + 1)
            end = end if end >= 0 else len(s)
            out.append(s[i + 1:end])
            i = end + 1
        elif c == '"':
            end = _closing(s, i + 1, '"', '"')
            inner = s[i + 1:end - 1]
            _scan_substitutions(inner, nested) if "$" in inner or "`" in inner else None
            out.append(inner.replace('\\"', '"'))
            i = end
        elif c == "$":
            end = _dollar(s, i, nested)
            out.append(s[i:end])
            i = end
        elif c == "`":
            end = _backtick(s, i, nested)
            out.append(s[i:end])
            i = end
        else:
            out.append(c)
            i += 1
    return "".join(out), s[start:i], i


def _heredoc_bodies(s: str, i: int, pending: list[tuple[str, bool, bool]],
                    nested: list[str]) -> tuple[list[str], int]:
    """Read the bodies of the pending here-documents after the newline at s[i - 1]."""
    bodies = []
    for delim, strip, expand in pending:
        lines = []
        while i < len(s):
            end = s.find("\n", i)
            end = end if end >= 0 else len(s)
            line = s[i:end]
            i = end + 1
            if (line.lstrip("\t") if strip else line).strip() == delim:
                break
            lines.append(line)
        body = "\n".join(lines)
        if expand:
            _scan_substitutions(body, nested)
        bodies.append(body)
    return bodies, i


def split(s: str) -> tuple[list[Command], list[str]]:
    """The simple commands of a script and the texts of its command substitutions."""
    commands: list[Command] = []
    nested: list[str] = []
    words: list[str] = []
    raws: list[str] = []
    docs: list[str] = []
    pending: list[tuple[str, bool, bool]] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c in " \t\r" or s.startswith("\\\n", i):
            i += 1 if c in " \t\r" else 2
        elif (c == "#" and not words) or (c == "#" and s[i - 1] in " \t"):
            end = s.find("\n", i)
            i = end if end >= 0 else len(s)
        elif s.startswith("((", i) and not words:  # arithmetic command
            i = _closing(s, i + 2, "(", ")") + 1
        elif c in "<>" or (c == "&" and s[i + 1:i + 2] == ">"):
            if raws and raws[-1].isdigit() and s[i - 1] == raws[-1][-1]:
                words.pop(), raws.pop()  # `2>`: the descriptor is no argument
            j = i + 1
            while j < len(s) and s[j] in "<>&|-":
                j += 1
            op = s[i:j]
            while j < len(s) and s[j] in " \t":
                j += 1
            target, _, i = _word(s, j, nested)
            if op in ("<<", "<<-"):
                quoted = any(q in s[j:i] for q in "'\"\\")
                pending.append((target, op == "<<-", not quoted))
            elif op == "<<<":  # a here-string is data the command reads, as a here-document (round 97)
                docs.append(target)
        elif op := next((o for o in _OPS if s.startswith(o, i)), None):
            i += len(op)
            if op == "\n" and pending:
                bodies, i = _heredoc_bodies(s, i, pending, nested)
                docs += bodies
                pending = []
            if words or docs:
                commands.append((words, raws, op, docs))
            elif op == ")" and commands and not commands[-1][0]:
                pass
            words, raws, docs = [], [], []
        else:
            value, raw, i = _word(s, i, nested)
            words.append(value)
            raws.append(raw)
    if words or docs:
        commands.append((words, raws, "", docs))
    return commands, nested
