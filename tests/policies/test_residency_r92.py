"""Red-team round 92 of the residency pack: a closed world for code and connections in a script (languages no
reader knows, raw connections, database and rclone clients, modules inline code imports; sockets and Node's
net/tls read), kubectl judged as helm, a class's constructor followed into `__init__`, a created account's
region held by a variable the text assigns, a geo-redundant SKU's own message, `az monitor … --destination`
(policies/core/script_languages.py, code_imports.py, client_calls.py, code_uploads.py, script_sites.py;
corpus: tests/corpus/residency/*/r92-*.yaml and the three limits of rounds 87 and 91 it closes).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, codebuild_running, messages
from test_residency_r87 import OWN, _blocked, _found, _job, _own

from policies.core.code_imports import COMPUTED_WHY, IMPORT_WHY
from policies.core.command_places import HELD_URL_NOTE
from policies.core.script_languages import REMOTE_WHY, UNREAD_WHY


def _why(template: str) -> str:
    """The fixed part of a message template (before its first field)."""
    return template.split("{}")[1][:60]


def _sites(s: str) -> list[str]:
    return [v for k, v in _found(s) if k == "site"]


def test_code_in_a_language_no_reader_knows_blocks():
    """r92-01..03, r92-14, r91-22, good/r92-01: Perl, Ruby, PHP, Rust, C (also a shebang) block with a message
    saying how to make the code judgeable; a Perl or Ruby one-liner that only substitutes text passes."""
    fixed = _why(UNREAD_WHY)
    for command in ("php -r 'file_get_contents(getenv(\"S\"), false, $c);'",
                    "perl -MHTTP::Tiny -e 'HTTP::Tiny->new->put($ENV{S})'",
                    "ruby -rsocket -e 's = TCPSocket.new(ENV[\"H\"], 9); s.write(\"x\")'",
                    "cd push && cargo run --release", "gcc -o push push.c && ./push",
                    "cat > p <<'EOF'\n#!/usr/bin/env ruby\nputs 1\nEOF",
                    "perl -pi -e 's/a/b/; system(\"curl x\")' f",
                    "perl -pi -e 's/go/qx(curl -T d $ENV{S})/e' t.txt",  # r92-15: the `e` flag runs code
                    "require 'net/http'\nNet::HTTP.put(URI(ENV['S']), b)\n",  # r92-16: a Ruby Lambda's code
                    "<?php\nfile_put_contents(getenv('S'), $b);\n", "use LWP::UserAgent;\nmy $ua;\n"):
        found = _sites(command)
        assert len(found) == 1 and fixed in found[0] and "write it in Python" in found[0], command
        if "\n" not in command:  # (a one-line buildspec command)
            found = messages(REPLICATION, codebuild_running(command), ALLOWED)
            assert any(fixed in m for m in found), command
    for command in ("perl -pi -e 's/__STAGE__/prod/g' config.yaml", "perl -pe 'tr/a-z/A-Z/' a.txt",
                    "ruby -pi -e '$_.gsub!(/x/, \"y\")' f.txt", "echo peril of ruby-ish words"):
        assert _sites(command) == [], command


def test_raw_connections_and_writing_database_clients_are_destinations():
    """r92-04, r92-10: bash's `/dev/tcp`, nc, socat, `openssl s_client`, psql/mysql given a URL or host: a
    variable is the resource's own setting (else it blocks), a literal host is judged as one."""
    for command, held in (("cat d > /dev/tcp/$H/9000", "$H"), ("nc -w 5 \"$H\" 9000 < d", "$H"),
                          ("busybox nc \"$H\" 9000 < d", "$H"), ("/usr/bin/ncat $H 9000 < d", "$H"),
                          ("socat - OPENSSL:$H:443 < d", "$H"),
                          ("openssl s_client -connect $H:443 < d", "$H"),
                          ("pg_dump \"$SRC\" | psql \"$DEST\"", "$DEST"),
                          ("mysql -u app -h \"$DB\" < d", "$DB")):
        assert ("host", held) in _found(command), command
        found = _blocked(_job(command))
        assert found and all(HELD_URL_NOTE in m for m in found), command
        private = [{"name": held[1:], "value": "10.0.0.5"}]  # a private address: location-free
        assert _blocked(_job(command, private)) == [], command
    assert ("host", "partner.example.com") in _found("cat d > /dev/tcp/partner.example.com/9000")
    assert _found("mysql -u \"$APP_USER\" < d") == []  # a user name is no destination


def test_rclone_to_a_remote_of_its_config_blocks():
    """r92-11: a remote named in rclone's config blocks; an on-the-fly backend written on the command is read
    as text (its region a region token)."""
    found = _sites("rclone --config /c/r.conf copy d.json partner:drop")
    assert len(found) == 1 and _why(REMOTE_WHY) in found[0] and "`partner`" in found[0]
    assert _sites("rclone copy d.json :s3,provider=AWS,region=eu-west-1:eloket-archive/in") == []
    assert _sites("rclone lsd partner:") == []


