"""DOSIS-IN and DOSIS-UIT as App Service apps: own identity, private inbound, VNet-routed outbound.

DPA annex 3 a.i.3/b.iii.3: each application component has dedicated credentials (its managed
identity) and only the rights it needs (role assignments made by the caller on narrow scopes).
DPA annex 3 a.ii/b.v: HTTPS only, TLS >= 1.2, no FTP and no basic publishing credentials.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure

from components.azure.common import child, diagnostics, eea_location, private_endpoint
from policies.core.eea import DOSIS_PRIMARY


@dataclass
class AppPlanArgs:
    resource_group_name: pulumi.Input[str]
    """Resource group of the region."""
    tags: dict[str, str]
    """Mandatory tags."""
    location: str = DOSIS_PRIMARY
    """Azure region (EEA only)."""
    sku_name: str = "P1v3"
    """Plan SKU (Premium v3 supports zone redundancy and VNet integration)."""
    instances: int = 3
    """Workers; zone redundancy needs at least 3."""
    workspace_id: pulumi.Input[str] | None = None
    """Sentinel workspace for plan metrics."""


class AppPlan(pulumi.ComponentResource):
    """A zone-redundant Linux App Service plan shared by the DOSIS apps."""

    plan: azure.web.AppServicePlan

    def __init__(self, name: str, args: AppPlanArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:AppPlan", name, None, opts)
        location = eea_location(args.location, f"AppPlan {name}")
        if args.instances < 3:
            raise ValueError(f"AppPlan {name}: zone redundancy needs at least 3 instances")
        self.location = location
        self.plan = azure.web.AppServicePlan(
            f"{name}-plan",
            resource_group_name=args.resource_group_name,
            location=location,
            kind="linux",
            reserved=True,
            zone_redundant=True,
            sku={"name": args.sku_name, "capacity": args.instances},
            tags=args.tags,
            opts=child(self),
        )
        if args.workspace_id is not None:
            diagnostics(f"{name}-plan", self.plan.id, args.workspace_id, self.plan, logs=False)
        self.register_outputs({"planId": self.plan.id})


@dataclass
class DosisAppArgs:
    app_name: str
    """Globally unique app name (<name>.azurewebsites.net, reachable only privately)."""
    resource_group_name: pulumi.Input[str]
    """Resource group of the region."""
    plan_id: pulumi.Input[str]
    """App Service plan."""
    integration_subnet_id: pulumi.Input[str]
    """Delegated subnet for outbound VNet integration (all outbound traffic routed through the VNet)."""
    tags: dict[str, str]
    """Mandatory tags."""
    location: str = DOSIS_PRIMARY
    """Azure region (EEA only)."""
    runtime: str = "DOTNETCORE|8.0"
    """Linux runtime stack."""
    app_settings: dict[str, str] | None = None
    """Non-secret settings (secrets come from Key Vault references via the app identity, never here)."""
    health_check_path: str = "/health"
    """Path App Service probes to take an unhealthy worker out of rotation."""
    client_certificate_mode: str = "Required"
    """Mutual TLS for callers: Required, Optional or OptionalInteractiveUser (DPA annex 3 a.ii)."""
    workers: int = 3
    """Instances the app runs on (one per zone of the zone-redundant plan)."""
    endpoint_subnet_id: pulumi.Input[str] | None = None
    """Subnet for the inbound private endpoint; None = no inbound endpoint (tests only)."""
    private_ip: str | None = None
    """Static address of the inbound endpoint (None = dynamic)."""
    supplier_cidrs: list[str] | None = None
    """DOSIS-IN only (D36 §63): the suppliers' egress addresses allowed in over the public endpoint, each
    caller also presenting a client certificate (mutual TLS, `client_certificate_mode` Required); everything
    else and the SCM site stay denied. None = private inbound only."""
    dns_zone_id: pulumi.Input[str] | None = None
    """privatelink.azurewebsites.net zone id."""
    workspace_id: pulumi.Input[str] | None = None
    """Sentinel workspace for HTTP, console, audit logs and metrics."""


class DosisApp(pulumi.ComponentResource):
    """One web app with a system-assigned identity, private inbound endpoint and hardened site config."""

    app: azure.web.WebApp
    endpoint: azure.network.PrivateEndpoint | None

    def __init__(self, name: str, args: DosisAppArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:azure:DosisApp", name, None, opts)
        location = eea_location(args.location, f"DosisApp {name}")
        if args.client_certificate_mode not in ("Required", "Optional", "OptionalInteractiveUser"):
            raise ValueError(
                f"DosisApp {name}: unknown client_certificate_mode {args.client_certificate_mode!r}"
            )
        if args.supplier_cidrs is not None and (
            not args.supplier_cidrs or args.client_certificate_mode != "Required"
        ):
            raise ValueError(
                f"DosisApp {name}: a supplier path needs supplier CIDRs and mutual TLS (Required)"
            )
        rg = args.resource_group_name
        self._web_app(name, args, rg, location)
        self.endpoint = None
        if args.endpoint_subnet_id is not None:
            self.endpoint = private_endpoint(
                name,
                resource_id=self.app.id,
                group_id="sites",
                subnet_id=args.endpoint_subnet_id,
                dns_zone_id=args.dns_zone_id,
                resource_group_name=rg,
                location=location,
                tags=args.tags,
                parent=self.app,
                private_ip=args.private_ip,
            )
        if args.workspace_id is not None:
            diagnostics(f"{name}-app", self.app.id, args.workspace_id, self.app)
        self.principal_id = self.app.identity.apply(lambda i: i.principal_id if i else None)
        self._private_ip = args.private_ip
        self.register_outputs({"appId": self.app.id})

    def _web_app(self, name: str, args: DosisAppArgs, rg: pulumi.Input[str], location: str) -> None:
        """The Linux web app: HTTPS and TLS 1.2 only, client certificates, all egress through the VNet,
        inbound only from the supplier CIDRs (if any), no basic-auth publishing."""
        suppliers = [
            {
                "name": f"supplier-{i}",
                "ip_address": cidr,
                "action": "Allow",
                "priority": 100 + i,
                "tag": "Default",
            }
            for i, cidr in enumerate(args.supplier_cidrs or ())
        ]
        settings = [{"name": k, "value": v} for k, v in sorted((args.app_settings or {}).items())]
        self.app = azure.web.WebApp(
            f"{name}-app",
            name=args.app_name,
            resource_group_name=rg,
            location=location,
            kind="app,linux",
            server_farm_id=args.plan_id,
            https_only=True,
            client_affinity_enabled=False,
            client_cert_enabled=True,
            client_cert_mode=args.client_certificate_mode,
            public_network_access="Enabled" if suppliers else "Disabled",
            virtual_network_subnet_id=args.integration_subnet_id,
            outbound_vnet_routing={"all_traffic": True},
            identity={"type": "SystemAssigned"},
            site_config={
                "linux_fx_version": args.runtime,
                "always_on": True,
                "health_check_path": args.health_check_path,
                "number_of_workers": args.workers,
                "http20_enabled": True,
                "min_tls_version": "1.2",
                "scm_min_tls_version": "1.2",
                "ftps_state": "Disabled",
                "remote_debugging_enabled": False,
                "vnet_route_all_enabled": True,
                "http_logging_enabled": True,
                "detailed_error_logging_enabled": True,
                "ip_security_restrictions_default_action": "Deny",
                "ip_security_restrictions": suppliers or None,
                "scm_ip_security_restrictions_default_action": "Deny",
                "app_settings": settings or None,
            },
            tags=args.tags,
            opts=child(self),
        )
        for kind, cls in (("ftp", azure.web.WebAppFtpAllowed), ("scm", azure.web.WebAppScmAllowed)):
            cls(
                f"{name}-no-basic-{kind}",
                name=self.app.name,
                resource_group_name=rg,
                allow=False,
                opts=child(self.app),
            )

    def private_ip(self) -> pulumi.Input[str]:
        """Private IP of the inbound endpoint (what the e-loket reaches over the VPN)."""
        if self.endpoint is None:
            raise ValueError("app has no private endpoint")
        if self._private_ip:
            return self._private_ip
        return self.endpoint.custom_dns_configs.apply(
            lambda cfgs: cfgs[0].ip_addresses[0] if cfgs and cfgs[0].ip_addresses else None
        )
