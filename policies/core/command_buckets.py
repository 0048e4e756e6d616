"""S3 buckets a command line or inline SDK code names by the API's own parameter rather than by `s3://` or an
ARN (round 35): `aws s3api put-object --bucket <name>`, `--target-bucket`, `--s3-bucket`, `--bucket-name`, and
boto3's `Bucket="<name>"`. The command reads or writes that bucket when it runs, so the bucket is a reference
like one in a bucket field: only the stack (or a declared endpoint) can place it.
"""

from __future__ import annotations

import re

_NAME = r"([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])"
# An option whose last word is `bucket` or `bucket-name` (not `--expected-bucket-owner`, `--bucket-key-…`).
_OPTION = re.compile(rf"(?<![\w-])--(?:[a-z0-9]+-)*bucket(?:-name)?(?:\s+|=)[\"']?{_NAME}(?![\w.-])")
_KWARG = re.compile(rf"(?<![\w.])Bucket\s*=\s*[\"']{_NAME}[\"']")


def option_buckets(s: str) -> list[tuple[str, str, bool]]:
    """(kind `bucket`, name, False) of each bucket the string names as a command option or an SDK argument."""
    names = [m.group(1) for m in _OPTION.finditer(s)] + [m.group(1) for m in _KWARG.finditer(s)]
    return [("bucket", n, False) for n in dict.fromkeys(names) if ".." not in n]
