"""Build the MySQL alternating-users rotation function's package, byte for byte reproducibly.

`python scripts/dev/build_rotation_code.py TEMPLATE WHEEL` packs AWS's own rotation function
(`SecretsManagerRDSMySQLRotationMultiUser/lambda_function.py` of
aws-samples/aws-secrets-manager-rotation-lambdas, MIT-0) with the PyMySQL wheel it imports into
components/aws/rotation_code/mysql-multi-user.zip and writes the manifest beside it (each member's SHA-256,
the inputs' SHA-256). Fixed timestamps and order: the same inputs give the same zip, so a reviewer can
rebuild it and compare.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "components" / "aws" / "rotation_code" / "mysql-multi-user.zip"
MANIFEST = OUT.with_suffix(".json")
EPOCH = (1980, 1, 1, 0, 0, 0)
SOURCES = {
    "template": "github.com/aws-samples/aws-secrets-manager-rotation-lambdas "
    "b4b8eca63e1f61bbcfb18c291b640f4fc3b0deb8 SecretsManagerRDSMySQLRotationMultiUser/lambda_function.py",
    "wheel": "PyPI PyMySQL 1.2.4 (pymysql-1.2.4-py3-none-any.whl)",
}


def _members(template: Path, wheel: Path) -> dict[str, bytes]:
    """The handler at the root, the wheel's `pymysql/` package and its licence."""
    members = {"lambda_function.py": template.read_bytes()}
    with zipfile.ZipFile(wheel) as whl:
        for name in whl.namelist():
            if name.startswith("pymysql/") and not name.endswith("/"):
                members[name] = whl.read(name)
            elif name.endswith(".dist-info/licenses/LICENSE") or name.endswith(".dist-info/LICENSE"):
                members["pymysql.LICENSE"] = whl.read(name)
    return members


def build(template: Path, wheel: Path) -> dict:
    members = _members(template, wheel)
    with zipfile.ZipFile(OUT, "w") as out:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, members[name], compresslevel=9)
    manifest = {
        "sources": SOURCES,
        "template": {"name": template.name, "sha256": hashlib.sha256(template.read_bytes()).hexdigest()},
        "wheel": {"name": wheel.name, "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest()},
        "zip_sha256": hashlib.sha256(OUT.read_bytes()).hexdigest(),
        "members": {n: hashlib.sha256(members[n]).hexdigest() for n in sorted(members)},
    }
    MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(build(Path(sys.argv[1]), Path(sys.argv[2]))["zip_sha256"])
