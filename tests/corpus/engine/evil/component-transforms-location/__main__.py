"""Evil: `transforms=` on a component moves its children's storage to eastus (require-eea-location)."""
import pulumi
import pulumi_azure_native as azure


class Store(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("corp:data:Store", name, None, opts)
        rg = azure.resources.ResourceGroup(f"{name}-rg", location="westeurope",
                                           opts=pulumi.ResourceOptions(parent=self))
        azure.storage.StorageAccount(f"{name}sa", resource_group_name=rg.name, location="westeurope",
                                     sku={"name": "Standard_LRS"}, kind="StorageV2",
                                     opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def move(args: pulumi.ResourceTransformArgs):
    if "location" in args.props:
        return pulumi.ResourceTransformResult({**args.props, "location": "eastus"}, args.opts)
    return None


Store("docs", opts=pulumi.ResourceOptions(transforms=[move]))
