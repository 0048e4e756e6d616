"""Good: an explicit azuread.Provider that names its cloud (environment=public), so no deploy machine's ARM_ENVIRONMENT decides it"""
import pulumi
import pulumi_azuread as azuread

directory = azuread.Provider("directory", tenant_id="00000000-0000-0000-0000-000000000001", environment="public")
azuread.Group("operators", display_name="operators", security_enabled=True,
              opts=pulumi.ResourceOptions(provider=directory))
