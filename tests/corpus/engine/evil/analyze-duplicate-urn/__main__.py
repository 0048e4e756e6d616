"""Evil: two live buckets share one URN (eu-west-1 first, us-east-1 second; a map by URN keeps one) -> exit 2 naming the URN"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
