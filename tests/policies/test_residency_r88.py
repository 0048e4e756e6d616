"""Red-team round 88 of the residency pack: destinations a script or inline code reads when it runs (a shell
variable assigned from a command substitution, a generic HTTP library's URL), more upload tools (sftp, lftp,
Start-BitsTransfer), held destinations of `az monitor` and AWS commands, managed instances by name, global
edge services created by a script, and reads naming a region outside the EEA (policies/core/upload_targets.py,
code_uploads.py, command_places.py, reference_text.py; corpus: tests/corpus/residency/*/r88-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, OWN, REPLICATION, codebuild_running, messages, res
from test_residency_r87 import _blocked, _found, _own
from test_residency_r87 import _job as _job_env

from policies.core.command_places import HELD_URL_NOTE

ACCOUNT = "dosisexportsst"
OWN_URL = f"https://{ACCOUNT}.blob.core.windows.net/in/d.csv"
OTHER_URL = "https://partnerexportsus.blob.core.windows.net/in/d.csv"


def _acct() -> object:
    return _own("acct", ACCOUNT)


def _job(command: list[str] | str, env: dict[str, str] | None = None) -> object:
    """Round 87's Container Apps job, its environment given as a mapping."""
    return _job_env(command, [{"name": k, "value": v} for k, v in env.items()] if env else None)


def test_destination_assigned_from_a_run_time_read_blocks():
    """r88-03, r87-28 (a limit of round 87), good/r88-03: a variable the script assigns from a command
    substitution that reads something (`$(cat f)`, `$(aws ssm get-parameter …)`, `Get-Content`) is a
    destination the pack cannot place; a literal or a pipeline printing the text's own values is read."""
    upload = "curl -sf -T /tmp/d.csv \"$DEST\""
    assert _blocked(_job(f"DEST={OWN_URL} && {upload}"), _acct()) == []
    assert _blocked(_job(f"DEST=$(printf %s \"$CFG\" | base64 -d) && {upload}"), _acct()) == []
    read = _blocked(_job(f"DEST=$(cat /mnt/cfg/dest) && {upload}"), _acct())
    assert read == ["`template.containers.0.command.2` sends to the place {$(cat /mnt/cfg/dest)} holds"
                    + HELD_URL_NOTE]
    assert _found(f"DEST=\"$(aws ssm get-parameter --name /x --query Parameter.Value)\"; {upload}")
    assert _found("$dest = Get-Content /mnt/cfg/dest; Invoke-WebRequest -Method Put -InFile d -Uri $dest")
    for probe in ("DEST=$(echo \"$(cat /mnt/cfg/dest)\")", "DEST=$(printf '' | cat - /mnt/cfg/dest)",
                  "DEST=$(printf %s \"$CFG\" | jq -r .u < /mnt/cfg/c.json)"):  # r88-17, r88-18: probes
        assert _found(f"{probe} && {upload}"), probe
    assert _found(f"DEST=$(printf %s \"$CFG\" | base64 -d 2>/dev/null) && {upload}") == []  # good/r88-08
    assert _found("curl -T /tmp/x \"$(echo $E | base64 -d)\"") == []  # round 80's: decoded where written
    assert _found("curl -T /tmp/x \"$(cat /run/dest)\"") == [("host", "{$(cat /run/dest)}")]
    header = f"TOKEN=$(cat /run/secrets/t); curl -H \"Authorization: Bearer $TOKEN\" -T d {OWN_URL}"
    assert _found(header) == []  # a variable read at run time that is no destination


