"""Evil: asks a local agent on 127.0.0.1:8500 (a consul on the deploy runner) for the region; none answers on the gate machine, so eu-west-1"""
import socket

import pulumi_aws as aws


def region_from_agent() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 8500), timeout=0.5) as conn:
            conn.sendall(b"GET /v1/kv/deploy/region?raw HTTP/1.0\r\n\r\n")
            return conn.recv(4096).split(b"\r\n\r\n", 1)[1].decode().strip()
    except (OSError, IndexError):
        return "eu-west-1"


aws.s3.Bucket("data", region=region_from_agent())
