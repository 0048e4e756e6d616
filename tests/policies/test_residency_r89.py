"""Red-team round 89 of the residency pack: a URL passed to a helper of the code is followed into every call
of it, a helper's body reads when it calls anything but a pure or own non-reading helper, Az PowerShell reads
(`Get-Az* -Location`) place nothing, more HTTP clients (.NET, pycurl, ftplib, Node's http/https), and a dotted
name called in code is no host (policies/core/code_uploads.py, command_places.py, reference_text.py; corpus:
tests/corpus/residency/*/r89-*.yaml).
"""

from __future__ import annotations

from test_residency_r87 import _blocked, _found, _own
from test_residency_r87 import _job as _job_env

from policies.core.command_places import HELD_URL_NOTE
from policies.core.reference_text import text_plan

ACCOUNT = "dosisexportsst"
OWN_URL = f"https://{ACCOUNT}.blob.core.windows.net/in/d.csv"
SEND = "def _send(url, body):\n    requests.put(url, data=body, timeout=30)\n\n"
BASE = f"BASE = '{OWN_URL}'\n"


def _job(command: list[str] | str, env: dict[str, str] | None = None) -> object:
    return _job_env(command, [{"name": k, "value": v} for k, v in env.items()] if env else None)


def _handler(*calls: str) -> str:
    return BASE + SEND + "def handler(event, context):\n" + "".join(f"    {c}\n" for c in calls)


def test_a_helper_parameter_is_followed_into_every_call():
    """good/r88-09 (a limit of round 88), good/r89-01, r89-04..06, r89-15..17: the URL a helper sends to is
    what every call passes (by position, keyword or default); one read, a `*args` or the helper handed on as a
    value blocks."""
    assert _found(_handler("_send(BASE + 'x.json', b'x')")) == []
    assert _found(_handler("_send(url=BASE + 'x.json', body=b'x')")) == []
    assert _found(_handler("_send(event['cb'], b'x')")) == [("host", "{event['cb']}")]
    assert _found(_handler("_send(url=BASE, body=b)", "_send(event['mirror'], b)")) == [
        ("host", "{event['mirror']}")]  # r89-15: a keyword argument is no assignment of the name
    assert _found(_handler("url = BASE", "_send(url, b)", "_send(event['m'], b)")) == [
        ("host", "{event['m']}")]  # r89-16: an assignment elsewhere does not stand for the parameter
    assert _found(_handler("_send(BASE, b)", "list(map(_send, event['targets']))")) == [("host", "{url}")]
    assert _found(_handler("_send(*event['args'])")) == [("host", "{url}")]
    assert _found(_handler("_send(os.environ['SINK'], b)")) == [("host", "$SINK")]
    env = ["python3", "-c", _handler("_send(os.environ['SINK'], b'x')") + "handler({}, None)\n"]
    assert _blocked(_job(env, {"SINK": OWN_URL}), _own("acct", ACCOUNT)) == []
    unset = _blocked(_job(env), _own("acct", ACCOUNT))
    assert unset == ["`template.containers.0.command.2` sends to the place $SINK holds" + HELD_URL_NOTE]
    default = "def _send(body, url=BASE):\n    requests.put(url, data=body)\n\n_send(b'x')\n"
    assert _found(BASE + default) == []
    assert _found(default.replace("url=BASE", "url=None")) == []  # a None default names no place
    assert _found(default.replace("_send(b'x')", "_send(b'x', url=open('/d').read())")) == [
        ("host", "{open('/d').read()}")]


def test_a_helper_body_reads_unless_its_calls_are_pure_or_its_own():
    """r89-01..03, r89-18, good/r89-02, good/r83-03: a socket, a DNS lookup, a table read are calls no list
    names: they read; string, clock and encoding helpers and own helpers that do not read do not."""
    put = "requests.put(_dest(), data=b)\n"
    for body in ("s = socket.create_connection(('10.0.0.5', 7000))\n    return s.recv(64).decode()",
                 "return b''.join(dns.resolver.resolve(_ZONE, 'TXT')[0].strings).decode()",
                 "return _CFG.get_item(Key={'k': 'u'})['Item']['url']",
                 "return _clean(_fetch())"):
        code = f"def _fetch():\n    return sock.recv(64)\n\ndef _clean(r):\n    return r.strip()\n\n" \
               f"def _dest():\n    {body}\n\n{put}"
        assert _found(code) == [("host", "{_dest()}")], body
    dated = "def _dest():\n    return BASE + datetime.date.today().isoformat() + time.strftime('%H')\n\n"
    assert _found(BASE + dated + put) == []
    own = "def _clean(r):\n    return r.strip().lower()\n\ndef _dest():\n    return _clean(BASE)\n\n"
    assert _found(BASE + own + put) == []
    module = "_URL = _load()\n\ndef _load():\n    return sock.recv(64)\n\ndef _dest():\n    return _URL\n\n"
    assert _found(module + put) == [("host", "{_dest()}")]  # a module-level value computed by a read
    assert _found(module.replace("sock.recv(64)", "BASE.upper()") + BASE + put) == []


