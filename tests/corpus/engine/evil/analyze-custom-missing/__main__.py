"""Evil: a us-east-1 RDS instance whose entry has no custom key at all (a reader defaulting to false takes it for a component) -> exit 2 naming the resource"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
