"""`[tool.gate]` settings: pyproject.toml, then profiles, then flags; bad input names the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate import settings
from gate.cli import main
from gate.errors import UsageError

REPO = Path(__file__).resolve().parents[2]


def project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "packs" / "p").mkdir(parents=True)
    (tmp_path / "packs" / "p" / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "records").mkdir()
    (tmp_path / "p.json").write_text("{}")
    (tmp_path / "pyproject.toml").write_text(table)
    return tmp_path


def test_this_projects_settings_name_its_packs_configs_and_records():
    s = settings.load([REPO])
    assert s.source == str(REPO / "pyproject.toml")
    assert [p.name for p in s.packs] == ["eu_residency", "pia_conditions"]
    assert s.pack_config_specs() == [
        f"eu-residency={REPO / 'policies/config/eu-residency.json'}",
        f"pia-conditions={REPO / 'policies/config/pia-conditions.json'}",
    ]
    assert s.records == REPO / "stacks" / "records"
    assert (s.checkov, s.jobs, s.checkov_waivers) == (True, 2, "policies.core.records:load_waivers")


def test_generic_profile_drops_the_projects_records_and_dosis_specific_rules():
    s = settings.load([REPO], profile="generic")
    assert s.profile == "generic" and s.records == REPO / "policies" / "config" / "generic" / "records"
    assert list(s.pack_config) == ["pia-conditions"]    # eu-residency: pack defaults (every EEA region)
    disabled = s.pack_config["pia-conditions"].read_text()
    for rule in ("require-pia-record", "require-admin-mfa", "disallow-dosis-data-on-portal"):
        assert f'"{rule}": "disabled"' in disabled
    assert "require-customer-managed-keys" not in disabled


def test_the_first_directory_with_a_table_wins_and_paths_are_relative_to_it(tmp_path):
    root = project(tmp_path, '[tool.gate]\npacks = ["packs/p"]\nrecords = "records"\njobs = 3\n'
                             'checkov = false\n[tool.gate.pack-config]\np = "p.json"\n')
    s = settings.load([tmp_path / "nowhere", root, REPO])
    assert s.packs == (root / "packs" / "p",) and s.records == root / "records"
    assert (s.jobs, s.checkov, s.pack_config) == (3, False, {"p": root / "p.json"})


def test_flags_override_settings(tmp_path):
    root = project(tmp_path, '[tool.gate]\npacks = ["packs/p"]\n[tool.gate.pack-config]\np = "p.json"\n')
    other = tmp_path / "other.json"
    other.write_text("{}")
    s = settings.with_flags(settings.load([root]), pack_config=[f"p={other}"], no_checkov=True, jobs=1,
                            records=root / "packs")
    assert (s.pack_config, s.checkov, s.jobs, s.records) == ({"p": other}, False, 1, root / "packs")


@pytest.mark.parametrize(("table", "message"), [
    ('[tool.gate]\npack = ["x"]\n', r"tool.gate.pack: unknown setting"),
    ('[tool.gate]\npacks = ["missing"]\n', r"tool.gate.packs: missing: directory not found"),
    ('[tool.gate]\njobs = 0\n', r"tool.gate.jobs: must be a positive integer"),
    ('[tool.gate]\ncheckov = "yes"\n', r"tool.gate.checkov: must be true or false"),
    ('[tool.gate.pack-config]\np = "absent.json"\n', r"tool.gate.pack-config.p: absent.json: file not found"),
    ('[tool.gate]\ncheckov-waivers = "records.load"\n', r'expected "module:function"'),
    ('[tool.gate]\njobs = \n', r"invalid TOML"),
])
def test_bad_settings_name_the_file_and_key(tmp_path, table, message):
    root = project(tmp_path, table)
    with pytest.raises(UsageError, match=message) as err:
        settings.load([root])
    assert str(root / "pyproject.toml") in str(err.value)


def test_an_unknown_profile_lists_the_known_ones():
    with pytest.raises(UsageError, match=r"profiles.nope: no such profile \(known: generic\)"):
        settings.load([REPO], profile="nope")


def test_bad_settings_exit_2_with_one_line(tmp_path, capsys):
    root = project(tmp_path, '[tool.gate]\njobs = "two"\n')
    (root / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    assert main(["preview", "--program", str(root), "--all"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"gate: error: {root / 'pyproject.toml'}: tool.gate.jobs: must be a positive integer"]
