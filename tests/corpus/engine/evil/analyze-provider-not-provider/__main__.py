"""Evil: a region-less bucket whose provider reference names an eu-west-1 queue (not a provider) -> exit 2 naming the reference"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