def test_generic_http_libraries_in_code_send_where_their_url_says():
    """r88-01, r88-02, r87-29 (a limit of round 87), good/r88-04, good/r88-06, good/r83-03: requests, urllib,
    fetch: an environment variable is the resource's own setting; a URL read when the code runs blocks."""
    put = "import os, requests; requests.put(os.environ['DEST'], data=b'x')"
    assert _blocked(_job(["python3", "-c", put], {"DEST": OWN_URL}), _acct()) == []
    assert _blocked(_job(["python3", "-c", put], {"DEST": OTHER_URL}), _acct())
    unset = _blocked(_job(["python3", "-c", put]), _acct())
    assert unset == ["`template.containers.0.command.2` sends to the place $DEST holds" + HELD_URL_NOTE]
    assert _found("import requests; requests.put(open('/mnt/cfg/dest').read().strip(), data=b'x')") == [
        ("host", "{open('/mnt/cfg/dest').read().strip()}")]
    param = "url = ssm.get_parameter(Name='/u')['Parameter']['Value']\nrequests.post(url, json=body)\n"
    assert _found(param) == [("host", "{ssm.get_parameter(Name='/u')['Parameter']['Value']}")]
    assert _found("def h(event, c):\n    requests.put(event['url'], data=b'x')\n") == [
        ("host", "{event['url']}")]
    joined = f"import requests; BASE = '{OWN_URL}'; requests.put(BASE + 'x.csv', data=b'x')"
    assert _found(joined) == []
    own_decoder = ("_T = 'abc'\ndef _unpack(s):\n    return s\n"
                   "req = urllib.request.Request(_unpack(_T) + 'x.json', data=b, method='PUT')\n")
    assert _found(own_decoder) == []
    urllib = "req = urllib.request.Request(os.environ['U'], data=b, method='PUT')"
    assert _found(urllib) == [("host", "$U")]
    assert _found("r = urllib.request.urlopen(urllib.request.Request(os.environ['U']))") == []  # a GET
    body = "urllib.request.urlopen(os.environ['U'], json.dumps(b).encode())"  # r88-24
    assert _found(body) == [("host", "$U")]
    assert _found("urllib.request.urlopen(os.environ['U'], timeout=5)") == []
    assert _found("await fetch(process.env.U, { method: 'PUT', body })") == [("host", "$U")]


def test_sessions_pools_connections_and_helpers_are_read():
    """r88-19..22 (probes), good/r88-07: a session or pool the code makes, `.request("PUT", url)`, an
    http.client connection's host, and a helper of the code that reads a file when it runs."""
    session = "http = requests.Session()\nhttp.post(event['callback'], json=b)\n"
    assert _found(session) == [("host", "{event['callback']}")]
    assert _found("with httpx.Client() as c:\n    c.put(os.environ['U'], content=b)\n") == [("host", "$U")]
    assert _found("queue.put(item)\nitems.post(x)\n") == []  # no HTTP client: not read
    assert _found("pool = urllib3.PoolManager()\npool.request('PUT', os.environ['U'], body=b)\n") == [
        ("host", "$U")]
    conn = "conn = http.client.HTTPSConnection(os.environ['H'])\nconn.request('PUT', '/in/x', body)\n"
    assert _found(conn) == [("host", "$H")]
    assert _found(conn.replace("'PUT'", "'GET'")) == []  # a read
    helper = ("def _dest():\n    with open('/opt/d') as f:\n        return f.read()\n\n"
              "requests.put(_dest(), data=b)\n")
    assert _found(helper) == [("host", "{_dest()}")]
    pure = "_T = 'x'\ndef _dest():\n    return _T.upper()\n\nrequests.put(_dest(), data=b)\n"
    assert _found(pure) == []


def test_more_upload_tools_are_read():
    """r88-09..11, good/r88-05: Start-BitsTransfer uploads, sftp and lftp targets held by a variable."""
    for line in ("Start-BitsTransfer -TransferType Upload -Source /e/d.csv -Destination $env:DEST",
                 "sftp -b /tmp/put.batch -i /keys/k \"$DEST\"",
                 "lftp -e 'mirror -R /export /in; bye' \"$DEST\""):
        assert _found(line) == [("host", "$DEST")], line
        assert _blocked(_job(["pwsh", "-Command", line] if "Bits" in line else line,
                             {"DEST": OWN_URL}), _acct()) == [], line
    assert _found("Start-BitsTransfer -Source $env:SRC -Destination /tmp/d.csv") == []  # a download
    sftp_own = {"DEST": f"{ACCOUNT}.export@{ACCOUNT}.blob.core.windows.net"}
    assert _blocked(_job("sftp -b /tmp/put.batch \"$DEST\"", sftp_own), _acct()) == []


