"""Red-team round 91 of the residency pack: more clients in inline code (Node options that write, axios'
config and base URL, http2, got/undici; urllib openers, smtplib, paramiko, http.client's putrequest; Go and
Java), AWS regions held by a variable, global edges, global constructs and option files a script makes, helm,
`az monitor`'s partner id, storage accounts a script creates in an allowed region, and `self.url`
(policies/core/client_calls.py, script_sites.py, code_uploads.py; corpus: tests/corpus/residency/*/r91-*.yaml
and the three limits of rounds 89-90 it closes).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, codebuild_running, messages
from test_residency_r87 import _blocked, _found, _job

from policies.core.command_places import HELD_URL_NOTE

OWN_URL = "'https://eloket-archive.s3.eu-west-1.amazonaws.com'"


def test_node_calls_whose_options_write_send_to_their_url():
    """r91-01, r91-02, r91-18, r90-19, r90-20, good/r91-03, good/r91-04: any call with writing options (its
    URL, or the object's `url`), a module's `.put(url)`, an instance's base URL, http2's authority; reads and
    the own literal URL do not block."""
    sends = ("const {request} = require('undici');\nawait request(process.env.S, {method: 'PUT', body});\n",
             "await axios({method: 'put', url: process.env.S, data});\n",
             "const got = require('got');\nawait got.put(process.env.S, {json});\n",
             "const api = axios.create({baseURL: process.env.S});\nawait api.put('/in', body);\n",
             "const h2 = require('node:http2');\nconst c = h2.connect(process.env.S);\n"
             "c.request({':method': 'PUT', ':path': '/in'}).end(body);\n")
    for text in sends:
        assert _found(text) == [("host", "$S")], text
        assert _found(text.replace("process.env.S", OWN_URL)) == [], text
    for text in sends[:2] + sends[4:]:
        assert _found(text.replace("'PUT'", "'GET'").replace("'put'", "'get'")) == [], text
    read_only = "const api = axios.create({baseURL: process.env.S});\nawait api.get('/in');\n"
    assert _found(read_only) == []


def test_python_clients_that_send_are_read():
    """r91-04..07, r91-19: http.client's `putrequest` or a method held by a name, an urllib opener with a
    body, smtplib in a text that sends mail, paramiko's transport; the same clients reading or idle do not."""
    conn = "c = http.client.HTTPSConnection(os.environ['H'])\nc.putrequest('PUT', '/in')\nc.endheaders(b)\n"
    assert _found(conn) == [("host", "$H")]
    assert _found(conn.replace("'PUT'", "'GET'")) == []
    verb = "V = 'PUT'\nc = http.client.HTTPSConnection(os.environ['H'])\nc.request(V, '/in', b)\n"
    assert _found(verb) == [("host", "$H")]
    assert _found(verb.replace("'PUT'", "'GET'")) == []
    opener = "o = urllib.request.build_opener()\no.open(event['u'], data=b)\n"
    assert _found(opener) == [("host", "{event['u']}")]
    assert _found(opener.replace(", data=b", "")) == []
    mail = "with smtplib.SMTP_SSL(os.environ['RELAY'], 465) as m:\n    m.send_message(msg)\n"
    assert _found(mail) == [("host", "$RELAY")]
    assert _found(mail.replace("m.send_message(msg)", "m.noop()")) == []
    ssh = "t = paramiko.Transport((event['h'], 22))\nsftp = paramiko.SFTPClient.from_transport(t)\n"
    assert _found(ssh) == [("host", "{event['h']}")]
    assert _found(ssh.replace("event['h']", "'sftp.eloket.vlaanderen.be'")) == []


def test_go_and_java_clients_in_a_script_are_read():
    """r91-08: Go's `http.NewRequest("PUT", os.Getenv(…))`/`http.Post`, Java's `URI.create(…)` in a text that
    writes: the environment's variable; a GET is not read."""
    go = 'req, _ := http.NewRequest("PUT", os.Getenv("SINK"), f)\n'
    assert _found(go) == [("host", "$SINK")]
    assert _found(go.replace('"PUT"', '"GET"')) == []
    assert _found('http.Post(os.Getenv("SINK"), "application/json", f)\n') == [("host", "$SINK")]
    java = 'HttpRequest.newBuilder(URI.create(System.getenv("SINK"))).PUT(BodyPublishers.ofFile(p)).build();'
    assert _found(java) == [("host", "$SINK")]
    assert _found(java.replace(".PUT(BodyPublishers.ofFile(p))", ".GET()")) == []


def test_self_attributes_are_what_the_code_assigns():
    """r91-15, good/r91-02: `requests.put(self.url, …)` is every value `self.url` is assigned; a parameter
    assigned to it whose callers cannot be followed blocks; none assigned blocks."""
    own = f"class U:\n    def __init__(self):\n        self.url = {OWN_URL}\n\n    def send(self, b):\n" \
          "        return requests.put(self.url, data=b)\n"
    assert _found(own) == []
    assert _found(own.replace(OWN_URL, "os.environ['X']")) == [("host", "$X")]
    assert _found(own.replace(f"self.url = {OWN_URL}", "self.url = url")) == [("host", "{url}")]
    assert _found("requests.put(self.url, data=b)\n") == [("host", "{self.url}")]


def test_aws_regions_held_by_a_variable_are_judged():
    """r91-10, r91-20, r91-21: `--region "$R"` of a writing AWS command, `RegionName=$R`, `export
    AWS_DEFAULT_REGION="$R"`: the resource's own environment, else blocks; a read, a literal allowed region
    and the runtime's own `$AWS_REGION` do not."""
    why = ("`source.buildspec(yaml).phases.build.commands.0` = '$DR' is a variable nothing in the resource "
           "sets, so where the command puts the data cannot be judged; write the allowed region's name in "
           "the command or set the variable to it in the resource's own environment")
    for command in ('aws rds create-db-instance-read-replica --db-instance-identifier r --region "$DR"',
                    'aws dynamodb update-table --table-name t --replica-updates "Create={RegionName=$DR}"',
                    'export AWS_DEFAULT_REGION="$DR"'):
        assert messages(REPLICATION, codebuild_running(command), ALLOWED) == [why], command
        assert messages(REPLICATION, codebuild_running(command.replace("$DR", "eu-west-1")), ALLOWED) == []
    for command in ('aws ec2 describe-instances --region "$DR"', 'export AWS_REGION="$AWS_DEFAULT_REGION"'):
        assert messages(REPLICATION, codebuild_running(command), ALLOWED) == [], command


def test_edges_global_constructs_option_files_and_helm_from_a_script_block():
    """r91-09, r91-11, r91-12, r91-14, good/r91-06: each blocks with a message saying what to declare or
    write instead; the look-alikes (acceleration suspended, a regional API, inline options) do not."""
    cases = {
        "aws s3api put-bucket-accelerate-configuration --bucket b --accelerate-configuration Status=Enabled":
            "creates or changes a global edge service",
        "aws apigateway create-rest-api --name api": "creates or changes a global edge service",
        "aws rds create-global-cluster --global-cluster-identifier g --source-db-cluster-identifier c":
            "joins a database, table or cache to a global construct",
        "aws s3api put-bucket-replication --cli-input-json file:///tmp/r.json":
            "takes its options from a file or variable the pack does not read",
        "helm upgrade --install export oci://exportpartner.azurecr.io/charts/export":
            "creates or changes resources from a template or request the pack does not read",
    }
    for command, why in cases.items():
        found = messages(REPLICATION, codebuild_running(command), ALLOWED)
        assert len(found) == 1 and why in found[0] and "declare" in found[0] + "write", (command, found)
    for command in ("aws s3api put-bucket-accelerate-configuration --bucket b --accelerate-configuration "
                    "Status=Suspended",
                    "aws apigateway create-rest-api --name api --endpoint-configuration types=REGIONAL",
                    "aws s3api put-bucket-replication --cli-input-json '{\"Bucket\": \"eloket-archive\"}'",
                    "aws rds describe-global-clusters"):
        assert messages(REPLICATION, codebuild_running(command), ALLOWED) == [], command


def test_az_monitor_partner_id_held_by_a_variable_blocks():
    """r91-13: `--marketplace-partner-id "$X"` is a held destination, as round 88's `--event-hub-rule`."""
    command = "az monitor diagnostic-settings create -n d --resource r --marketplace-partner-id \"$P\""
    found = _blocked(_job(command))
    assert len(found) == 1 and HELD_URL_NOTE in found[0]
    assert _blocked(_job(command, [{"name": "P", "value": "eloket"}])) == []


def test_a_storage_account_the_script_creates_in_an_allowed_region_is_placed_by_it():
    """good/r91-01, good/r91-07, good/r89-05, r91-16, r91-17: the created account's name needs no resource of
    the stack when the creation names a literal region and a failed creation stops what follows; `|| true`,
    `-ErrorAction SilentlyContinue`, `if !`, a geo-redundant SKU or a region held by a variable keep it
    blocked (as an unresolved host), and a region outside the EEA blocks as a region."""
    create = "az storage account create -n scratch -g rg -l westeurope --sku Standard_ZRS"
    use = "azcopy copy /d 'https://scratch.blob.core.windows.net/in'"
    ctx = "Set-AzStorageBlobContent -Context (New-AzStorageContext -StorageAccountName scratch)"
    pwsh = "New-AzStorageAccount -ResourceGroupName rg -Name scratch -Location westeurope -ErrorAction Stop; "
    for text in (f"{create}", f"{create} && {use}", f"set -e; {create}; {use}",
                 pwsh + ctx):
        assert _blocked(_job(text)) == [], text
    for text in (f"{create}; {use}", f"set -e; {create} || true; {use}",
                 f"set -e; if ! {create}; then :; fi; {use}",
                 f"set -e; {create.replace('ZRS', 'GRS')}; {use}",
                 f"set -e; {create.replace('westeurope', '$L')}",
                 "$ErrorActionPreference = 'Stop'; New-AzStorageAccount -Name scratch -Location westeurope "
                 "-ErrorAction SilentlyContinue; New-AzStorageContext -StorageAccountName scratch"):
        found = _blocked(_job(text))
        assert found and any("scratch.blob.core.windows.net" in m or "'$L'" in m for m in found), text
    assert any("eastus" in m for m in _blocked(_job(create.replace("westeurope", "eastus"))))
