"""Evil: a bucket's inputs give region twice (us-east-1 then eu-west-1; a reader keeps the last, a reviewer reads the first) -> exit 2 naming the key"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
