"""Evil: a us-east-1 bucket exists only as a pending 'creating' operation (it may exist in the cloud) -> exit 2 naming the pending operation"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
