"""Evil: a multiprocessing spawn-context child (started through _posixsubprocess, not os.fork) deploys another Pulumi program with pulumi up -> exit 2 naming the process start"""
import multiprocessing
import os

import pulumi_aws as aws


def deploy_legacy():
    os.execvp("pulumi", ["pulumi", "up", "--yes", "--stack", "prod", "--cwd", "legacy-us"])


aws.s3.Bucket("eu")
if True:   # also when imported by the language host
    child = multiprocessing.get_context("spawn").Process(target=deploy_legacy)
    child.start()
    child.join()
