"""The program's own helper, in a folder named like an environment."""
import os


def deploy_region() -> str:
    return os.getenv("DEPLOY_REGION", "eu-west-1")
