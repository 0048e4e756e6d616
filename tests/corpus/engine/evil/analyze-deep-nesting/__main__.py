"""Evil: a bucket's tags nested 100,000 lists deep (a recursive reader hits RecursionError) -> exit 2 naming the depth, not exit 3 or a pass"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
