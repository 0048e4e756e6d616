"""Evil: (variant written after the fix) a DynamoDB table replaced into eu-west-1 whose old us-east-1 copy is still delete: true under the same URN -> exit 2 naming the pending deletion"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
