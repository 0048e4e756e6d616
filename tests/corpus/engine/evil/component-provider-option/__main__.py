"""Evil: `provider=` on a component (becomes its children's provider) in eastus (require-eea-location)."""
import pulumi
import pulumi_azure_native as azure


class Vault(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("corp:sec:Vault", name, None, opts)
        azure.resources.ResourceGroup(f"{name}-rg", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


us = azure.Provider("us", location="eastus")
Vault("keys", opts=pulumi.ResourceOptions(provider=us))
