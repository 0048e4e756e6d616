"""Evil: a us-east-1 bucket whose type token is aws:S3/bucket:Bucket (other casing; a case-folding lookup finds the bucket schema, rules keyed on the exact token do not) -> require-known-resource-types or exit 2"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
