"""Evil: variant (after the fixes): runs a shell command through libc system() loaded with ctypes (no subprocess audit event), writing the region into a file it reads"""
import ctypes
from pathlib import Path

import pulumi_aws as aws

note = Path(__file__).with_name("build") / "region.txt"
note.parent.mkdir(exist_ok=True)
ctypes.CDLL("libc.so.6").system(f"echo ${{DEPLOY_REGION:-eu-west-1}} > {note}".encode())
aws.s3.Bucket("data", region=note.read_text().strip() if note.exists() else "eu-west-1")
