"""Evil: (variant written after the fix) an eastus azure-native StorageAccount (a token without module/file) claims custom: false and parents nothing -> exit 2 naming the resource"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
