"""Evil: a checkpoint whose bucket names a provider URN that is not in the state (its region unknowable) -> exit 2 naming the reference"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
