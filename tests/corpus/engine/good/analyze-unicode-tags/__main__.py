"""Good: a checkpoint whose eu-west-1 bucket has non-ASCII tag keys and values and a float; everything live is in the EEA"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
