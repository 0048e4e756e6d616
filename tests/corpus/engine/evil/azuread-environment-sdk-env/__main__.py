"""Evil: (variant written after the fix) an explicit azuread.Provider without environment; the SDK fills it from the deploy machine's ARM_ENVIRONMENT (public on the gate's machine) -> require-eea-provider-endpoints"""
import pulumi
import pulumi_azuread as azuread

directory = azuread.Provider("directory", tenant_id="00000000-0000-0000-0000-000000000001")
azuread.Group("operators", display_name="operators", security_enabled=True,
              opts=pulumi.ResourceOptions(provider=directory))
