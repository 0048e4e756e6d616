"""What pandas writes and reads by itself (round 93), for code_imports.

Round 92 blocked any import of pandas: it sends without a client (`frame.to_csv("s3://…")`, `to_json(url)`,
`to_sql(name, connection)`, `read_csv("https://…")` through fsspec). It is now a read module: each of its
writing or reading calls is judged by its target, the first argument:

- none or a keyword (`to_csv(index=False)` returns the text), a literal string (a local path stays local; a
  URL, `s3://bucket/…` or `gs://…` in it is judged where the text scanner finds it), or a name the code
  assigns an in-memory buffer (`io.StringIO()`, `io.BytesIO()`) or a literal, `sys.stdout`/`sys.stderr` (the
  function's log): judged as written;
- any other expression (a variable from the event or the environment, an f-string, a parameter): where the
  data goes cannot be judged, it blocks (`FRAME_WHY`);
- a method named when the code runs (`getattr(frame, "to_" + fmt)`, `getattr(frame, "to_csv")`) blocks;
- a database or warehouse call (`to_sql`, `read_sql*`, `to_gbq`, `read_gbq`) and fsspec's `storage_options`
  (another endpoint, other credentials) block: the connection is built from what the pack does not read.
"""

from __future__ import annotations

import re

_CALL = re.compile(r"(?:\.|\bpd\.|\bpandas\.)(to_(?:csv|json|parquet|excel|feather|orc|pickle|xml|html|hdf|"
                   r"stata|markdown|latex|string|clipboard)|read_(?:csv|json|parquet|excel|feather|orc|pickle|"
                   r"xml|html|hdf|stata|table|fwf|sas|spss)|to_sql|read_sql(?:_query|_table)?|to_gbq|"
                   r"read_gbq)\(\s*")
_LITERAL = re.compile(r"^[rbu]?(?:\"[^\"{}]*\"|'[^'{}]*')$|^sys\.std(?:out|err)$")  # (the log: a probe)
# a method named when the code runs (`getattr(frame, "to_" + fmt)(url)`, round 93's probe)
_GETATTR = re.compile(r"\bgetattr\(\s*[^,()]+,(?!\s*[\"'](?!to_|read_)\w+[\"']\s*[,)])\s*([^)\n]{0,60})")
_BUFFER = r"(?:io\.)?(?:StringIO|BytesIO)\(|[rbu]?(?:\"[^\"{}\n]*\"|'[^'{}\n]*')\s*$"
FRAME_WHY = ("the code calls pandas' `{}` with the target `{}`, which the pack cannot place (pandas sends by "
             "itself through fsspec or a database connection): where the data goes cannot be judged; write "
             "the path or URL as a literal (a resource of this stack), write to an in-memory buffer "
             "(`io.StringIO()`) and send it with a client the pack reads (boto3, the Azure SDK), and do not "
             "use `storage_options`, `to_sql`, `read_sql` or `to_gbq`")


def _first_argument(s: str, start: int) -> str:
    depth, i = 0, start
    while i < len(s):
        c = s[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif c == "," and depth == 0:
            break
        elif c in "\"'":
            end = s.find(c, i + 1)
            i = end if end > 0 else len(s)
        i += 1
    return s[start:i].strip()


def frame_writes(s: str) -> list[str]:
    """Why each pandas call that writes or reads a target the pack cannot place blocks."""
    out = []
    for m in _CALL.finditer(s):
        call, target = m.group(1), _first_argument(s, m.end())
        close = s.find(")", m.end())
        if "sql" in call or "gbq" in call or "storage_options" in s[m.end():s.find("\n", close) + 1 or None]:
            out.append(FRAME_WHY.format(call, target or "a connection"))
        elif not target or re.match(r"^\w+\s*=(?!=)", target) or _LITERAL.match(target):
            continue  # nothing (the text is returned), a keyword, or a literal (scanned where written)
        elif not (re.fullmatch(r"[A-Za-z_]\w*", target) and re.search(
                rf"(?m)^[ \t]*{re.escape(target)}\s*=\s*(?:{_BUFFER})", s)):
            out.append(FRAME_WHY.format(call, target if len(target) < 60 else target[:57] + "…"))
    out += [FRAME_WHY.format("getattr", f"{m.group(1).strip()} (a method named when the code runs)")
            for m in _GETATTR.finditer(s)]
    return list(dict.fromkeys(out))
