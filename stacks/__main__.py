"""The one Pulumi program behind every stack: `<project>:system` picks what the stack deploys.

Deploy order for the real CLI: portal-prod, dosis-prod (its off-vendor copies rely on portal-prod's
organisation trail), then interconnect-prod; each reads the earlier stacks' outputs through StackReference.
"""

import importlib

import pulumi

from stacks.config import ConfigError

SYSTEMS = {
    "dosis": "stacks.dosis",  # Azure: DOSIS dossier-status store
    "portal": "stacks.portal",  # AWS: e-loket portal
    "interconnect": "stacks.interconnect",  # site-to-site IPsec VPN between the two
}

system = pulumi.Config().get("system")
if system not in SYSTEMS:
    raise ConfigError(
        f"stacks/Pulumi.{pulumi.get_stack()}.yaml: {pulumi.get_project()}:system: "
        f"expected one of {', '.join(sorted(SYSTEMS))}, got {system!r}"
    )
importlib.import_module(SYSTEMS[system]).main()
