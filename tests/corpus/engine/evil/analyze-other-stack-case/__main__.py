"""Evil: a us-east-1 bucket whose URN names stack 'Corpus' in a checkpoint of stack 'corpus' -> require-eea-location or exit 2"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