def test_modules_inline_code_imports_are_a_closed_world():
    """r92-05, r92-06, good/r92-04: a module neither read nor local blocks (also in Node, also imported by a
    computed name); the read and local ones, relative imports and the code's own literal imports do not."""
    for text, name in (("import aiosmtplib\n", "aiosmtplib"), ("import asyncssh as ssh\n", "asyncssh"),
                       ("from psycopg2.extras import execute_values\n", "psycopg2"),
                       ("import json, pymysql\n", "pymysql"), ("const { Kafka } = require('kafkajs');\n",
                                                               "kafkajs"),
                       ("import mqtt from 'mqtt';\n", "mqtt"),
                       ("m = importlib.import_module('redis')\n", "redis")):
        found = _sites(text + "x = 1\n")
        assert found == [IMPORT_WHY.format(name)], text
    assert _sites("m = importlib.import_module(event['m'])\n") == [COMPUTED_WHY.format("import_module(e")]
    computed = "c = import_module(os.environ['C'])\n"  # r92-18
    assert _sites(computed) == [COMPUTED_WHY.format("import_module(o")]
    for text in ("import json\nimport os\nfrom email.message import EmailMessage\nimport boto3\n",
                 "from importlib import resources\nimport yaml\nfrom dataclasses import dataclass\n",
                 "from . import helpers\nfrom .util import pack\nimport socket\n",
                 "const fs = require('node:fs');\nimport { S3Client } from '@aws-sdk/client-s3';\n",
                 "import java.net.URI;\n"):
        assert _sites(text) == [], text


def test_sockets_and_node_net_tls_send_to_their_host():
    """r92-07, r92-08: the host of a Python socket connection and of Node's net/tls `connect` is judged as a
    client's URL; `socket.gethostname()` and a connection to a literal host are not read as held."""
    for text in ("with socket.create_connection((os.environ['H'], 9000)) as s:\n    s.sendall(b)\n",
                 "s = socket.socket()\ns.connect((os.environ['H'], 9000))\n",
                 "r, w = await asyncio.open_connection(os.environ['H'], 9000)\n",
                 "const tls = require('tls');\nconst s = tls.connect({host: process.env.H, port: 9});\n",
                 "const net = require('node:net');\nconst s = net.connect(9000, process.env.H);\n"):
        assert ("host", "$H") in _found(text), text
        assert ("host", "$H") not in _found(text.replace("os.environ['H']", "'10.0.0.5'")
                                            .replace("process.env.H", "'10.0.0.5'")), text
    assert _found("import socket\nlog.info(socket.gethostname())\n") == []


def test_kubectl_applying_unread_manifests_blocks_as_helm():
    """r92-09, r87-30, good/r92-05, good/r23-11: `kubectl apply|create|replace -f|-k` of a file, directory,
    URL or pipe, and `kustomize build`, block as a deployer; manifests written in a heredoc and commands
    applying nothing do not."""
    for command in ("kubectl apply -k /manifests/export", "kubectl apply -f /manifests/export.yaml",
                    "kubectl create -f https://example.org/m.yaml", "cat m.yaml | kubectl apply -f -",
                    "kubectl -n x replace --filename=m.yaml", "kustomize build /k | kubectl apply -f -"):
        found = messages(REPLICATION, codebuild_running(command), ALLOWED)
        assert found and "from a template or request the pack does not read" in found[0], command
    for command in ("kubectl rollout restart deployment/export -n export", "kubectl get pods -A",
                    "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\nEOF"):
        assert _sites(command) == [], command


def test_a_class_constructor_is_followed_into_init():
    """good/r91-08, good/r92-02, r91-15: `Uploader(url)` passes `__init__`'s `url` (after `self`), positional
    or by keyword; a URL from the event still blocks, and a constructor handed on as a value cannot be
    followed."""
    cls = ("class Uploader:\n    def __init__(self, url, timeout=30):\n        self.url = url\n\n"
           "    def send(self, b):\n        return requests.put(self.url, data=b)\n\n\n"
           "def handler(event, context):\n    return Uploader({}).send(b'x')\n")
    own = "'https://eloket-archive.s3.eu-west-1.amazonaws.com/in'"
    assert _found(cls.format(own)) == []
    assert _found(cls.format(f"url={own}")) == []
    assert _found(cls.format("os.environ['X']")) == [("host", "$X")]
    assert _found(cls.format("event['url']")) == [("host", "{event['url']}")]
    assert _found(cls.replace("return Uploader({}).send(b'x')", "return list(map(Uploader, urls))")) \
        == [("host", "{url}")]


def test_created_accounts_region_variable_and_geo_redundant_sku():
    """good/r92-03: a region held by a variable the text assigns a literal places the created account; a
    variable it does not assign keeps it blocked; a geo-redundant SKU blocks with a message saying why."""
    create = "az storage account create -n scratch -g rg -l \"$LOC\" --sku Standard_ZRS"
    use = "azcopy copy /d 'https://scratch.blob.core.windows.net/in'"
    assert _blocked(_job(f"LOC=westeurope; {create} && {use}")) == []
    assert any("eastus" in m for m in _blocked(_job(f"LOC=eastus; {create} && {use}")))
    assert any("scratch.blob.core.windows.net" in m for m in _blocked(_job(f"{create} && {use}")))
    geo = _blocked(_job(f"{create.replace('ZRS', 'RAGRS').replace('$LOC', 'westeurope')} && {use}"))
    assert any("geo-redundant SKU `Standard_RAGRS`" in m and "LRS or ZRS" in m for m in geo), geo


def test_az_monitor_destination_held_by_a_variable_blocks():
    """r92-12: `az monitor log-analytics workspace data-export create --destination "$X"` is a held
    destination, as round 91's `--marketplace-partner-id` (an id written in the command is scanned)."""
    command = ("az monitor log-analytics workspace data-export create -g rg --workspace-name w -n e "
               "--tables AppTraces --destination \"$D\"")
    found = _blocked(_job(command))
    assert len(found) == 1 and HELD_URL_NOTE in found[0]
    own = _own("acct", "dosisexport")  # the own account's id written in the command is read as an id
    written = command.replace('"$D"', f"{OWN}/Microsoft.Storage/storageAccounts/dosisexport")
    assert _blocked(_job(written), own) == []
