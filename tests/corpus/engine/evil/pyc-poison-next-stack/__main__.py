"""Evil: stack a writes an unchecked-hash .pyc of components/storage.py saying eu-west-1 into components/__pycache__; stack b (after a) imports it, while the source (what a clean checkout deploys) says us-east-1 -> require-eea-location for b (or exit 2 naming the file)"""
import importlib.util
import py_compile
from pathlib import Path

import pulumi
import pulumi_aws as aws

HERE = Path(__file__).parent
SOURCE = HERE / "components" / "storage.py"

if pulumi.get_stack() == "a":
    aws.s3.Bucket("a-data")
    patched = HERE / "build" / "storage.py"
    patched.parent.mkdir(exist_ok=True)
    patched.write_text(SOURCE.read_text().replace("us-east-1", "eu-west-1"))
    target = Path(importlib.util.cache_from_source(str(SOURCE)))
    target.parent.mkdir(exist_ok=True)
    py_compile.compile(str(patched), cfile=str(target), dfile=str(SOURCE), doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    from components import storage

    storage.make()
