"""Good: a checkpoint with a delete: true old eu-west-1 provider left by a replacement; everything live is eu-west-1"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
