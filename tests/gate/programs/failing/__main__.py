"""Fails on purpose: `failing:mode` picks how."""

import importlib

import pulumi


class ConfigError(Exception):
    """Same name as stacks.config.ConfigError: its message already names file and key."""


mode = pulumi.Config().require("mode")
pulumi.log.info(f"failing on purpose: {mode}")
if mode == "raise":
    raise RuntimeError("boom: the fixture program raised on purpose")
if mode == "import":
    importlib.import_module("module_that_does_not_exist_xyz")
if mode == "config":
    raise ConfigError("Pulumi.config.yaml: failing:size: expected an integer, got 'big'")
