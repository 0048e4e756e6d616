"""require-efs-tls-policy: every EFS file system of the stack has a file system policy (round 16)."""

from ruletest import KEY, base, res, run, with_

RULE = "require-efs-tls-policy"
AWS = base("aws")
FS = res("efs", "aws:efs/fileSystem:FileSystem", {"creationToken": "f", "encrypted": True, "kmsKeyId": KEY})
MSG = (
    "no file system policy of this stack covers the file system, so clients may mount it without "
    "TLS; declare one that denies mounts without aws:SecureTransport (require-tls-1-2 judges it)"
)


def _policy(**kw):
    inputs = {"fileSystemId": "fs-0123456789abcdef0", "policy": "{}"}
    return res("efs-policy", "aws:efs/fileSystemPolicy:FileSystemPolicy", inputs, **kw)


def test_a_file_system_needs_a_policy_of_the_stack():
    assert run(RULE, with_(AWS, FS)) == [("efs", MSG)]
    assert run(RULE, with_(AWS, FS, _policy())) == [("efs", MSG)]  # another file system's policy
    assert run(RULE, with_(AWS, FS, _policy(refs={"fileSystemId": "efs"}))) == []
