"""Front ends that put the stack's data in front of people over the network (round 53): a Transfer Family
web app (a browser front end to S3 through Access Grants) and an AppStream 2.0 fleet (streaming instances
the users work in). Both decide whether that door faces the internet, so both are judged on it; their sign-in
(IAM Identity Center, the directory) is judged where the PIA rules already read it. The other front ends the
round-53 probe met stay refused by the closed world, with what is not read yet and what to use instead.
Round 55: WorkSpaces, their directories and IP groups are judged (aws_workspaces.py), merged here."""

from __future__ import annotations

from policies.core import aws_workspaces as desks
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

WEB_APP = "aws:transfer/webApp:WebApp"
FLEET = "aws:appstream/fleet:Fleet"
CONTROLS = (WEB_APP, FLEET, *desks.CONTROLS)  # round 55: WorkSpaces directories, IP groups


def web_app_endpoint(r: ResourceView, graph: StackGraph) -> list[str]:
    """The SDK: without `endpointDetails` the web app is created with a public endpoint; only a VPC
    endpoint (`endpointDetails.vpc`) keeps it inside the stack's network."""
    vpc = r.get("endpointDetails.vpc")
    if is_unknown(vpc):
        return [unknown_message("endpointDetails.vpc", "public network access")]
    if not vpc:
        return [
            "`endpointDetails.vpc` is not set: the web app gets a public endpoint and its files are "
            "reachable from the internet; give it a VPC endpoint (endpointDetails.vpc with the stack's "
            "private subnets)"
        ]
    return []


def fleet_internet(r: ResourceView, graph: StackGraph) -> list[str]:
    """Default internet access gives each streaming instance a public IP and a route out of the VPC, from
    the machines the users work on the stack's data in; left out, it is off."""
    value = r.input("enableDefaultInternetAccess")
    if is_unknown(value):
        return [unknown_message("enableDefaultInternetAccess", "public network access")]
    if value:
        return [
            "`enableDefaultInternetAccess` is true: the streaming instances get public IP addresses and a "
            "route to the internet while users work on the stack's data in them; leave it false and reach "
            "what the fleet needs through VPC endpoints"
        ]
    return []


PUBLIC_CHECKS = {WEB_APP: web_app_endpoint, FLEET: fleet_internet, **desks.PUBLIC_CHECKS}
# Type prefix -> why the closed world still refuses it and how to make the program judgeable (round 53).
UNJUDGED = {
    # round 55: WorkSpaces, their directories and IP groups are judged (aws_workspaces.py); pools are not
    desks.POOL: (
        "a WorkSpaces pool's non-persistent desktops, its directory and its persisted application settings "
        "are not read yet: give each user a WorkSpace of the stack in a judged directory, or stream the work "
        "from an AppStream 2.0 fleet of the stack without default internet access"
    ),
    "aws:quicksight/": (
        "QuickSight's data sources (SSL, credentials, VPC connection), its key and its users are not read "
        "yet: query the stack's stores from a judged analytics service (Athena, Redshift, Synapse)"
    ),
    "aws:workspacesweb/": (
        "WorkSpaces Secure Browser portals, their key, identity provider and user settings (clipboard, "
        "download, print) are not read yet: reach internal web apps through Verified Access (judged: MFA, "
        "logs to the SIEM)"
    ),
}
