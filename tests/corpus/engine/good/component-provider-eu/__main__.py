"""Good: `provider=` on a component with a northeurope azure-native provider."""
import pulumi
import pulumi_azure_native as azure


class Vault(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("corp:sec:Vault", name, None, opts)
        azure.resources.ResourceGroup(f"{name}-rg", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


neu = azure.Provider("neu", location="northeurope")
Vault("keys", opts=pulumi.ResourceOptions(provider=neu))
