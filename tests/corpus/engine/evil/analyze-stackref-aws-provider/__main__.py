"""Evil: a us-east-1 bucket posing as a pulumi:pulumi:StackReference (custom: true) served by the aws provider -> exit 2 naming the resource"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
