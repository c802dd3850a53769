"""pyproject.toml is the one source of truth; environment.yml mirrors it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name_and_spec(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+(?:\[[^\]]+\])?)\s*(.*)$", requirement)
    assert m, requirement
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_mirrors_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        wanted += extra
    expected = dict(_name_and_spec(r) for r in wanted)

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    got: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep["pip"]:
                if not pip_dep.startswith("-"):
                    got.update([_name_and_spec(pip_dep)])
        elif not dep.startswith(("python", "pip")):
            got.update([_name_and_spec(dep)])
    assert got == expected, (
        "environment.yml and pyproject.toml disagree; update environment.yml: "
        f"missing {sorted(set(expected) - set(got))}, extra {sorted(set(got) - set(expected))}, "
        f"different {sorted(k for k in expected.keys() & got.keys() if expected[k] != got[k])}"
    )
    assert env["name"] == project["name"]
