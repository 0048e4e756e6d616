"""checkov's ``Checkov.run`` for the gate's two frameworks, without importing ``checkov.main``.

``checkov.main`` imports the runner (and every check) of all ~30 frameworks before it parses an argument:
a fifth of a driver's imports is for frameworks the gate never scans. This module replays, statement for
statement, what ``Checkov(argv).run()`` does for the gate's arguments (a directory, ``--framework
terraform_plan arm``, ``--skip-download``, no API key): the same argument parser, the same
``RunnerFilter``, the same platform-integration calls (all local without a key), a ``RunnerRegistry``
holding the same runner classes ``checkov.main`` would keep for those frameworks, the same
``runner_registry.run``. It applies only when nothing outside the argument list changes the
configuration: no checkov config file, no ``CKV_*``/``BC_*`` variable the parser reads, no platform key
(`pristine`); otherwise the driver runs ``checkov.main`` itself. Runs in checkov's environment.
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Any

# the checkov release whose `Checkov.run` this replays; another one runs `checkov.main` itself until
# someone has compared the two again (tests/checkov/test_checkov_slim.py fails on a version bump)
REPLAYS = "3.3.30"
# the runners `checkov.main` instantiates, in its DEFAULT_RUNNERS order, for the frameworks the gate scans
RUNNERS = {"arm": ("checkov.arm.runner", "Runner"),
           "terraform_plan": ("checkov.terraform.plan_runner", "Runner")}


def preload() -> None:
    """Import what `scan` needs (most of a small scan's cost), in the order ``checkov.main`` does."""
    import importlib

    import checkov.logging_init  # checkov.main imports it first: it sets up logging
    for module, _ in RUNNERS.values():
        importlib.import_module(module)
    import checkov.common.runners.runner_registry
    import checkov.common.util.ext_argument_parser
    import checkov.runner_filter  # noqa: F401


def _parser(config_files: list[str]) -> Any:
    """`Checkov.parse_config`'s parser."""
    import configargparse
    from checkov.common.util.ext_argument_parser import ExtArgumentParser

    parser = ExtArgumentParser(description="Infrastructure as code static analysis",
                               default_config_files=config_files,
                               config_file_parser_class=configargparse.YAMLConfigFileParser,
                               add_env_var_help=True)
    parser.add_parser_args()
    return parser


def pristine(argv: list[str]) -> Any:
    """The parsed configuration when the environment and config files add nothing to `argv` (and this
    is the checkov release replayed), else None: then the driver runs `checkov.main`."""
    import sys

    from checkov.common.bridgecrew.platform_key import read_key
    from checkov.common.util.config_utils import get_default_config_paths
    from checkov.version import version

    if version != REPLAYS or read_key():   # with a platform key checkov is a platform client
        return None
    # as Checkov.parse_config: config files named from the process's own arguments, not `argv`
    config = _parser(get_default_config_paths(sys.argv[1:])).parse_args(argv)
    plain = _parser([]).parse_args(argv, env_vars={})
    return config if vars(config) == vars(plain) else None


def _normalize(config: Any) -> None:
    """`Checkov.normalize_config` for a pristine configuration (no key, no files, no mask)."""
    from checkov.common.bridgecrew.check_type import checkov_runners
    from checkov.common.util.ext_argument_parser import flatten_csv

    config.include_all_checkov_policies = True   # no API key
    frameworks = flatten_csv(config.framework)
    unknown = [f for f in frameworks if f not in checkov_runners or f not in RUNNERS]
    if unknown or config.skip_framework or config.mask or config.file:
        raise ValueError(f"slim driver: unsupported arguments {unknown or config}")
    # the empty mask becomes what `Checkov._parse_mask_to_resource_attributes_to_omit` makes of it
    config.framework, config.skip_framework, config.mask = frameworks, [], defaultdict(set)


def _runner_filter(config: Any) -> Any:
    """The `RunnerFilter` of `Checkov.run`, argument for argument."""
    from checkov.common.bridgecrew.check_type import checkov_runners
    from checkov.common.util.type_forcers import convert_str_to_bool, convert_str_to_optional_bool
    from checkov.runner_filter import RunnerFilter

    return RunnerFilter(
        framework=config.framework, skip_framework=config.skip_framework, checks=config.check,
        skip_checks=config.skip_check, include_all_checkov_policies=config.include_all_checkov_policies,
        download_external_modules=convert_str_to_optional_bool(config.download_external_modules),
        external_modules_download_path=config.external_modules_download_path,
        evaluate_variables=bool(convert_str_to_bool(config.evaluate_variables)),
        runners=checkov_runners, excluded_paths=config.skip_path or [],
        all_external=config.run_all_external_checks, var_files=config.var_file,
        skip_cve_package=config.skip_cve_package, show_progress_bar=not config.quiet,
        use_enforcement_rules=config.use_enforcement_rules,
        enable_secret_scan_all_files=bool(convert_str_to_bool(config.enable_secret_scan_all_files)),
        block_list_secret_scan=config.block_list_secret_scan, deep_analysis=config.deep_analysis,
        repo_root_for_plan_enrichment=config.repo_root_for_plan_enrichment, resource_attr_to_omit=config.mask,
        enable_git_history_secret_scan=config.scan_secrets_history,
        git_history_timeout=config.secrets_history_timeout,
        report_sast_imports=bool(convert_str_to_bool(os.getenv("CKV_ENABLE_UPLOAD_SAST_IMPORTS", False))),
        report_sast_reachability=bool(convert_str_to_bool(os.getenv("CKV_ENABLE_UPLOAD_SAST_REACHABILITY",
                                                                    False))))


def _integrations(config: Any, runner_filter: Any) -> None:
    """`Checkov.run`'s platform-integration steps; without a key and with --skip-download all local."""
    from checkov.common.bridgecrew.integration_features.features.custom_policies_integration import (
        integration as custom_policies,
    )
    from checkov.common.bridgecrew.integration_features.features.policy_metadata_integration import (
        integration as policy_metadata,
    )
    from checkov.common.bridgecrew.integration_features.features.repo_config_integration import (
        integration as repo_config,
    )
    from checkov.common.bridgecrew.integration_features.features.suppressions_integration import (
        integration as suppressions,
    )
    from checkov.common.bridgecrew.integration_features.integration_feature_registry import (
        integration_feature_registry,
    )
    from checkov.common.bridgecrew.platform_integration import bc_integration

    bc_integration.skip_download = True
    bc_integration.get_platform_run_config()
    bc_integration.setup_on_prem()
    bc_integration.get_prisma_build_policies(config.policy_metadata_filter,
                                             config.policy_metadata_filter_exception)
    integration_feature_registry.config = config
    integration_feature_registry.run_pre_scan()
    policy_level_suppression = suppressions.get_policy_level_suppressions()
    runner_filter.bc_cloned_checks = custom_policies.bc_cloned_checks
    custom_policies.policy_level_suppression = list(policy_level_suppression.keys())
    runner_filter.set_suppressed_policies(list(policy_level_suppression.values()))
    runner_filter.filtered_policy_ids = policy_metadata.filtered_policy_ids
    runner_filter.filtered_exception_policy_ids = policy_metadata.filtered_exception_policy_ids
    runner_filter.excluded_paths = runner_filter.excluded_paths + list(repo_config.skip_paths)


def scan(config: Any) -> list[Any]:
    """`Checkov(argv).run()`'s scan reports for a `pristine` configuration of one directory."""
    import importlib

    from checkov.common.bridgecrew.platform_integration import bc_integration
    from checkov.common.runners.runner_registry import RunnerRegistry
    from checkov.common.util.banner import banner, default_tool
    from checkov.common.util.runner_dependency_handler import RunnerDependencyHandler

    _normalize(config)
    bc_integration.setup_http_manager(config.ca_certificate, config.no_cert_verify)
    config.repo_id = bc_integration.persist_repo_id(config)
    config.bc_api_key = bc_integration.persist_bc_api_key(config)
    if config.bc_api_key or len(config.directory) != 1 or config.external_checks_git:
        raise ValueError("slim driver: a platform key, several directories or external checks from git")
    runner_filter = _runner_filter(config)
    runners = [getattr(importlib.import_module(m), c)() for f, (m, c) in RUNNERS.items()
               if f in config.framework]
    registry = RunnerRegistry(banner, runner_filter, *runners, tool=config.custom_tool_name or default_tool)
    RunnerDependencyHandler(registry).validate_runner_deps()
    _integrations(config, runner_filter)
    bc_integration.scan_dir = config.directory
    root = config.directory[0]
    if not os.path.exists(root):
        raise ValueError(f"slim driver: {root} does not exist")
    reports = registry.run(root_folder=root, external_checks_dir=config.external_checks_dir, files=None)
    if registry.is_error_in_reports(reports):
        raise RuntimeError("checkov reported an error in a scan report")
    return list(reports)
