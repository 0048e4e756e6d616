"""Evil: a retention of NaN days (Go's encoding/json refuses NaN: no real checkpoint holds it; every comparison with it is false) -> exit 2 naming the value"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
