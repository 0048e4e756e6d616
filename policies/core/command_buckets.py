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
"""

from __future__ import annotations

import re

_NAME = r"([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]|\$\{?[A-Za-z_]\w*\}?)"
_Q = r"[\"']"
# An option whose last word is `bucket` or `bucket-name` (not `--expected-bucket-owner`, `--bucket-key-…`).
_OPTION = re.compile(rf"(?<![\w-])--(?:[a-z0-9]+-)*bucket(?:-name)?(?:\s+|=){_Q}?{_NAME}(?![\w.-])")
# boto3's keyword and the CLI shorthand key (`S3Bucket=<name>,S3Prefix=…`), quoted or not.
_KWARG = re.compile(rf"(?<![\w.])(?:S3)?Bucket(?:Name)?\s*=\s*{_Q}?{_NAME}(?![\w.-])")
# CloudWatch Logs export: the CLI's `--destination` of `create-export-task`, boto3's `destination=`.
_EXPORT = re.compile(rf"create[-_]export[-_]task\b[^\n;|&]*?(?<![\w-])-?-?destination(?:\s+|\s*=\s*){_Q}?"
                     rf"{_NAME}(?![\w.-])")
# boto3 methods and resources whose bucket is a positional literal.
_POSITIONAL = re.compile(rf"\.(?:upload_file(?:obj)?\(\s*[^,()]+,|Bucket\(|Object\()\s*{_Q}{_NAME}{_Q}")


def option_buckets(s: str) -> list[tuple[str, str, bool]]:
    """(kind `bucket`, name, False) of each bucket the string names as a command option or an SDK argument."""
    names = [m.group(1) for rx in (_OPTION, _KWARG, _EXPORT, _POSITIONAL) for m in rx.finditer(s)]
    return [("bucket", n, False) for n in dict.fromkeys(names) if ".." not in n]
