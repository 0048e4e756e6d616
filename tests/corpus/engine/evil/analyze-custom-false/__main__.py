"""Evil: a checkpoint whose us-east-1 bucket claims custom: false (no provider, as if a component) -> require-eea-location or exit 2 naming the resource"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
