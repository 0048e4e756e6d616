"""The rotation function's package is what its manifest says: AWS's alternating-users MySQL template and
PyMySQL, every member pinned by SHA-256 (scripts/dev/build_rotation_code.py rebuilds it byte for byte)."""

import hashlib
import json
import zipfile

from components.aws.rotation import CODE


def test_the_package_holds_exactly_the_pinned_members():
    manifest = json.loads(CODE.with_suffix(".json").read_text(encoding="utf-8"))
    assert hashlib.sha256(CODE.read_bytes()).hexdigest() == manifest["zip_sha256"]
    with zipfile.ZipFile(CODE) as z:
        members = {n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}
        handler = z.read("lambda_function.py").decode()
    assert members == manifest["members"]
    assert members["lambda_function.py"] == manifest["template"]["sha256"]
    assert "def lambda_handler(event, context):" in handler and "'masterarn'" in handler
    assert "pymysql/__init__.py" in members and "pymysql.LICENSE" in members
