"""Evil: an expiration of 1e999 days (overflows to inf; Go refuses it) -> exit 2 naming the value"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
