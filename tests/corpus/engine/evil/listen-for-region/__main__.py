"""Evil: the program listens on a loopback port and takes its region from whatever local process connects
(connecting to a local agent is refused, round 4; being connected to is the same channel the other way);
no process connects here, so it stays in eu-west-1 -> blocked: listening is refused"""
import socket

import pulumi_aws as aws

region = "eu-west-1"
with socket.socket() as server:
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    try:
        conn, _ = server.accept()
        with conn:
            region = conn.recv(64).decode() or region
    except TimeoutError:
        pass
aws.s3.Bucket("records", region=region)
