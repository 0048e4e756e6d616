"""Red-team round 93 of the residency pack: shell tools that send to a place their own config names (the MinIO
client's aliases, profiles and config files, restic and borg repositories, duplicity targets, SMB shares, lftp
bookmarks, curl and wget URL files), bare host names, and pandas read as a client (policies/core/
script_tools.py, frame_writes.py, script_languages.py; corpus: tests/corpus/residency/*/r93-*.yaml and the two
limits of round 92 it closes).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, codebuild_running, messages
from test_residency_r87 import _found

from policies.core.code_imports import IMPORT_WHY, unread_imports
from policies.core.frame_writes import FRAME_WHY
from policies.core.reference_text import text_plan
from policies.core.script_languages import BARE_WHY
from policies.core.script_tools import TOOL_WHY


def _why(template: str) -> str:
    """The fixed part of a message template (after its first field)."""
    return template.split("{}")[1][:40]


def _text(s: str) -> list[tuple[str, str]]:
    """What the text scanner finds in a plain string (with the commands' findings)."""
    plan = text_plan(s, False, False, False, False)
    return [(k, v) for k, v, _ in plan[1]] if plan else []


def _sites(s: str) -> list[str]:
    return [v for k, v in _found(s) if k == "site"]


def test_tools_whose_destination_is_in_their_config_block():
    """r93-01, r93-07, r93-09, r93-12..14, r92-19: an mc alias, a named profile or config file, an s3cmd
    host from `~/.s3cfg`, an lftp bookmark, a curl or wget URL file block with a message saying how to make
    them judgeable; the same tools with the destination written on the command are judged by it."""
    fixed = TOOL_WHY.split("{}")[2][:40]
    for command in ("mc cp d.json partner/drop/d.json", "mc mirror --overwrite out partner/drop",
                    "s5cmd --profile partner cp d s3://eloket-archive/d",
                    "aws --profile partner s3 cp d s3://eloket-archive/d",
                    "export AWS_PROFILE=partner && aws s3 cp d s3://eloket-archive/d",
                    "s3cmd put d s3://eloket-archive/", "s3cmd -c /opt/p.cfg put d s3://eloket-archive/",
                    "lftp -e 'mirror -R out /drop; bye' partner", "lftp -e 'open partner; put d; bye'",
                    "curl -fsS -K /opt/export.curlrc -T d", "wget --post-file=d -i /opt/targets.txt",
                    "restic --repository-file /opt/repo backup d"):
        found = _sites(command)
        assert found and all(fixed in f and "on the command" in f for f in found), command
        assert any(fixed in m
                   for m in messages(REPLICATION, codebuild_running(command), ALLOWED)), command
    own = "mc alias set own https://s3.eu-west-1.amazonaws.com $AK $SK && mc cp d own/eloket-archive/"
    for command in (own,
                    "mc cp partner/drop/d.json ./d.json", "mc ls partner", "aws s3 cp d s3://eloket-archive/d",
                    "lftp -e 'put d; bye' sftp://sftp.eu-west-1.example.eu", "curl -fsS -T d https://x.eu/d",
                    "restic -r s3:s3.eu-west-1.amazonaws.com/eloket-archive/restic backup d",
                    "borg create /srv/repo::d-{now} d", "tar czf d.tgz d && sha256sum d.tgz"):
        assert _sites(command) == [], command
    assert ("host", "s3.eu-west-1.amazonaws.com") in _found(own)


def test_repositories_targets_and_shares_are_destinations():
    """r93-03..06, r93-13: restic's RESTIC_REPOSITORY, borg's BORG_REPO, a duplicity target, an SMB share's
    host and s3cmd's `--host` held by a variable are the resource's own settings (unset: they block); a
    literal host is judged as one."""
    for command, held in (("restic backup d", "$RESTIC_REPOSITORY"),
                          ("restic -r \"$REPO\" backup d", "$REPO"),
                          ("borg create ::d-{now} d", "$BORG_REPO"),
                          ("duplicity --no-encryption out \"$TARGET\"", "$TARGET"),
                          ("smbclient \"//$SHARE/drop\" -c 'put d'", "$SHARE"),
                          ("mount -t cifs //$SHARE/drop /mnt", "$SHARE"),
                          ("s3cmd --host=\"$S3_HOST\" put d s3://eloket-archive/", "$S3_HOST")):
        assert ("host", held) in _found(command), command
    for command, host in (("borg create backup@archive.partner.example:repo::d d", "archive.partner.example"),
                          ("smbclient //files.partner.example/drop -c 'put d'", "files.partner.example"),
                          ("lftp -e 'put d; bye' ftp.partner.example", "ftp.partner.example")):
        assert ("host", host) in _found(command), command
    assert _found("duplicity out file:///srv/backup") == []


def test_bare_host_names_block():
    """r93-08, good/r93-02: a bare host name of a raw connection or share is resolved by the image's hosts
    file or DNS search domain: it blocks with a message saying to write the full name; localhost stays
    local."""
    fixed = BARE_WHY.split("{}")[2][:40]
    for command in ("nc -q 1 archive 9000 < d", "smbclient //archive/drop -c 'put d'",
                    "borg create backup@archive:repo::d d"):
        found = _sites(command)
        assert len(found) == 1 and fixed in found[0] and "`archive`" in found[0], command
        assert any(fixed in m for m in messages(REPLICATION, codebuild_running(command), ALLOWED)), command
    for command in ("until nc -z localhost 5432; do sleep 1; done", "nc -z 127.0.0.1 8080"):
        assert _sites(command) == [], command


def test_pandas_writes_are_judged_by_their_target():
    """r93-10, r93-11, good/r92-07, good/r93-03: pandas is read as a client: a target it cannot place (a
    variable, an f-string, a parameter), a database call and `storage_options` block with a message saying
    how to make it judgeable; nothing, a keyword, a literal path or URL (scanned) and an in-memory buffer
    pass; pandas is no longer an unread import."""
    head = "import io\nimport os\nimport pandas as pd\n\n"
    fixed = _why(FRAME_WHY)
    for body in ("frame.to_csv(os.environ['EXPORT_URL'], index=False)",
                 "frame.to_parquet(f'{dest}/d.parquet')",
                 "frame.to_json(event['target'])", "frame.to_sql('dossiers', engine)",
                 "pd.read_sql('select 1', os.environ['DB'])",
                 "frame.to_csv('s3://eloket-archive/d.csv', storage_options={'endpoint_url': e})"):
        found = unread_imports(head + body + "\n")
        assert len(found) == 1 and fixed in found[0] and "io.StringIO()" in found[0], body
    for body in ("text = frame.to_csv(index=False)", "frame.to_csv()", "frame.to_parquet('/tmp/d.parquet')",
                 "buf = io.StringIO()\nframe.to_csv(buf, index=False)", "df = pd.read_csv('s3://eloket-archive/d')"):
        assert unread_imports(head + body + "\n") == [], body
    assert unread_imports("import polars as pl\n") == [IMPORT_WHY.format("polars")]


def test_probes_bare_hosts_of_copies_urls_from_default_configs_and_aws_config_files():
    """Probes r93-15..19, good/r93-07: scp, rsync and ssh to a bare host name, curl or wget sending with no
    URL on the command (the image's `~/.curlrc`), `AWS_CONFIG_FILE=`/`AWS_PROFILE=` before an aws command
    block; the same tools with a full host name, a URL or localhost pass."""
    bare, tool = BARE_WHY.split("{}")[2][:40], TOOL_WHY.split("{}")[2][:40]
    for command, fixed in (("scp d drop@archive:/in/", bare), ("rsync -a out/ archive::drop", bare),
                           ("ssh -i k drop@archive 'cat > d' < d", bare), ("curl -fsS -T d", tool),
                           ("curl -X PUT --data-binary @d", tool), ("wget --post-file=d", tool),
                           ("AWS_CONFIG_FILE=/opt/p/config aws s3 cp d s3://eloket-archive/d", tool),
                           ("export AWS_PROFILE=partner; aws s3 cp d s3://eloket-archive/d", tool)):
        found = _sites(command)
        assert found and all(fixed in f for f in found), command
    for command in ("scp d drop@sftp.example.eu:/in/", "rsync -a out/ /mnt/backup/", "scp -P 22 a b",
                    "curl -fsS -o /dev/null http://localhost:8080/health", "curl -fsS -T d https://x.eu/d",
                    "curl -fsS --url https://x.eu/d -T d", "wget -q -O - https://x.eu/a",
                    "ssh-keygen -t ed25519"):
        assert [f for f in _sites(command) if bare in f or tool in f] == [], command
    assert _found("sftp = paramiko.SFTPClient.from_transport(t)\nscp = client.open_sftp()\n") == []


def test_probes_pandas_methods_named_at_run_time_block_and_the_log_passes():
    """Probe r93-17, good/r93-06: `getattr(frame, "to_" + fmt)(url)` blocks; `to_csv(sys.stdout)` passes."""
    head = "import sys\nimport pandas as pd\n\n"
    fixed = _why(FRAME_WHY)
    for body in ("getattr(frame, 'to_' + fmt)(url)", "getattr(frame, 'to_csv')(url)", "getattr(pd, name)(u)"):
        found = unread_imports(head + body + "\n")
        assert len(found) == 1 and fixed in found[0], body
    for body in ("frame.to_csv(sys.stdout)", "getattr(frame, 'shape')", "frame.to_string(sys.stderr)"):
        assert unread_imports(head + body + "\n") == [], body


def test_csi_volumes_of_written_manifests_are_their_stores():
    """r93-20, good/r93-08: a CSI driver's name is no host; a Blob CSI volume's `storageAccount` is that
    account's host, the S3 CSI driver's `bucketName` a bucket; a Blob CSI volume naming no account blocks."""
    pv = ("kubectl apply -f - <<EOF\nkind: PersistentVolume\nspec:\n  csi:\n    driver: {}\n"
          "    volumeAttributes:\n{}EOF\n")
    found = _text(pv.format("blob.csi.azure.com", "      storageAccount: partnerdrop\n"))
    assert ("host", "partnerdrop.blob.core.windows.net") in found
    assert not any(v.endswith("csi.azure.com") for _, v in found)
    s3 = pv.format("s3.csi.aws.com", "      bucketName: partner-drop\n")
    assert ("bucket", "partner-drop") in _text(s3)
    found = [v for k, v in _text(pv.format("file.csi.azure.com", "      shareName: drop\n")) if k == "site"]
    assert len(found) == 1 and "`storageAccount: <account>`" in found[0]
    assert _text(pv.format("ebs.csi.aws.com", "      type: gp3\n")) == []
