"""Evil: (variant written after the fix) a location-less azure-native StorageAccount whose provider reference names the eu-west-1 aws provider (its real location: the azure provider's, unknown) -> exit 2 naming the provider"""
# gate analyze --state state.json: the checkpoint is the case, not this program.
