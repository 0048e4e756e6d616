"""Evil: round 42's listen-for-region without the bind: `listen()` on a socket never bound gives it a port
of every address with no `socket.bind` event; the program takes its region from whatever process of the
machine connects there (none does here, so it stays in eu-west-1) -> blocked: listening is refused"""
import socket

import pulumi_aws as aws

region = "eu-west-1"
server = socket.socket()
try:
    server.listen(1)
    server.settimeout(0.5)
    conn, _ = server.accept()
    region = conn.recv(64).decode() or region
    conn.close()
except TimeoutError:
    pass
finally:
    server.close()
aws.s3.Bucket("records", region=region)
