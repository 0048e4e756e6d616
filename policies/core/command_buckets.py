"""S3 buckets a command line or inline SDK code names by the API's own parameter rather than by `s3://` or an
ARN (round 35): `aws s3api put-object --bucket <name>`, `--target-bucket`, `--s3-bucket`, `--bucket-name`, and
boto3's `Bucket="<name>"`. The command reads or writes that bucket when it runs, so the bucket is a reference
like one in a bucket field: only the stack (or a declared endpoint) can place it. Round 36 adds the parameters
that name a bucket without the word `bucket` in the option: CloudWatch Logs' export `--destination` (and
boto3's `destination=`), the CLI shorthand `S3Bucket=<name>` (`ec2 create-instance-export-task`), and boto3's
transfer methods and resources that take the bucket positionally (`upload_file(path, "<name>", key)`,
`s3.Bucket("<name>")`, `s3.Object("<name>", key)`). A shell variable in a bucket option (`--bucket "$DEST"`,
`S3Bucket=${B}`) names a bucket the pack cannot read: it is returned as written, so it blocks as unresolved
like `s3://${B}/` (write the bucket's name, a resource of the stack, in the command).

Round 38: an SDK argument is an expression, resolved by policies/core/code_values.py (a variable assigned a
literal in the same text, an f-string or template, an environment variable, the JavaScript shorthand
`{ Bucket }`, `Bucket: x` of an object literal). More positional forms send data out: the managed
`copy(source, "<bucket>", key)` (client, resource client, `S3Transfer`, s3transfer's `TransferManager.copy`),
`TransferManager.upload(f, "<bucket>", key)`, and every boto3 S3 resource built on a bucket
(`BucketPolicy("<bucket>")`, `ObjectSummary("<bucket>", key)`, `MultipartUpload(…)`). A bucket argument the
text does not assign (a parameter, an event field) blocks unless the call only reads (`get_…`, `head_…`,
`list_…`, `download_…`, `Get…Command`): data coming in is not judged here.
"""

from __future__ import annotations

import re

from policies.core.code_values import HELD, held

_NAME = r"([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]|\$\{?[A-Za-z_]\w*\}?)"
_Q = r"[\"']"
# An SDK argument: a string literal (f-string, template), or an expression up to the next `,`, `)` or space.
_EXPR = (r"([rbfRBF]{0,2}\"[^\"\n]*\"|[rbfRBF]{0,2}'[^'\n]*'|`[^`\n]*`|"
         r"(?:\$\{\w+\}|[^,(){}\[\]\s;\"'`]|\([^()\n]*\)|\[[^\[\]\n]*\])+)")
# An option whose last word is `bucket` or `bucket-name` (not `--expected-bucket-owner`, `--bucket-key-…`).
_OPTION = re.compile(rf"(?<![\w-])--(?:[a-z0-9]+-)*bucket(?:-name)?(?:\s+|=){_Q}?{_NAME}(?![\w.-])")
# CloudWatch Logs export: the CLI's `--destination` of `create-export-task`, boto3's `destination=`.
_EXPORT = re.compile(rf"create[-_]export[-_]task\b[^\n;|&]*?(?<![\w-])-?-?destination(?:\s+|\s*=\s*){_Q}?"
                     rf"{_NAME}(?![\w.-])")
# boto3's keyword, an object literal's key (`Bucket: x`, `"Bucket": x`) and the CLI shorthand key
# (`S3Bucket=<name>,S3Prefix=…`); the JavaScript shorthand `{ Bucket, Key }`.
_KWARG = re.compile(rf"(?<![\w.$-])[\"']?(?:S3)?Bucket(?:Name)?[\"']?\s*(?:=(?!=)|:(?!:))\s*{_EXPR}")
_SHORTHAND = re.compile(r"[{,]\s*(Bucket)\s*(?=[,}])")
# boto3 methods and resources whose bucket is positional: the second argument of an upload or a managed
# copy (three arguments: not `shutil.copy(a, b)`), the first of a resource built on a bucket.
_ARG = r"(?:[^,(){}\[\]]|\([^()]*\)|\{[^{}]*\}|\[[^\[\]]*\])+"
_POSITIONAL = re.compile(
    rf"\.(?:upload_file(?:obj)?\(\s*{_ARG},\s*{_EXPR}|(?:copy|upload)\(\s*{_ARG},\s*{_EXPR}(?=\s*,(?!\s*\w+\s*=))|"
    r"(?:Bucket(?:Acl|Cors|Lifecycle(?:Configuration)?|Logging|Notification|Policy|RequestPayment|Tagging|"
    rf"Versioning|Website)?|Object(?:Acl|Summary|Version)?|MultipartUpload(?:Part)?)\(\s*{_EXPR}(?=\s*[,)]))")
_ON_RESOURCE = re.compile(r"(?:\.Bucket|\.Object\w*)\([^()]*\)$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_SHORTHAND_KEY = re.compile(r"$|\s|,\w+=")  # what follows a CLI shorthand value (code has `, ` or `)`)
# the source of a copy (`CopySource={"Bucket": b, …}`, the first argument of `copy`): data coming in
_SOURCE = re.compile(r"(?:CopySource[\"']?\s*[=:]\s*|\.copy\(\s*)\{[^{}]*$")
_READS = re.compile(r"(?i)^(?:get|head|list|download|select|generate_presigned)")


def _call(s: str, pos: int) -> str:
    """The name of the call whose arguments hold position `pos` ('' when none within reach)."""
    depth = 0
    for i in range(pos - 1, max(pos - 400, 0) - 1, -1):
        c = s[i]
        if c in ")]}":
            depth += 1
        elif c in "([{":
            if depth:
                depth -= 1
            elif c == "(":
                return re.search(r"(\w*)\s*$", s[:i]).group(1)  # type: ignore[union-attr]
    return ""


def _sdk(s: str, m: re.Match[str]) -> list[str]:
    """The buckets one SDK argument stands for (what is no bucket name, like a key, is left out); one the
    text does not assign, unless the call only reads or it is a copy's source. A method of a resource built
    on a bucket (`Bucket(b).upload_file(path, key)`) takes no bucket: the resource's own is judged."""
    if m.group(0).startswith((".upload", ".copy")) and _ON_RESOURCE.search(s, 0, m.start()):
        return []
    arg = m.group(m.lastindex or 1)
    if _BUCKET.match(arg) and _SHORTHAND_KEY.match(s, m.end()) and "=" in m.group(0):  # CLI `S3Bucket=x,…`
        return [arg]
    values = [v for v in held(arg, s) if HELD.search(v) or _BUCKET.match(v)]
    inbound = _READS.match(_call(s, m.start())) or _SOURCE.search(s, 0, m.start())
    if inbound and any(HELD.search(v) and v[:1] != "$" for v in values):
        return [v for v in values if not HELD.search(v)]
    return values


def option_buckets(s: str) -> list[tuple[str, str, bool]]:
    """(kind `bucket`, name, False) of each bucket the string names as a command option or an SDK argument."""
    names = [v for rx in (_OPTION, _EXPORT) for m in rx.finditer(s)
             for v in (held(m.group(1), s) if m.group(1)[:1] == "$" else [m.group(1)])]
    names += [v for rx in (_KWARG, _SHORTHAND, _POSITIONAL) for m in rx.finditer(s) for v in _sdk(s, m)]
    return [("bucket", n, False) for n in dict.fromkeys(names) if ".." not in n and n]
