"""URLs and hosts that name an AWS account (red-team round 17): an SQS queue URL
(`https://sqs.<region>.amazonaws.com/<account>/<queue>`, the legacy `<region>.queue.amazonaws.com`)
and an S3 access point host (`<name>-<account>.s3-accesspoint.<region>.amazonaws.com`) carry an
allowed region in the host and the account elsewhere. Each is read as the resource's ARN too, so its
account is judged like any ARN's (policies/core/outside_parties.py `foreign_arns`). A path-style S3 URL
(`https://s3.<region>.amazonaws.com/<bucket>/…`) names its bucket in the path: read as the bucket's ARN, so
the bucket must be the stack's or declared like any other (round 26)."""

from __future__ import annotations

import re

_SQS_HOST = re.compile(r"^(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com$")
_SQS_PATH = re.compile(r"(?::\d+)?/(\d{12})/([\w-]{1,80})")
_S3_API_HOST = re.compile(r"^s3(?:-fips)?(?:\.dualstack)?[.-](?:[a-z0-9-]+\.)?amazonaws\.com$")
_S3_PATH = re.compile(r"(?::\d+)?/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?=[/?#]|$)")
_ACCESS_POINT = re.compile(
    r"^([a-z0-9][a-z0-9-]{1,48})-(\d{12})\.s3-accesspoint(?:-fips)?(?:\.dualstack)?\.([a-z0-9-]+)\.amazonaws\.com$"
)


def url_arn(host: str, s: str, end: int) -> str | None:
    """The ARN a URL's host (and the path after `end` in `s`) names with its account, or None."""
    return path_arn(host, s, end) or host_arn(host)


def path_arn(host: str, s: str, end: int) -> str | None:
    """The ARN an API host and the path after it name (a queue URL, a path-style bucket), with or without
    a scheme (`s3.eu-west-1.amazonaws.com/<bucket>/key`, as an SDK's endpoint plus key prefix: round 27)."""
    if (q := _SQS_HOST.match(host)) and (p := _SQS_PATH.match(s, end)):
        return f"arn:aws:sqs:{q.group(1) or q.group(2)}:{p.group(1)}:{p.group(2)}"
    if host.startswith("s3") and _S3_API_HOST.match(host) and (b := _S3_PATH.match(s, end)):
        return f"arn:aws:s3:::{b.group(1)}"  # path-style: the bucket is the first path segment
    return None


def host_arn(host: str) -> str | None:
    """The ARN an account-naming host is (an S3 access point's), or None."""
    if "s3-accesspoint" in host and (m := _ACCESS_POINT.match(host)):
        return f"arn:aws:s3:{m.group(3)}:{m.group(2)}:accesspoint/{m.group(1)}"
    return None


WORKFLOW = "azure-native:logic:Workflow"
# A Logic App's callback URL: a shared regional front end whose path names the workflow (round 27).
_WORKFLOW_URL = re.compile(r"https?://prod-\d+\.[a-z0-9]+\.logic\.azure\.com(?::\d+)?/workflows/([0-9a-f]{32})\b",
                           re.I)


def workflow_key(s: str, start: int = 0) -> str | None:
    """`<WORKFLOW>|<id>` of the workflow a callback URL at `start` in `s` calls, else None."""
    m = _WORKFLOW_URL.match(s, start)
    return f"{WORKFLOW}|{m.group(1).lower()}" if m else None


def callback_problem(path: str, key: str) -> str:
    """A workflow callback whose workflow is no workflow of the stack (matched by its `accessEndpoint`)."""
    return (
        f"`{path}` calls Logic App workflow {key.split('|', 1)[1]} by its callback URL; the regional front "
        "end passes the data to that workflow, which is no workflow of this stack (matched by its recorded "
        "`accessEndpoint`), and sends it on wherever its own definition says, so where the data goes cannot "
        "be judged; create the workflow in this stack and refer to its callback URL "
        "(logic.list_workflow_trigger_callback_url_output)"
    )

