"""Evil: a us-east-1 bucket whose type token spells Bucket with Cyrillic letters -> require-known-resource-types or exit 2"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