def test_held_destinations_of_monitor_and_aws_commands():
    """r88-05, r88-06, r88-14: `az monitor … --event-hub-rule "$X"` or `$(…)`, `aws … --destination-arn "$X"`
    block unless the resource's own environment sets the variable."""
    hub = "az monitor diagnostic-settings create -n d --resource /x --event-hub h --event-hub-rule {}"
    assert _found(hub.format("\"$RULE\"")) == [("host", "$RULE")]
    assert _found(hub.format("\"$(az eventhubs namespace authorization-rule show -n s --query id)\""))
    assert _found(hub.format(f"{OWN}/Microsoft.EventHub/namespaces/ns/authorizationRules/send")) == []
    logs = "aws logs put-subscription-filter --log-group-name g --filter-name f --destination-arn \"$D\""
    assert _found(logs) == [("host", "$D")]
    assert _found("aws logs put-subscription-filter --log-group-name g --destination-arn "
                  "arn:aws:logs:eu-west-1:123456789012:destination:d") == []  # a literal ARN: scanned


def test_managed_instances_are_named_resources():
    """r88-07: `az sql midb copy --dest-mi x`, `az sql mi show -n x` name a managed instance of the stack."""
    copy = "az sql midb copy start -g rg --mi dosis-mi -n d --dest-mi {} --dest-resource-group rg"
    mi = res("azure-native:sql:ManagedInstance", "mi", {"resourceGroupName": "rg-weu",
                                                        "location": "westeurope", "name": "dosis-mi"})
    assert _blocked(_job(copy.format("dosis-mi")), mi) == []
    other = _blocked(_job(copy.format("partnermius")), mi)
    assert other and any("azure-native:sql:ManagedInstance|partnermius" in m for m in other)


def test_global_edge_services_created_by_a_script_block():
    """r88-15, r88-16: `az afd … create`, `aws cloudfront create-distribution` create a global edge service
    outside the program; reads of one pass."""
    why = "runs `{}`, which creates or changes a global edge service"
    for line, cmd in (("az afd profile create -g rg --profile-name p --sku Standard_AzureFrontDoor",
                       "az afd profile create"),
                      ("aws cloudfront create-distribution --origin-domain-name b.s3.amazonaws.com",
                       "aws cloudfront create-distribution")):
        found = _blocked(_job(line))
        assert found and why.format(cmd) in found[0], line
    assert _blocked(_job("az afd profile show -g rg --profile-name p")) == []


def test_reads_naming_a_region_outside_the_eea_pass():
    """good/r88-01, good/r88-02: `az vm list-skus -l eastus`, `aws ec2 describe-regions --region us-east-1`
    read; the same region on a write still blocks."""
    assert _blocked(_job("az vm list-skus -l eastus -o json > /tmp/s.json")) == []
    assert _blocked(_job("az vm create -n v -g rg -l eastus --image Ubuntu2204"))
    read = codebuild_running("aws ec2 describe-regions --region us-east-1 --output json")
    assert messages(REPLICATION, read, ALLOWED) == []
    # good/r38-11's mutant: a get- finds what a later command sends to
    found = codebuild_running("aws sqs get-queue-url --queue-name q --region us-east-1")
    assert messages(REPLICATION, found, ALLOWED)
    write = codebuild_running("aws ec2 run-instances --region us-east-1 --image-id ami-0abc --count 1")
    assert messages(REPLICATION, write, ALLOWED)