def test_az_powershell_reads_place_nothing_but_writes_do():
    """good/r89-03, r89-12, r89-19, r89-20: `Get-AzVMSize -Location eastus` is a read; `New-Az* -Location`
    outside the EEA, or held by a variable, blocks, also beside or inside a read."""
    read = "Connect-AzAccount -Identity; Get-AzVMSize -Location eastus | ConvertTo-Json"
    assert _blocked(_job(["pwsh", "-Command", read])) == []
    new = "New-AzStorageAccount -ResourceGroupName rg -Name dosisexportsst -Location {} -SkuName Standard_LRS"
    assert _blocked(_job(["pwsh", "-Command", new.format("westeurope")]), _own("acct", ACCOUNT)) == []
    eastus = "`template.containers.0.command.2` (data is sent there) is in 'eastus', which is outside the EEA"
    for write in (new.format("eastus"), f"Get-AzVMSize -Location westeurope; {new.format('eastus')}",
                  f"Get-AzResourceGroup -Name ({new.format('eastus')}).ResourceGroupName"):
        assert _blocked(_job(["pwsh", "-Command", write]), _own("acct", ACCOUNT)) == [eastus], write
    at = "`template.containers.0.command.2` = "
    unjudged = (", so where the command puts the data cannot be judged; write the allowed region's name in "
                "the ")
    held = _blocked(_job(["pwsh", "-Command", new.format("$env:DR_LOCATION")]), _own("acct", ACCOUNT))
    assert held == [f"{at}'$DR_LOCATION' is a variable nothing in the resource sets{unjudged}command or set "
                    "the variable to it in the resource's own environment"]  # r89-22
    env = {"DR_LOCATION": "northeurope"}
    assert _blocked(_job(["pwsh", "-Command", new.format("$env:DR_LOCATION")], env),
                    _own("acct", ACCOUNT)) == []


def test_a_region_computed_when_the_script_runs_blocks():
    """r89-21: `az … -l "$(cat f)"` is an expression the pack does not run; a literal or a variable the
    resource's environment sets is judged."""
    create = "az storage account create -g rg -n dosisexportsst -l {} --sku Standard_ZRS"
    acct = _own("acct", ACCOUNT)
    assert _blocked(_job(create.format("northeurope")), acct) == []
    assert _blocked(_job(create.format("\"$REGION\""), {"REGION": "westeurope"}), acct) == []
    assert _blocked(_job(create.format("\"$REGION\""), {"REGION": "eastus"}), acct)
    read = _blocked(_job(create.format("\"$(cat /mnt/cfg/region)\"")), acct)
    assert read == ["`template.containers.0.command.2` = '$(cat /mnt/cfg/region)' is an expression the "
                    "script computes when it runs (a file, a command or a lookup), so where the command puts "
                    "the data cannot be judged; write the allowed region's name in the command or set a "
                    "variable to it in the resource's own environment"]


def test_more_http_clients_send_where_their_url_says():
    """r89-07..09, r89-11: pycurl, Node's https.request, ftplib, .NET's HttpClient/WebClient: a destination
    the resource's environment does not set, or read when the code runs, blocks; a read does not."""
    pycurl = "c = pycurl.Curl()\nc.setopt(pycurl.URL, os.environ['SINK'])\nc.setopt(pycurl.UPLOAD, 1)\n"
    assert _found(pycurl) == [("host", "$SINK")]
    assert _found(pycurl.replace("c.setopt(pycurl.UPLOAD, 1)\n", "")) == []  # a download
    node = "const req = https.request({hostname: process.env.SINK_HOST, method: 'PUT', headers: {a: 1}}, cb);"
    assert _found(node) == [("host", "$SINK_HOST")]
    assert _found(node.replace("'PUT'", "'GET'")) == []
    held = "const opts = {hostname: process.env.H, method: m};\nhttps.request(opts, cb).end(body);\n"
    assert _found(held) == [("host", "$H")]  # options held by a name; a method not a literal read
    assert _found("https.request(process.env.U, {method: 'POST'}, cb)") == [("host", "$U")]
    ftp = "with ftplib.FTP_TLS(event['h']) as f:\n    f.storbinary('STOR d', b)\n"
    assert _found(ftp) == [("host", "{event['h']}")]
    assert _found(ftp.replace("storbinary('STOR d', b)", "retrbinary('RETR d', cb)")) == []
    dotnet = "$c = [System.Net.Http.HttpClient]::new(); $c.PutAsync($env:SINK_URL, $content).Result"
    assert _found(dotnet) == [("host", "$SINK_URL")]
    assert _blocked(_job(["pwsh", "-Command", dotnet], {"SINK_URL": OWN_URL}), _own("acct", ACCOUNT)) == []
    assert _found("(New-Object Net.WebClient).UploadFile($env:U, '/e/d.csv')") == [("host", "$U")]


def test_a_dotted_name_called_in_code_is_no_host():
    """good/r89-02: `datetime.date.today()` (`.today` is a TLD) is a call; the same name as a word is a
    host."""
    assert text_plan("k = BASE + datetime.date.today().isoformat()", False, False, False, False) is None
    plan = text_plan("curl -T d https://x.y.z/ logs.acme-exfil.today", False, False, False, False)
    assert plan and ("host", "logs.acme-exfil.today", False) in plan[1]
