"""environment.yml (conda, Binder, JupyterHub) and pyproject.toml (pip) describe one environment."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"pytorch-cpu": "torch", "pytorch": "torch"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _conda_packages() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name = _name(dep)
            found[CONDA_TO_PYPI.get(name, name)] = dep
    return found


def test_same_packages():
    project = _pyproject()["project"]
    pip_names = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    conda_names = set(_conda_packages()) - {"python", "pip"}
    assert pip_names - conda_names == set(), "in pyproject.toml but missing from environment.yml"
    assert conda_names - pip_names == set(), "in environment.yml but missing from pyproject.toml"


def test_torch_pinned_to_the_same_cpu_release():
    torch_pip = next(r for r in _pyproject()["project"]["dependencies"] if _name(r) == "torch")
    assert torch_pip.replace(" ", "") == "torch==2.13.0", "pin torch: a range pulls a CUDA build"
    conda_torch = _conda_packages()["torch"]
    assert conda_torch.startswith("pytorch-cpu"), "Binder and hubs need the CPU-only build"
    assert conda_torch.endswith("=2.13.0")


def test_environment_installs_this_package():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section or "." in pip_section
