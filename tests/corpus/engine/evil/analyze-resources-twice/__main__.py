"""Evil: (variant written after the fix) deployment.resources given twice: a us-east-1 bucket in the first list, only EU resources in the last (a reader keeps the last) -> exit 2 naming the key"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
