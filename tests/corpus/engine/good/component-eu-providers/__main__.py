"""Good: a component gets an EU providers map (aws eu-west-1, azure-native westeurope) that its children inherit."""
import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure


class Platform(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("corp:platform:Base", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        aws.s3.Bucket(f"{name}-bucket", opts=child)
        azure.resources.ResourceGroup(f"{name}-rg", opts=child)
        self.register_outputs({})


eu = aws.Provider("eu", region="eu-west-1")
weu = azure.Provider("weu", location="westeurope")
Platform("base", opts=pulumi.ResourceOptions(providers={"aws": eu, "azure-native": weu}))
