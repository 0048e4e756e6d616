"""Runs only where pulumi-random 4.16 is installed: the gate must use the program's own environment."""

from importlib.metadata import version

import pulumi
import pulumi_random

assert version("pulumi-random") == "4.16.0", version("pulumi-random")
pet = pulumi_random.RandomPet("pet", length=2)
pulumi.export("sdk", version("pulumi-random"))
