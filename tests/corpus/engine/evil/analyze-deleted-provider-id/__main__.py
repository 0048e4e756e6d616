"""Evil: the bucket's provider reference carries the id of a delete: true us-east-1 provider that shares its URN with a live eu-west-1 one -> require-eea-location or exit 2"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
