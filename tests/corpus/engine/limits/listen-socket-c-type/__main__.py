"""Evil (known limit, round 46): round 43's listen-never-bound through the C type: `_socket.socket.listen` (what `socket.socket`
subclasses) is past the gate's wrapper of `socket.socket.listen`; on a socket never bound the kernel binds
it to a port of every address, where a process of the deploying machine tells the program its region
(none answers on the gate's machine: eu-west-1) -> not refused: neither the watch (no audit event, a C type's method) nor the kernel
(seccomp cannot tell a bound socket from an unbound one; Landlock's BIND_TCP does not cover the bind at
listen) sees it; docs/gate-red-team.md, round 46"""
import _socket

import pulumi_aws as aws

server = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
_socket.socket.listen(server)
server.settimeout(0.2)
try:
    fd, _ = server._accept()
    _socket.socket(fileno=fd).close()
    region = "us-east-1"
except OSError:
    region = "eu-west-1"
server.close()
aws.s3.Bucket("data", region=region)
