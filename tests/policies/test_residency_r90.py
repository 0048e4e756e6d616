"""Red-team round 90 of the residency pack: Node's http(s) module under any name (copied, destructured,
imported, required in place), request and fetch options built by spreading or held by a name, ftplib's
`FTP()` then `.connect(host)`, a sending method or an HTTP method held by a name, and lambda/arrow-function
parameters followed like a helper's (policies/core/code_uploads.py; corpus:
tests/corpus/residency/*/r90-*.yaml).
"""

from __future__ import annotations

from test_residency_r87 import _found

PUT = "{hostname: process.env.SINK_HOST, method: 'PUT', path: '/in'}"


def test_node_https_under_any_name_is_read():
    """r90-01, r90-02, r90-04, r90-13..15, good/r90-01, good/r90-02: the module held by another name, a name
    it is copied to, imported with `* as`, destructured (`{request}`, `{request: r}`, `{request as r}`) or
    required in place sends where its options say; a literal read does not."""
    for pre, call in (("const h = require('https');", "h.request"),
                      ("const mod = require('node:https');\nconst h = mod;", "h.request"),
                      ("import * as web from 'node:https';", "web.request"),
                      ("import web from 'https';", "web.request"),
                      ("const {request} = require('https');", "request"),
                      ("const {get, request: send} = require('http');", "send"),
                      ("import { request as send } from 'node:https';", "send"),
                      ("", "require('https').request")):
        text = f"{pre}\nconst req = {call}({PUT}, cb);\nreq.end(body);\n"
        assert _found(text) == [("host", "$SINK_HOST")], text
        assert _found(text.replace("'PUT'", "'GET'")) == [], text
    other = "const h = require('./helpers');\nconst req = h.request({PUT}, cb);\n"
    # not the http(s) module; since round 91 any call whose options write is read (client_calls.py)
    assert _found(other.replace("{PUT}", PUT)) == [("host", "$SINK_HOST")]
    assert _found(other.replace("{PUT}", PUT).replace("'PUT'", "'GET'")) == []


def test_node_options_built_by_spreading_are_read_through_the_spread():
    """r90-03, r90-16, good/r90-05: `{...base, method}` is read with what `base` holds; a spread that
    cannot be followed gives no host and blocks."""
    own = "const base = {hostname: 'eloket-archive.s3.eu-west-1.amazonaws.com', path: '/in'};\n"
    call = "https.request({...base, method: 'PUT'}, cb);\n"
    assert _found(own + call) == []
    assert _found(own.replace("'eloket-archive.s3.eu-west-1.amazonaws.com'", "process.env.H") + call) == [
        ("host", "$H")]
    assert _found(call) == [("host", "{host not given}")]
    fetch = "const put = {method: 'PUT'};\nawait fetch(process.env.SINK_URL, {...put, body});\n"
    assert _found(fetch) == [("host", "$SINK_URL")]
    assert _found(fetch.replace("'PUT'", "'GET'")) == []


def test_fetch_options_held_by_a_name_are_judged():
    """r90-05: `fetch(url, opts)` sends where the URL says when `opts` writes or cannot be followed."""
    fetch = "const opts = {method: 'PUT', body};\nawait fetch(process.env.SINK_URL, opts);\n"
    assert _found(fetch) == [("host", "$SINK_URL")]
    assert _found(fetch.replace("'PUT'", "'GET'")) == []
    assert _found("async function f(opts) {\n  await fetch(process.env.U, opts);\n}\n") == [("host", "$U")]


def test_ftplib_connect_after_a_bare_ftp_is_read():
    """r90-06, r90-17: `FTP()` then `.connect(host)`; the host by keyword."""
    ftp = "ftp = ftplib.FTP()\nftp.connect(event['h'], 21)\nftp.storbinary('STOR d', b)\n"
    assert _found(ftp) == [("host", "{event['h']}")]
    assert _found(ftp.replace("ftp.storbinary('STOR d', b)\n", "ftp.retrbinary('RETR d', cb)\n")) == []


def test_a_sending_method_or_http_method_held_by_a_name_is_read():
    """r90-08, r90-11, r90-07: `send = getattr(requests, "put")`, `send = requests.put`, a method chosen by a
    name the code computes, `.request(VERB, url)` with `VERB = "PUT"`; a read is not."""
    aliases = ('send = getattr(requests, "put")', "send = requests.post", "send = getattr(requests, verb)")
    for alias in aliases:
        text = f"{alias}\nsend(os.environ['SINK'], data=b)\n"
        assert _found(text) == [("host", "$SINK")], text
    assert _found('send = getattr(requests, "get")\nsend(os.environ["SINK"])\n') == []
    assert _found('getattr(requests, "put")(event["u"], data=b)\n') == [("host", "{event[\"u\"]}")]
    verb = 'VERB = "PUT"\nhttp.request(VERB, os.environ["SINK"], body=b)\n'
    assert _found(verb) == [("host", "$SINK")]
    assert _found(verb.replace('"PUT"', '"GET"')) == []


def test_lambda_and_arrow_parameters_are_followed():
    """r90-10, good/r90-03, good/r90-04: a named lambda or arrow function's parameter is what its calls
    pass, as a helper's (round 89); an outside value still blocks."""
    own = "'https://eloket-archive.s3.eu-west-1.amazonaws.com/in/d.json'"
    py = f"send = lambda u, b: requests.put(u, data=b)\n\n\ndef handler(event, ctx):\n    send({own}, x)\n"
    assert _found(py) == []
    assert _found(py.replace(own, "event['dest']")) == [("host", "{event['dest']}")]
    js = f"const send = async (u, b) => fetch(u, {{method: 'PUT', body: b}});\nawait send({own}, x);\n"
    assert _found(js) == []
    assert _found(js.replace(own, "event.dest")) == [("host", "{event.dest}")]


def test_a_dotted_name_of_the_code_is_an_expression_not_a_bucket_word():
    """r90-18: `fetch(event.dest, …)`/`requests.put(event.dest, …)` read the event; a literal host and an
    environment variable are judged as before."""
    assert _found("await fetch(event.dest, {method: 'PUT'});") == [("host", "{event.dest}")]
    assert _found("requests.put(event.dest, data=b)") == [("host", "{event.dest}")]
    assert _found("requests.put(process.env.X, data=b)") == [("host", "$X")]
    assert _found("requests.put('eloket-archive.s3.eu-west-1.amazonaws.com', data=b)") == []
