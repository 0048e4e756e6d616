"""Good: a checkpoint with a StackReference (custom, the pulumi provider) whose outputs name eu-west-1; everything live is eu-west-1"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
