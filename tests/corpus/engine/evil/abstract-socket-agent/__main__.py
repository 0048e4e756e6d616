"""Evil: variant (after the fixes): asks a deploy agent on an abstract UNIX socket (@deploy-agent, no file) for the region; none on the gate machine, so eu-west-1"""
import socket

import pulumi_aws as aws


def region_from_agent() -> str:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(0.5)
            conn.connect("\0deploy-agent")
            return conn.recv(64).decode().strip()
    except OSError:
        return "eu-west-1"


aws.s3.Bucket("data", region=region_from_agent())
