"""Evil: a us-east-1 bucket marked delete: true (a failed delete-after-replace: it still exists in the cloud) -> require-eea-location or exit 2"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
